import type { FastifyInstance } from 'fastify';
import { resolve } from 'node:path';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { defaultAllowedHosts } from './api/auth.ts';
import { buildApi } from './api/server.ts';
import { SessionStore } from './api/session.ts';
import { fileURLToPath } from 'node:url';
import type { ApiServices } from './api/services.ts';
import { Consoles, createConsole } from './console/factory.ts';
import type { Console, ConsoleConfig } from './console/model.ts';
import { Bus } from './core/bus.ts';
import type { Device } from './core/device.ts';
import { describeError, RadError } from './core/errors.ts';
import type { Logger } from './core/logger.ts';
import { PathGuard } from './core/paths.ts';
import { tokenSource } from './core/token.ts';
import { AudioEngine } from './dsp/engine/engine.ts';
import { PrepRunner } from './dsp/offline/runner.ts';
import { ProfileStore } from './layout/profiles.ts';
import { LayoutService } from './layout/service.ts';
import { CableTester } from './linecheck/cable.ts';
import { GainStager } from './linecheck/gain.ts';
import { LineCheckService } from './linecheck/service.ts';
import { CordBook } from './patchbay/cords.ts';
import { PassiveBay } from './patchbay/passive/bay.ts';
import { PatchbayService } from './patchbay/service.ts';
import { expandWiring, PathTracer } from './patchbay/trace.ts';
import { linecheckLast, recallCurrent } from './facility/state.ts';
import { MqttBridge, mqttOptions } from './facility/bridge.ts';
import { readFacility } from './facility/view.ts';
import { commandHandlers } from './facility/commands.ts';
import { BackupService } from './recall/backup.ts';
import { isRemoteTarget } from './recall/rsync.ts';
import { GearService } from './recall/gear.ts';
import { MaintenanceService } from './recall/maintenance.ts';
import { PrintService } from './recall/prints.ts';
import { SnapshotService } from './recall/snapshots.ts';
import type { PatchbaySettings, Settings } from './settings/schema.ts';
import { loopTopology } from './sim/audio.ts';
import { SimulatedStudio } from './sim/studio.ts';
import { Store } from './store/db.ts';
import { VERSION } from './version.ts';

const STEP_LIMIT_MS = 1500;

export type AppOptions = {
  log: Logger;
  /** Extra devices (tests add a deliberately hung one). */
  extraDevices?: Device[];
};

/** Every service of the daemon, built once by buildApp and handed to the API and to tests. */
export type Services = {
  bus: Bus;
  store: Store;
  studio: SimulatedStudio | undefined;
  consoles: Consoles;
  patchbays: Map<string, PatchbayService>;
  cords: CordBook;
  tracer: PathTracer;
  engine: AudioEngine | undefined;
  layout: LayoutService;
  prep: PrepRunner;
  linecheck: LineCheckService;
  gain: GainStager;
  snapshots: SnapshotService;
  gear: GearService;
  prints: PrintService;
  backups: BackupService;
  /** The room's bridge to the facility's MQTT broker (settings mqtt:). */
  bridge: MqttBridge | undefined;
};

/**
 * THE composition root: builds every service from settings with typed constructor arguments, in
 * one readable function, and owns the start and stop order. Only main.ts and tests import it.
 * Nothing here does device I/O until start().
 */
export class App {
  private ready = false;
  private started: Device[] = [];

  private constructor(
    /** The API token every route but health needs (re-read when data_dir/token changes). */
    private readonly currentToken: () => string,
    readonly settings: Settings,
    readonly services: Services,
    readonly api: FastifyInstance,
    private readonly log: Logger,
    /** Option objects the devices were built with: the root fills in where simulators listen. */
    private readonly endpoints: { consoles: ConsoleConfig[]; patchbays: PatchbaySettings[] },
    private readonly extra: Device[],
  ) {}

