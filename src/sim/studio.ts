import type { Device } from '../core/device.ts';
import type { Bus } from '../core/bus.ts';
import { RadError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import { StatusTracker } from '../core/status.ts';
import { isLoopback } from '../settings/load.ts';
import type { Settings } from '../settings/schema.ts';
import type { AudioTopology } from '../dsp/engine/protocol.ts';
import { EventEmitter } from 'node:events';
import { PassiveBay } from '../patchbay/passive/bay.ts';
import { expandWiring, requiredTies } from '../patchbay/trace.ts';
import { loopTopology } from './audio.ts';
import { plantTopology } from './plant.ts';
import type { LineDeviceSim } from './patchbay/base.ts';
import { simFor } from './patchbay/factory.ts';
import { PtyPair, socatAvailable } from './patchbay/pty.ts';
import { X32Simulator } from './x32/simulator.ts';
import { SqSimulator } from './sq/simulator.ts';
import { QuSimulator } from './qu/simulator.ts';
import { quModelNamed } from '../console/qu/codec.ts';

/** One simulator as a device in `/status`, so a user sees what the simulated studio runs. */
class SimulatorDevice implements Device {
  readonly kind = 'simulator' as const;
  private readonly tracker: StatusTracker;

  constructor(
    readonly id: string,
    readonly where: string,
    bus: Bus,
    private readonly problem?: string,
  ) {
    this.tracker = new StatusTracker(bus, id, 'simulator');
  }

  async start(): Promise<void> {
    if (this.problem) this.tracker.set('offline', this.problem);
    else this.tracker.set('online', this.where);
  }
  async stop(): Promise<void> {
    this.tracker.set('stopped');
  }
  status() {
    return this.tracker.get();
  }
}

/** Where each simulator listens, for the root to hand to the devices (the settings stay as read). */
export type SimEndpoints = {
  consoles: Map<string, { host: string; port: number }>;
  patchbays: Map<string, { host: string; port: number }>;
};

/**
 * The simulated studio: every device the settings point at on loopback gets a protocol-faithful
 * simulator. Port 0 picks a free port; start() hands the bound ports back to the root, which
 * gives them to the devices. The settings are never edited.
 */
export class SimulatedStudio extends EventEmitter<{ topology: [AudioTopology] }> {
  readonly x32 = new Map<string, X32Simulator>();
  readonly sq = new Map<string, SqSimulator>();
  readonly qu = new Map<string, QuSimulator>();
  readonly patchbays = new Map<string, LineDeviceSim>();
  readonly ptys = new Map<string, PtyPair>();
  readonly devices: SimulatorDevice[] = [];

  constructor(
    private readonly settings: Settings,
    private readonly deps: { bus: Bus; log: Logger },
  ) {
    super();
  }

  private readonly bound: SimEndpoints = { consoles: new Map(), patchbays: new Map() };

  async start(): Promise<SimEndpoints> {
    const faults = this.settings.sim.faults;
    for (const c of this.settings.consoles) {
      if (c.host === undefined || !isLoopback(c.host)) continue; // MIDI-port consoles are real hardware
      const lan = this.settings.sim.lan_delay_ms;
      const channel = (c.midi_channel ?? 1) - 1;
      const quModel = quModelNamed(c.model);
      const port = c.port ?? (c.family === 'x32' ? 10023 : 51325);
      const sim =
        c.family === 'x32'
          ? new X32Simulator({
              port,
              host: '127.0.0.1',
              lossPct:
                faults.find((f) => f.device === c.id && f.kind === 'loss-pct')?.value ?? this.settings.sim.x32.loss_pct,
              lanDelayMs: lan,
              firmware: this.settings.sim.x32.firmware,
              ...(this.settings.sim.x32.clock ? { clock: this.settings.sim.x32.clock } : {}),
            })
          : c.family === 'sq'
            ? new SqSimulator({ port, host: '127.0.0.1', channel, lanDelayMs: lan })
            : new QuSimulator({ port, host: '127.0.0.1', channel, model: quModel, lanDelayMs: lan });
      const what = `${c.family === 'x32' ? 'X32' : c.family === 'sq' ? 'SQ' : quModel} simulator`;
      const transport = c.family === 'x32' ? 'udp' : 'tcp';
      try {
        await sim.start();
      } catch (e) {
        const err = e as NodeJS.ErrnoException;
        throw new RadError(
          err.code === 'EADDRINUSE' ? 'E_SIM_PORT_IN_USE' : 'E_SIM_START',
          `cannot start the ${what} for ${c.id} on ${transport} 127.0.0.1:${port}: ${err.code === 'EADDRINUSE' ? 'port in use (another rad or rad sim running?)' : err.message}`,
          { details: { console: c.id, port: c.port } },
        );
      }
      sim.silent = faults.some((f) => f.device === c.id && f.kind === 'silent');
      this.bound.consoles.set(c.id, { host: '127.0.0.1', port: sim.port as number });
      if (sim instanceof X32Simulator) this.x32.set(c.id, sim);
      else if (sim instanceof SqSimulator) this.sq.set(c.id, sim);
      else this.qu.set(c.id, sim);
      this.devices.push(
        new SimulatorDevice(`sim-${c.id}`, `${what} on ${transport} 127.0.0.1:${sim.port}`, this.deps.bus),
      );
      this.deps.log.info({ console: c.id, port: sim.port }, `${what} listening`);
    }
    for (const p of this.settings.patchbays) {
      if (p.tcp && !isLoopback(p.tcp.host)) continue;
      const sim = simFor(p, { extronMapReply: this.settings.sim.extron.map_reply });
      for (const f of faults)
        if (f.device === p.id && f.kind === 'stuck-crosspoint' && f.output) sim.stuck.add(f.output);
      if (p.tcp) {
        try {
          await sim.listen(p.tcp.port, '127.0.0.1');
        } catch (e) {
          const err = e as NodeJS.ErrnoException;
          throw new RadError(
            'E_SIM_PORT_IN_USE',
            `cannot start the ${p.protocol} simulator for ${p.id} on tcp 127.0.0.1:${p.tcp.port}: ${err.code ?? err.message}`,
          );
        }
        this.bound.patchbays.set(p.id, { host: '127.0.0.1', port: sim.port });
        this.devices.push(
          new SimulatorDevice(`sim-${p.id}`, `${p.protocol} simulator on tcp 127.0.0.1:${sim.port}`, this.deps.bus),
        );
      } else if (p.serial) {
        if (!socatAvailable()) {
          this.devices.push(
            new SimulatorDevice(
              `sim-${p.id}`,
              '',
              this.deps.bus,
              `socat is not installed: no serial pty for ${p.serial.path} (apt-get install socat)`,
            ),
          );
          continue;
        }
        const pty = new PtyPair(p.serial.path);
        await pty.open();
        await sim.attachSerial(pty.devicePath);
        this.ptys.set(p.id, pty);
        this.devices.push(
          new SimulatorDevice(`sim-${p.id}`, `${p.protocol} simulator on serial pty ${p.serial.path}`, this.deps.bus),
        );
      }
      this.patchbays.set(p.id, sim);
    }
    // the assistant patched the plant as the plan says before we came in (stuck outputs stay put)
    const plan = this.settings.linecheck.plan.length > 0 ? expandPlan(this.settings.linecheck.plan) : [];
    for (const t of requiredTies(plan, {
      wiring: expandWiring(this.settings.wiring),
      bays: this.settings.bays.map((b) => new PassiveBay(b)),
      cords: () => this.settings.cords,
    })) {
      const sim = this.patchbays.get(t.patchbay);
      if (sim && !sim.stuck.has(t.output) && t.output <= sim.outputs && t.input <= sim.inputs)
        sim.map[t.output - 1] = t.input;
    }
    for (const sim of this.patchbays.values()) sim.on('change', () => this.topologyChanged());
    // the console's oscillator reaches the interface through its buses: follow it
    for (const sim of this.x32.values())
      sim.onChange((address) => {
        // …and so do its preamps (gain, the channel's source, the input routing blocks)
        if (
          address.startsWith('/config/osc/') ||
          address === '/-stat/osc/on' ||
          /^\/headamp\/\d+\/gain$/.test(address) ||
          /^\/ch\/\d+\/config\/source$/.test(address) ||
          address.startsWith('/config/routing/IN/')
        )
          this.topologyChanged();
      });
    return this.bound;
  }

  async stop(): Promise<void> {
    for (const s of this.x32.values()) await s.stop();
    this.x32.clear();
    for (const s of this.sq.values()) await s.stop();
    this.sq.clear();
    for (const s of this.qu.values()) await s.stop();
    this.qu.clear();
    for (const s of this.patchbays.values()) await s.close();
    this.patchbays.clear();
    for (const p of this.ptys.values()) p.kill();
    this.ptys.clear();
  }

  private topologyPending = false;
  private bandPlaying: boolean | undefined;

  /** The simulated band starts or stops playing (its players are in settings sim.band). */
  setBand(playing: boolean): { playing: boolean; players: number } {
    if (playing !== this.band().playing) {
      this.bandPlaying = playing;
      this.topologyChanged();
    }
    return this.band();
  }

  band(): { playing: boolean; players: number } {
    return {
      playing: this.bandPlaying ?? this.settings.sim.band.playing,
      players: this.settings.sim.band.players.length,
    };
  }

  /** One re-trace per tick however many ties or oscillator settings changed in it (a multi-tie, the oscillator's five settings). */
  private topologyChanged(): void {
    if (this.topologyPending) return;
    this.topologyPending = true;
    setImmediate(() => {
      this.topologyPending = false;
      this.emit('topology', this.audioTopology());
    });
  }

  /** What each interface input hears, from the simulated plant and the injected faults. */
  audioTopology(): AudioTopology {
    const a = this.settings.audio;
    if (!a) return { inputs: [] };
    const oscillators = new Map([...this.x32].map(([id, sim]) => [id, () => sim.oscillator()]));
    const preamps = new Map([...this.x32].map(([id, sim]) => [id, (k: number) => sim.preampGainDb(k)]));
    const t =
      plantTopology(this.settings, this.patchbays, oscillators, {
        preamps,
        ...(this.band().playing ? { band: this.settings.sim.band.players } : {}),
      }) ?? loopTopology(a.inputs, a.outputs, this.settings.sim.faults, a.latency_samples);
    // cables under test: plugged straight from an output into an input (the input's jack now holds
    // this plug, so it hears only the cable), with their faults
    for (const c of this.settings.sim.cables) {
      const inp = t.inputs[c.in - 1];
      if (!inp || c.out > a.outputs) continue;
      inp.sources = [
        { output: c.out, gainDb: c.gain_db ?? 0, delaySamples: a.latency_samples, polarity: c.reversed ? -1 : 1 },
      ];
      inp.generators = [];
      if (c.hum_dbfs !== undefined) inp.humDbfs = c.hum_dbfs;
      if (c.dropouts) inp.dropouts = { everyMs: c.dropouts.every_ms, lengthMs: c.dropouts.length_ms };
    }
    return t;
  }

  endpoints(): Array<{ id: string; protocol: string; transport: string; port: number | string }> {
    return [
      ...[...this.x32.entries()].map(([id, s]) => ({
        id,
        protocol: 'x32-osc',
        transport: 'udp',
        port: s.port as number | string,
      })),
      ...[...this.sq.entries()].map(([id, s]) => ({
        id,
        protocol: 'sq-midi',
        transport: 'tcp',
        port: s.port as number | string,
      })),
      ...[...this.qu.entries()].map(([id, s]) => ({
        id,
        protocol: 'qu-midi',
        transport: 'tcp',
        port: s.port as number | string,
      })),
      ...this.settings.patchbays
        .filter((p) => this.patchbays.has(p.id))
        .map((p) => ({
          id: p.id,
          protocol: p.protocol,
          transport: p.tcp ? 'tcp' : 'serial',
          port: p.tcp ? (this.bound.patchbays.get(p.id)?.port ?? p.tcp.port) : p.serial!.path,
        })),
    ];
  }
}

/** `{source: "tie:1-8", input: "x32-main:in:1-8"}` → one entry per pair. */
export function expandPlan(plan: Array<{ source: string; input: string }>): Array<{ source: string; input: string }> {
  return expandWiring(plan.map((p) => ({ from: p.source, to: p.input }))).map((w) => ({ source: w.from, input: w.to }));
}
