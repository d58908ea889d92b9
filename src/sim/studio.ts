import type { Device } from '../api/context.ts';
import type { Bus } from '../core/bus.ts';
import { RadError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import { StatusTracker } from '../core/status.ts';
import { isLoopback } from '../settings/load.ts';
import type { Settings } from '../settings/schema.ts';
import type { AudioTopology } from '../dsp/engine/protocol.ts';
import { loopTopology } from './audio.ts';
import { X32Simulator } from './x32/simulator.ts';

/** One simulator as a device in `/status`, so a user sees what the simulated studio runs. */
class SimulatorDevice implements Device {
  readonly kind = 'simulator' as const;
  private readonly tracker: StatusTracker;

  constructor(
    readonly id: string,
    readonly sim: X32Simulator,
    bus: Bus,
  ) {
    this.tracker = new StatusTracker(bus, id, 'simulator');
  }

  async start(): Promise<void> {
    this.tracker.set('online', `X32 simulator on udp 127.0.0.1:${this.sim.port}`);
  }
  async stop(): Promise<void> {
    this.tracker.set('stopped');
  }
  status() {
    return this.tracker.get();
  }
  describe() {
    return { protocol: 'x32-osc', port: this.sim.port };
  }
}

/**
 * The simulated studio: every device the settings point at on loopback gets a protocol-faithful
 * simulator. Port 0 picks a free port and writes it back into the settings before drivers start.
 */
export class SimulatedStudio {
  readonly x32 = new Map<string, X32Simulator>();
  readonly devices: SimulatorDevice[] = [];

  constructor(
    private readonly settings: Settings,
    private readonly deps: { bus: Bus; log: Logger },
  ) {}

  async start(): Promise<void> {
    const faults = this.settings.sim.faults;
    for (const c of this.settings.consoles) {
      if (c.family !== 'x32' || !isLoopback(c.host)) continue;
      const silent = faults.some((f) => f.device === c.id && f.kind === 'silent');
      const loss = faults.find((f) => f.device === c.id && f.kind === 'loss-pct')?.value ?? this.settings.sim.x32.loss_pct;
      const sim = new X32Simulator({ port: c.port ?? 10023, host: '127.0.0.1', lossPct: loss, lanDelayMs: this.settings.sim.lan_delay_ms });
      try {
        await sim.start();
      } catch (e) {
        const err = e as NodeJS.ErrnoException;
        throw new RadError(
          err.code === 'EADDRINUSE' ? 'E_SIM_PORT_IN_USE' : 'E_SIM_START',
          `cannot start the X32 simulator for ${c.id} on udp 127.0.0.1:${c.port ?? 10023}: ${err.code === 'EADDRINUSE' ? 'port in use (another rad or rad sim running?)' : err.message}`,
          { details: { console: c.id, port: c.port } },
        );
      }
      sim.silent = silent;
      c.port = sim.port;
      c.host = '127.0.0.1';
      this.x32.set(c.id, sim);
      this.devices.push(new SimulatorDevice(`sim-${c.id}`, sim, this.deps.bus));
      this.deps.log.info({ console: c.id, port: sim.port }, 'X32 simulator listening');
    }
  }

  async stop(): Promise<void> {
    for (const s of this.x32.values()) await s.stop();
    this.x32.clear();
  }

  /** What each interface input hears, from the simulated plant and the injected faults. */
  audioTopology(): AudioTopology {
    const a = this.settings.audio;
    if (!a) return { inputs: [] };
    return loopTopology(a.inputs, a.outputs, this.settings.sim.faults, a.latency_samples);
  }

  endpoints(): Array<{ id: string; protocol: string; transport: string; port: number }> {
    return [...this.x32.entries()].map(([id, s]) => ({ id, protocol: 'x32-osc', transport: 'udp', port: s.port }));
  }
}