  static async build(settings: Settings, opts: AppOptions): Promise<App> {
    const log = opts.log;
    const bus = new Bus((err, topic) => log.error({ err: describeError(err), topic }, 'bus listener failed'));
    const store = new Store(settings.data_dir);
    // the audit log is written from the bus: every device write goes out as device.write
    bus.on('device.write', store, (e) => store.audit.add(e));

    // the API token: from settings, else created at the first start in data_dir/token (0600)
    const token = tokenSource(settings.data_dir, settings.api.token);
    const under = (p: string | undefined, fallback: string) => resolve(settings.data_dir, p ?? fallback);
    // backup targets: local folders (guarded like every path) and rsync destinations (listed = allowed)
    const targets = settings.paths.backup_targets ?? ['backups'];
    const localTargets = targets.filter((t) => !isRemoteTarget(t));
    const paths = new PathGuard(
      {
        media: (settings.paths.media ?? ['media']).map((p) => under(p, 'media')),
        exports: under(settings.paths.exports, 'exports'),
        backupTargets: (localTargets.length > 0 ? localTargets : ['backups']).map((p) => under(p, 'backups')),
      },
      {
        has: (p) => store.kv.get(`written:${p}`) !== undefined,
        add: (p) => store.kv.set(`written:${p}`, new Date().toISOString()),
      },
    );

    const studio = settings.sim.enabled ? new SimulatedStudio(settings, { bus, log }) : undefined;

    // devices get option objects (copies): the simulated studio's ports are filled in at start
    const consoleConfigs: ConsoleConfig[] = settings.consoles.map((c) => ({ ...c }));
    const consoles = new Consoles(consoleConfigs.map((c) => createConsole(c, { bus, log })));
    const patchbayConfigs: PatchbaySettings[] = settings.patchbays.map((p) => ({
      ...p,
      ...(p.tcp ? { tcp: { ...p.tcp } } : {}),
    }));
    const patchbays = new Map(
      patchbayConfigs.map((p) => [p.id, new PatchbayService(p, { bus, presets: store.presets, log })]),
    );
    const cords = new CordBook(settings.cords, store.kv);
    const tracer = new PathTracer({
      wiring: expandWiring(settings.wiring),
      bays: settings.bays.map((b) => new PassiveBay(b)),
      matrices: [...patchbays.values()],
      cords: () => cords.all(),
    });

    const a = settings.audio;
    const engine = a
      ? new AudioEngine(
          'audio',
          {
            backend: a.backend,
            sampleRate: a.sample_rate,
            block: a.block,
            window: a.window,
            inputs: a.inputs,
            outputs: a.outputs,
            device: a.device,
            jackClient: a.jack_client,
            jackConnect: a.jack_connect,
            meterHz: 20,
            startTimeoutMs: a.start_timeout_ms,
          },
          { bus, log },
        )
      : undefined;

    const firstConsole = (): Console | undefined => consoles.first();
    const layout = new LayoutService(new ProfileStore(store.profiles, log), {
      consoles,
      log,
      profilesDir: settings.profiles_dir,
    });
    const prep = new PrepRunner(bus);
    const linecheck = new LineCheckService(settings, {
      bus,
      runs: store.runs,
      log,
      engine: () => engine,
      console: firstConsole,
      patchbays: () => patchbays,
    });
    const snapshots = new SnapshotService({
      snapshots: store.snapshots,
      bus,
      console: firstConsole,
      patchbays: () => patchbays,
    });
    const gear = new GearService({ gear: store.gear, versions: store.versions, bus });
    const prints = new PrintService({
      bus,
      engine: () => engine,
      gear,
      snapshots,
      dataDir: settings.data_dir,
      inputs: a?.print_inputs ?? [1, 2],
    });

    const backups = new BackupService({
      dataDir: settings.data_dir,
      copyDb: (file) => store.backupTo(file),
      localTarget: (t) => paths.backupTarget(t),
      exclude: () => [...paths.allowed('backup')],
      remotes: targets.filter((t) => isRemoteTarget(t)),
      bus,
      kv: store.kv,
      log,
    });
    let app: App | undefined;
    const m = settings.mqtt;
    const bridge = m
      ? new MqttBridge(m, {
          bus,
          log: log.child({ device: 'mqtt' }),
          daemon: { version: VERSION, startedAt: new Date(), devices: () => app?.devices() ?? [] },
          linecheckLast: () => {
            const r = linecheck.lastFinished();
            return r ? linecheckLast(r) : undefined;
          },
          recallCurrent: () => recallCurrent(gear.versions(), snapshots.list()),
          backupLast: () => backups.last(),
          commands: commandHandlers({
            linecheck,
            snapshots,
            recallScene: (id, n, actor) => {
              const c = id ? consoles.get(id) : consoles.first();
              if (!c) throw new RadError('E_UNKNOWN_CONSOLE', 'no console is configured', { details: { console: id } });
              return c.recallScene(n, actor);
            },
            toneOff: async () => {
              if (!engine) throw new RadError('E_NO_AUDIO', 'no audio interface configured');
              engine.stopAll();
              return { outputs: settings.audio?.outputs ?? 0 };
            },
          }),
        })
      : undefined;

    const maintenance = new MaintenanceService({ gear, kv: store.kv, bus });
    // a print runs through the version's outboard: its length goes on their hour counters
    bus.on('recall.changed', maintenance, (e) => {
      if (e.kind !== 'print') return;
      try {
        maintenance.countPrint(e.id);
      } catch (err) {
        log.warn({ version: e.id, err: describeError(err) }, 'hour counters not updated after a print');
      }
    });
    const gain = new GainStager({
      settings,
      consoles,
      engine: () => engine,
      store: store.kv,
      bus,
      busy: () => linecheck.runningId(),
    });

    const services: Services = {
      gain,
      bus,
      store,
      studio,
      consoles,
      patchbays,
      cords,
      tracer,
      engine,
      layout,
      prep,
      linecheck,
      snapshots,
      gear,
      prints,
      backups,
      bridge,
    };
    const extra = opts.extraDevices ?? [];
    const api: ApiServices = {
      daemon: {
        version: VERSION,
        startedAt: new Date(),
        isReady: () => app?.isReady() ?? false,
        devices: () => app?.devices() ?? [],
      },
      bus,
      auth: {
        sessions: new SessionStore(),
        token,
        allowedHosts: defaultAllowedHosts(settings.api.bind, settings.api.allowed_hosts),
        writesPerMinute: settings.api.writes_per_minute,
      },
      paths,
      ...(m
        ? {
            facility: {
              read: () => readFacility(m.url, { ...mqttOptions(m), base: m.base_topic, timeoutMs: 5000 }),
            },
          }
        : {}),
      // the built page: dist/web beside the bundle (dist/rad.mjs) or from the source tree (src/app.ts)
      web: { root: fileURLToPath(new URL('../dist/web/', import.meta.url)) },
      audit: store.audit,
      consoles,
      patchbays: {
        list: () => [...patchbays.values()],
        get: (id) => {
          const p = patchbays.get(id);
          if (!p)
            throw new RadError(
              'E_UNKNOWN_PATCHBAY',
              `no patchbay ${JSON.stringify(id)} (known: ${[...patchbays.keys()].join(', ') || 'none'})`,
              { details: { patchbay: id } },
            );
          return p;
        },
        tracer,
        cords,
        bays: () => settings.bays,
      },
      audio: { engine, backend: a?.backend, alignmentDbfs: a?.alignment_dbfs },
      linecheck,
      cables: new CableTester({
        settings,
        engine: () => engine,
        store: store.kv,
        bus,
        busy: () => linecheck.runningId(),
      }),
      gain,
      ...(studio ? { sim: studio } : {}),
      layout,
      recall: {
        snapshots,
        gear,
        prints,
        dataDir: settings.data_dir,
        backups,
        maintenance,
      },
      prep,
    };
    app = new App(
      token,
      settings,
      services,
      await buildApi(api, log),
      log,
      { consoles: consoleConfigs, patchbays: patchbayConfigs },
      extra,
    );
    return app;
  }

