import type { FastifyInstance } from 'fastify';
import type { ApiContext, Device } from './api/context.ts';
import { buildApi, type RouteModule } from './api/server.ts';
import { Bus } from './core/bus.ts';
import { describeError, RadError } from './core/errors.ts';
import type { Logger } from './core/logger.ts';
import type { DeviceStatus } from './core/status.ts';
import type { Settings } from './settings/schema.ts';
import { Store } from './store/db.ts';
import { VERSION } from './version.ts';

const STEP_LIMIT_MS = 1500;

export type AppOptions = {
  log: Logger;
  /** Extra devices (tests add a deliberately hung one). */
  extraDevices?: Device[];
};

/** A part of the daemon built from settings: devices it adds and routes it serves. */
export interface Feature {
  readonly name: string;
  devices(): Device[];
  routes?: RouteModule;
  /** Runs before any device starts (the simulated studio binds its ports here). */
  beforeStart?(): Promise<void>;
  afterStop?(): Promise<void>;
}

export type FeatureFactory = (app: App) => Feature | Promise<Feature>;

/**
 * Composition root: builds every part from settings, starts devices in order and stops them in
 * reverse. Nothing here does I/O until start().
 */
export class App implements ApiContext {
  readonly bus: Bus;
  readonly store: Store;
  readonly version = VERSION;
  readonly startedAt = new Date();
  private readonly features: Feature[] = [];
  private readonly extra: Device[];
  private ready = false;
  private started: Device[] = [];
  api: FastifyInstance | undefined;

  constructor(
    readonly settings: Settings,
    private readonly opts: AppOptions,
  ) {
    this.bus = new Bus((err, topic) => opts.log.error({ err: describeError(err), topic }, 'bus listener failed'));
    this.store = new Store(settings.data_dir);
    this.extra = opts.extraDevices ?? [];
  }

  get log(): Logger {
    return this.opts.log;
  }

  static async build(settings: Settings, opts: AppOptions, factories: FeatureFactory[]): Promise<App> {
    const app = new App(settings, opts);
    for (const f of factories) app.features.push(await f(app));
    app.api = await buildApi(
      app,
      app.features.flatMap((f) => (f.routes ? [f.routes] : [])),
    );
    return app;
  }

  feature<T extends Feature>(name: string): T | undefined {
    return this.features.find((f) => f.name === name) as T | undefined;
  }

  isReady(): boolean {
    return this.ready;
  }

  devices(): Device[] {
    return [...this.features.flatMap((f) => f.devices()), ...this.extra];
  }

  deviceStatus(id: string): DeviceStatus | undefined {
    return this.devices()
      .find((d) => d.id === id)
      ?.status();
  }

  /** Starts features, devices, then the API. A device that cannot be reached is a status, not a failure. */
  async start(): Promise<void> {
    for (const f of this.features) await f.beforeStart?.();
    for (const d of this.devices()) {
      await d.start();
      this.started.push(d);
    }
    const { bind, port } = this.settings.api;
    try {
      await this.api!.listen({ host: bind, port });
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
    this.ready = true;
  }

  /** The bound API address (port 0 in settings picks a free one). */
  apiUrl(): string {
    const addr = this.api?.server.address();
    if (!addr || typeof addr === 'string') throw new RadError('E_API_NOT_LISTENING', 'the API is not listening');
    const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
    return `http://${host}:${addr.port}`;
  }

  /**
   * Stops in reverse order. Each step gets what is left of the budget; a device that hangs is
   * abandoned with a warning so shutdown always ends in time.
   */
  async stop(budgetMs = 4000): Promise<void> {
    const deadline = Date.now() + budgetMs;
    this.ready = false;
    const within = async (what: string, p: Promise<unknown>) => {
      // one hung device may not eat the whole budget of the others
      const left = Math.max(50, Math.min(STEP_LIMIT_MS, deadline - Date.now()));
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
    if (this.api) await within('api', this.api.close());
    for (const d of [...this.started].reverse()) await within(`device ${d.id}`, d.stop());
    this.started = [];
    for (const f of [...this.features].reverse()) if (f.afterStop) await within(`feature ${f.name}`, f.afterStop());
    this.store.close();
  }
}