  isReady(): boolean {
    return this.ready;
  }

  /** Every device in start order: simulators, consoles, patchbays, the audio engine, extras. */
  devices(): Device[] {
    const s = this.services;
    return [
      ...(s.studio?.devices ?? []),
      ...s.consoles.list(),
      ...s.patchbays.values(),
      ...(s.engine ? [s.engine] : []),
      ...(s.bridge ? [s.bridge] : []),
      ...this.extra,
    ];
  }

  /** The simulated studio first (its ports go to the devices), then devices, profiles, the API. */
  async start(): Promise<void> {
    const s = this.services;
    if (s.studio) {
      const bound = await s.studio.start();
      for (const c of this.endpoints.consoles) Object.assign(c, bound.consoles.get(c.id) ?? {});
      for (const p of this.endpoints.patchbays) {
        const at = bound.patchbays.get(p.id);
        if (at && p.tcp) p.tcp.port = at.port;
      }
      this.wireSimulatedAudio(s.studio);
    } else if (s.engine && this.settings.audio?.backend === 'sim') {
      const a = this.settings.audio;
      s.engine.setTopology(loopTopology(a.inputs, a.outputs, this.settings.sim.faults, a.latency_samples));
    }
    s.layout.loadProfiles();
    // devices connect in parallel (each waits for its own first connect): start → READY is the
    // slowest device, not the sum; stop() still goes in reverse of this order
    const devices = this.devices();
    const results = await Promise.allSettled(devices.map((d) => d.start()));
    this.started = devices.filter((_, i) => results[i]!.status === 'fulfilled');
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    const { bind, port } = this.settings.api;
    try {
      await this.api.listen({ host: bind, port });
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      if (err.code === 'EADDRINUSE')
        throw new RadError('E_API_PORT_IN_USE', `${bind}:${port} is already in use (api.port)`, {
          details: { bind, port },
        });
      if (err.code === 'EADDRNOTAVAIL')
        throw new RadError('E_API_BIND', `cannot bind ${bind} on this machine (api.bind)`, { details: { bind } });
      throw new RadError('E_API_LISTEN', `cannot listen on ${bind}:${port}: ${err.message}`, {
        details: { bind, port },
      });
    }
    const b = this.settings.backup;
    if (b.schedule && b.target) s.backups.schedule(b.schedule, b.target, b.verify);
    this.ready = true;
  }

  /** The simulated loop follows the simulated plant; the X32 simulators' meters follow its taps. */
  private wireSimulatedAudio(studio: SimulatedStudio): void {
    const engine = this.services.engine;
    if (!engine || this.settings.audio?.backend !== 'sim') return;
    engine.setTopology(studio.audioTopology());
    // a re-tie on a simulated switcher changes what reaches each input
    studio.on('topology', (t) => engine.setTopology(t));
    // the simulated console's input meters follow the simulated audio at its own inputs
    engine.onTaps(
      (names, peak) => {
        const banks = new Map<string, Float32Array>();
        names.forEach((name, t) => {
          const m = /^(.+):in:(\d+)$/.exec(name);
          const k = m ? Number(m[2]) : 0;
          if (!m || k < 1 || k > 32 || !studio.x32.has(m[1]!)) return;
          let b = banks.get(m[1]!);
          if (!b) banks.set(m[1]!, (b = new Float32Array(96)));
          b[k - 1] = Number.isFinite(peak[t]!) ? 10 ** (peak[t]! / 20) : 0;
        });
        for (const [id, b] of banks) studio.x32.get(id)?.setMeterLevels(1, b);
        // the loop computes its meters while anyone reads the simulated console's meters too
      },
      () => this.services.bus.wants('console.meters'),
    );
  }

  /** The bound API address (port 0 in settings picks a free one). */
  /** An in-process request with the token (tests, embedding); `app.api.inject` sends none. */
  inject(opts: InjectOptions & { headers?: Record<string, string> }): Promise<LightMyRequestResponse> {
    return this.api.inject({ ...opts, headers: { authorization: `Bearer ${this.token}`, ...opts.headers } });
  }

  get token(): string {
    return this.currentToken();
  }

  apiUrl(): string {
    const addr = this.api.server.address();
    if (!addr || typeof addr === 'string') throw new RadError('E_API_NOT_LISTENING', 'the API is not listening');
    const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
    return `http://${host}:${addr.port}`;
  }

  /**
   * Stops in order: the API (no new work), then jobs (a line check puts ties, oscillator and
   * monitor mutes back while the devices are still up; a print is finished), then devices in
   * reverse, then the simulated studio and the store. Each step gets what is left of the budget;
   * one that hangs is abandoned with a warning so shutdown always ends in time.
   */
  async stop(budgetMs = 4000): Promise<void> {
    const deadline = Date.now() + budgetMs;
    this.ready = false;
    const within = async (what: string, p: Promise<unknown>, limit = STEP_LIMIT_MS) => {
      const left = Math.max(50, Math.min(limit, deadline - Date.now()));
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<'timeout'>((r) => {
        timer = setTimeout(() => r('timeout'), left);
      });
      try {
        const r = await Promise.race([p.then(() => 'ok' as const), timeout]);
        if (r === 'timeout') this.log.warn({ what, waited_ms: left }, 'did not stop in time; abandoned');
      } catch (e) {
        this.log.warn({ what, err: describeError(e) }, 'failed while stopping');
      } finally {
        clearTimeout(timer);
      }
    };
    const s = this.services;
    await within('api', this.api.close());
    // jobs before devices: their clean-up needs the devices
    await within('line check', s.linecheck.stop(), 2500);
    await within('print', s.prints.shutdown());
    await within('prep jobs', s.prep.stop());
    s.backups.stop();
    await within('backup', s.backups.settle(), 2500);
    for (const d of [...this.started].reverse()) await within(`device ${d.id}`, d.stop());
    this.started = [];
    if (s.studio) {
      s.bus.removeOwner(s.studio);
      await within('simulated studio', s.studio.stop());
    }
    s.store.close();
  }
}
