import type { Bus } from '../../core/bus.ts';
import { describeError, fail } from '../../core/errors.ts';
import type { Logger } from '../../core/logger.ts';
import { StatusTracker } from '../../core/status.ts';
import { ConnectionSupervisor } from '../../core/supervisor.ts';
import type { OscArg } from '../../drivers/osc/codec.ts';
import {
  auditedReport,
  type Change,
  type Console,
  type ConsoleCaps,
  type ConsoleState,
  type OscillatorSettings,
  type RestoreOptions,
  type RestoreReport,
  type SceneRecallReport,
  type Value,
  type WriteReport,
  type WriteVerdict,
} from '../model.ts';
import { type CaptureOptions, X32Driver, type X32Info } from './driver.ts';
import {
  describeRange,
  isUnvalidated,
  oscType,
  quantize,
  type Raw,
  rawToUnits,
  unitsToRaw,
  unvalidatedToken,
} from './laws.ts';
import { toX32 } from './map.ts';
import { oscDestFor } from './oscdest.ts';
import { applyScene, captureScene, modelScene, type SceneContext, sameRaw } from './scenes.ts';
import { formatNodeLine, parseNodeLine, type RawState } from './scene.ts';
import { type Leaf, x32Tree } from './schema.ts';

export { sameRaw } from './scenes.ts';

/** Where and how to reach one X32 (the root builds it from settings; no Settings type here). */
export type X32ConsoleConfig = { id: string; host?: string; port?: number };

export type X32ConsoleOptions = {
  timeoutMs?: number;
  pingMs?: number;
  offlineAfterMs?: number;
  xremoteMs?: number;
  capture?: CaptureOptions;
  meterBanks?: number[];
};

export const X32_CAPS: ConsoleCaps = {
  inputs: 32,
  auxes: 16,
  dcas: 8,
  muteGroups: 6,
  names: true,
  nameLength: 12,
  colours: true,
  icons: true,
  preamps: true,
  // /headamp/NNN/gain: −12…+60 dB in 0.5 dB steps (the headamp law in schema.ts)
  preampGain: { min: -12, max: 60, step: 0.5 },
  sceneRead: true,
  sceneText: true,
  oscillator: true,
  inputMeters: true,
  raw: true,
};

/**
 * An X32/M32 as a service: a live model of the whole node tree, filled by a pipelined capture at
 * connect, kept current by `/xremote` pushes and by read-back after every write. The connection
 * lifecycle is the shared supervisor's; scene capture and apply live in scenes.ts.
 */
/**
 * Status leaves rad's services read, asked one by one at connect:
 * `/-stat/osc/on` the test oscillator (line check, gain staging);
 * `/-show/prepos/current` the current scene (`scene/current`, recall).
 */
const SERVICE_LEAVES = [
  '/-stat/osc/on', // the line check's oscillator mode puts it back as it was
  '/-show/prepos/current', // scene recall and capture reports
  '/-prefs/clockrate', // the clock check: the console's sample rate
  '/-prefs/clocksource', // the clock check: what it locks to
];

export class X32Console implements Console {
  /** The latest meter blob per bank (linear levels) and when it arrived. */
  private readonly meterBanks = new Map<number, { at: number; values: Float32Array }>();

  /** Latest meter values of a bank (bank 1: input channels 1–32, linear), or undefined before any arrived. */
  meters(bank: number): { at: number; values: Float32Array } | undefined {
    this.demandMeters();
    return this.meterBanks.get(bank);
  }

  inputMeters(): { at: number; levels: Float32Array } | undefined {
    this.demandMeters();
    const b = this.meterBanks.get(1);
    return b ? { at: b.at, levels: b.values.subarray(0, 32) } : undefined;
  }

  /**
   * Meters cost the console's LAN and this process 40 blobs a second: they run while someone
   * reads them (a line check, gain staging: for 10 s after the last read) or listens on the bus
   * (a WebSocket client or a service subscribed to console.meters), checked every second.
   */
  private meterDemandAt = 0;
  private metersOn = false;

  private demandMeters(): void {
    this.meterDemandAt = Date.now();
    if (!this.metersOn) this.syncMeters();
  }

  private syncMeters(): void {
    const d = this.driver;
    const want = this.link.online && (Date.now() - this.meterDemandAt < 10000 || this.deps.bus.wants('console.meters'));
    if (!d || want === this.metersOn) return;
    for (const b of this.opts.meterBanks) {
      if (want) d.startMeters(b);
      else d.stopMeters(b);
    }
    this.metersOn = want;
  }

  oscillatorDest(point: string): number | undefined {
    return oscDestFor(point);
  }

  readonly family = 'x32' as const;
  readonly kind = 'console' as const;
  readonly caps = X32_CAPS;
  readonly tree = x32Tree();
  readonly model: RawState = new Map();
  private driver: X32Driver | undefined;
  private readonly tracker: StatusTracker;
  private readonly link: ConnectionSupervisor;
  private info: X32Info | undefined;
  private lastHeard = 0;
  private lastXremote = 0;
  private readonly pendingWrites = new Map<string, number>();
  private missingLines: string[] = [];
  private readonly opts: Required<Omit<X32ConsoleOptions, 'capture'>> & { capture: CaptureOptions };

  constructor(
    readonly settings: X32ConsoleConfig,
    private readonly deps: { bus: Bus; log: Logger },
    opts: X32ConsoleOptions = {},
  ) {
    this.tracker = new StatusTracker(deps.bus, settings.id, 'console');
    this.opts = {
      timeoutMs: opts.timeoutMs ?? 300,
      pingMs: opts.pingMs ?? 1000,
      offlineAfterMs: opts.offlineAfterMs ?? 3000,
      xremoteMs: opts.xremoteMs ?? 5000,
      capture: opts.capture ?? {},
      meterBanks: opts.meterBanks ?? [1, 2],
    };
    this.link = new ConnectionSupervisor(
      {
        connect: () => this.connect(),
        disconnect: () => {
          for (const b of this.opts.meterBanks) this.driver?.stopMeters(b);
          this.metersOn = false;
        },
        keepAlive: () => this.keepAlive(),
      },
      { report: (state, detail) => this.tracker.set(state, detail), keepAliveMs: Math.min(this.opts.pingMs, 1000) },
    );
  }

  get id(): string {
    return this.settings.id;
  }

  get wire(): X32Driver {
    if (!this.driver) throw fail('E_CONSOLE_OFFLINE', `console ${this.id} is not started`);
    return this.driver;
  }

  status() {
    return this.tracker.get();
  }

  describe(): Record<string, unknown> {
    return {
      family: this.family,
      host: this.settings.host,
      port: this.settings.port ?? 10023,
      ...(this.info ? { model: this.info.model, firmware: this.info.firmware, name: this.info.name } : {}),
      parameters: this.model.size,
      ...(this.missingLines.length > 0 ? { missing: [...this.missingLines] } : {}),
    };
  }

  async start(): Promise<void> {
    const driver = new X32Driver(this.settings.host ?? '', this.settings.port ?? 10023, {
      timeoutMs: this.opts.timeoutMs,
    });
    driver.on('heard', () => {
      this.lastHeard = Date.now();
    });
    driver.on('value', (address, args) => this.onValue(address, args));
    driver.on('node', (line) => this.onNodeLine(line));
    driver.on('meters', (bank, values) => {
      this.meterBanks.set(bank, { at: Date.now(), values: Float32Array.from(values) });
      this.deps.bus.emit('console.meters', { console: this.id, bank, values: Array.from(values) });
    });
    driver.on('error', (err) => {
      this.deps.log.warn({ console: this.id, err: err.message }, 'console socket error');
      if (this.link.online) this.link.lost(`socket error: ${err.message}`);
    });
    this.driver = driver;
    try {
      await driver.open();
    } catch (e) {
      this.tracker.set('offline', `cannot open UDP socket: ${describeError(e)}`);
      return;
    }
    await this.link.start();
  }

  async stop(): Promise<void> {
    const d = this.driver;
    await this.link.stop();
    this.driver = undefined;
    if (d) {
      d.send('/unsubscribe');
      await d.close();
    }
  }

  /** One connection attempt: identify, subscribe, capture everything. */
  private async connect(): Promise<{ state: 'online' | 'degraded'; detail?: string }> {
    const d = this.wire;
    try {
      this.info = await d.xinfo();
    } catch (e) {
      throw new Error(`no reply from ${this.settings.host}:${this.settings.port ?? 10023} (${describeError(e)})`);
    }
    this.lastHeard = Date.now();
    this.tracker.set('degraded', 'capturing console state');
    d.xremote();
    this.lastXremote = Date.now();
    // the scene nodes, then the few status leaves services read, one request each: never the
    // /-stat, /-prefs or /-show containers (an independent X32 implementation crashed on one)
    const paths = this.tree.nodes.filter((n) => this.tree.isSceneNode(n.path)).map((n) => n.path);
    const r = await d.captureNodes(paths, this.opts.capture);
    for (const leaf of SERVICE_LEAVES) {
      // one attempt each (twice on a loss): a console that stopped answering is not waited for here
      const v = (await d.getOnce(leaf)) ?? (await d.getOnce(leaf));
      if (v) this.onValue(leaf, [v]);
      else r.missing.push(leaf); // this console does not answer it: the service that needs it says so
    }
    this.missingLines = r.missing;
    this.metersOn = false;
    this.deps.log.info(
      { console: this.id, model: this.info.model, seconds: r.seconds, retries: r.retries, missing: r.missing.length },
      'console captured',
    );
    // a node or two a console never answers (other firmware, an independent implementation) is a
    // fact about that console, listed in info.missing; degraded is for more than 1 % missing
    return r.missing.length > paths.length / 100
      ? { state: 'degraded', detail: `capture incomplete: ${r.missing.length} of ${paths.length} nodes missing` }
      : r.missing.length > 0
        ? { state: 'online', detail: `${r.missing.length} node(s) this console does not answer (info.missing)` }
        : { state: 'online' };
  }

  /** Every second while live: silence means offline; ping, renew /xremote, re-ask missing nodes. */
  private async keepAlive(): Promise<void> {
    const d = this.wire;
    const now = Date.now();
    const silentFor = now - this.lastHeard;
    if (silentFor > this.opts.offlineAfterMs) throw new Error(`no reply for ${Math.round(silentFor / 100) / 10} s`);
    if (silentFor >= this.opts.pingMs) void d.ping(this.opts.pingMs);
    this.syncMeters();
    if (now - this.lastXremote >= this.opts.xremoteMs) {
      d.xremote();
      this.lastXremote = now;
    }
    if (this.missingLines.length > 0 && this.tracker.get().state === 'degraded') {
      const retry = this.missingLines;
      this.missingLines = [];
      void d.captureNodes(retry, this.opts.capture).then((r) => {
        this.missingLines = r.missing;
        if (r.missing.length === 0 && this.tracker.get().state === 'degraded') this.tracker.set('online');
      });
    }
  }

  // ---- model updates (from the device only) ----

  private update(leaf: Leaf, raw: Raw): void {
    const before = this.model.get(leaf.address);
    if (before !== undefined && sameRaw(leaf.law, before, raw)) return;
    this.model.set(leaf.address, raw);
    if (before === undefined) return; // first capture fills the model silently
    this.changes++;
    const pending = this.pendingWrites.has(leaf.address);
    this.deps.bus.emit('console.changed', {
      console: this.id,
      path: leaf.address,
      value: rawToUnits(leaf.law, raw),
      source: pending ? 'rad' : 'device',
    });
  }

  private onValue(address: string, args: OscArg[]): void {
    const leaf = this.tree.leafByAddress.get(address);
    const arg = args[0];
    if (!leaf || !arg || args.length !== 1) return;
    const t = oscType(leaf.law);
    if (leaf.law.kind === 'token') return; // FX parameters are followed through /node lines only
    if (arg.type !== t) return; // a reply of the wrong type is not believed
    if (arg.type === 'f') {
      if (!(arg.value >= 0 && arg.value <= 1)) return;
      this.update(leaf, quantize(leaf.law, arg.value));
    } else if (arg.type === 'i' || arg.type === 's') this.update(leaf, arg.value);
  }

  /** Nodes already warned about for a token outside rad's tables (once per node). */
  private readonly warnedNodes = new Set<string>();

  /**
   * What the console says is stored, token by token: a field rad's tables do not know keeps its
   * text (unvalidated, never written back) and every other field of the line stays usable.
   */
  private onNodeLine(line: string): void {
    let parsed: ReturnType<typeof parseNodeLine>;
    try {
      parsed = parseNodeLine(this.tree, line, { lenient: true });
    } catch (e) {
      this.deps.log.debug({ console: this.id, line, err: describeError(e) }, 'unparseable node line from console');
      return;
    }
    for (const v of parsed.values) this.update(v.leaf, v.raw);
    if (parsed.unvalidated && !this.warnedNodes.has(parsed.path)) {
      this.warnedNodes.add(parsed.path);
      this.deps.log.info(
        {
          console: this.id,
          node: parsed.path,
          tokens: parsed.unvalidated.map((u) => `${u.leaf.address}=${u.token}`),
        },
        'console reports a value outside rad’s tables: kept as sent (unvalidated)',
      );
    }
  }

  /** The token a leaf holds when rad's tables do not know it (the API shows it as raw, unvalidated). */
  unvalidated(path: string): string | undefined {
    const raw = this.model.get(toX32(path, this.model).address);
    return raw !== undefined && isUnvalidated(raw) ? unvalidatedToken(raw) : undefined;
  }

  private requireLive(): X32Driver {
    const st = this.tracker.get().state;
    if (!this.driver || st === 'offline' || st === 'stopped' || st === 'starting') {
      throw fail(
        'E_CONSOLE_OFFLINE',
        `console ${this.id} is ${st}${this.tracker.get().detail ? ` (${this.tracker.get().detail})` : ''}`,
        { console: this.id },
      );
    }
    return this.driver;
  }

  // ---- reads ----

  get(path: string): Value | undefined {
    const m = toX32(path, this.model);
    const leaf = this.tree.leafByAddress.get(m.address)!;
    const raw = this.model.get(m.address);
    if (raw === undefined) return undefined;
    if (isUnvalidated(raw)) return null; // a token outside rad's tables: unvalidated(path) has it
    const u = rawToUnits(leaf.law, raw);
    return m.invert ? !u : (u as Value);
  }

  nodes(prefix: string): Array<{ path: string; text: string }> {
    const p = prefix === '' ? '/' : prefix.startsWith('/') ? prefix : `/${prefix}`;
    const out: Array<{ path: string; text: string }> = [];
    for (const node of this.tree.nodes) {
      if (!(node.path === p || node.path.startsWith(p.endsWith('/') ? p : `${p}/`) || p === '/')) continue;
      if (!node.leaves.every((l) => this.model.has(`${node.path}/${l.name}`))) continue;
      out.push({ path: node.path, text: formatNodeLine(node, this.model) });
    }
    if (out.length === 0) {
      const leaf = this.tree.leafByAddress.get(p);
      const raw = leaf ? this.model.get(p) : undefined;
      if (leaf && raw !== undefined) out.push({ path: p, text: `${p} ${rawToUnits(leaf.law, raw)}` });
    }
    return out;
  }

  // ---- writes: set, then read back; the model follows the device ----

  private toArg(leaf: Leaf, raw: Raw): OscArg {
    const t = oscType(leaf.law);
    if (t === 's') return { type: 's', value: String(raw) };
    if (t === 'i') return { type: 'i', value: raw as number };
    return { type: 'f', value: leaf.law.kind === 'token' ? Number(raw) : (raw as number) };
  }

  /** Validates a raw wire value against the leaf's law. */
  private checkRaw(leaf: Leaf, v: unknown): Raw {
    const law = leaf.law;
    const bad = () =>
      fail(
        'E_VALUE_RANGE',
        `${leaf.address}: raw ${JSON.stringify(v)} is out of range; allowed ${oscType(law) === 'f' ? '0.0..1.0' : describeRange(law)}`,
        {
          path: leaf.address,
          value: v,
        },
      );
    if (oscType(law) === 'f') {
      if (typeof v !== 'number' || !(v >= 0 && v <= 1)) throw bad();
      return law.kind === 'token' ? String(v) : quantize(law, v);
    }
    if (oscType(law) === 's') {
      if (typeof v !== 'string' || (law.kind === 'string' && v.length > law.max)) throw bad();
      return v;
    }
    return unitsToRaw(leaf.address, law, v);
  }

  async write(changes: Change[], actor = 'api'): Promise<WriteReport> {
    const d = this.requireLive();
    const prepared = changes.map((c) => {
      const m = toX32(c.path, this.model);
      const leaf = this.tree.leafByAddress.get(m.address)!;
      const value = m.invert && typeof c.value === 'boolean' ? !c.value : c.value;
      if (m.invert && typeof c.value !== 'boolean' && !c.raw)
        throw fail('E_VALUE_TYPE', `${c.path}: must be true or false`, { path: c.path, value: c.value });
      const raw = c.raw ? this.checkRaw(leaf, value) : unitsToRaw(leaf.address, leaf.law, value);
      return { change: c, leaf, raw, invert: m.invert === true };
    });
    for (const p of prepared) {
      this.pendingWrites.set(p.leaf.address, (this.pendingWrites.get(p.leaf.address) ?? 0) + 1);
      d.set(p.leaf.address, this.toArg(p.leaf, p.raw));
    }
    const results = await Promise.all(
      prepared.map(async (p): Promise<WriteVerdict> => {
        const base = { path: p.change.path, address: p.leaf.address, requested: p.change.value };
        try {
          const back = await d.get(p.leaf.address);
          this.onValue(p.leaf.address, [back]);
          const actualRaw = this.model.get(p.leaf.address);
          const units = actualRaw === undefined ? undefined : (rawToUnits(p.leaf.law, actualRaw) as Value);
          const actual = p.invert && typeof units === 'boolean' ? !units : units;
          const ok = sameRaw(p.leaf.law, actualRaw, p.raw);
          return { ...base, actual, verdict: ok ? 'verified' : 'mismatched' };
        } catch (e) {
          return { ...base, actual: undefined, verdict: 'failed', error: describeError(e) };
        } finally {
          const n = (this.pendingWrites.get(p.leaf.address) ?? 1) - 1;
          if (n <= 0) this.pendingWrites.delete(p.leaf.address);
          else this.pendingWrites.set(p.leaf.address, n);
        }
      }),
    );
    return auditedReport(this.deps.bus, this.id, actor, results);
  }

  async oscillator(cfg: OscillatorSettings | null, actor = 'api'): Promise<WriteReport> {
    if (cfg === null) return this.write([{ path: '/-stat/osc/on', value: false }], actor);
    const settings = await this.write(
      [
        { path: '/config/osc/level', value: cfg.level_db },
        { path: '/config/osc/f1', value: cfg.freq_hz },
        { path: '/config/osc/fsel', value: 'F1' },
        { path: '/config/osc/type', value: cfg.type.toUpperCase() },
        { path: '/config/osc/dest', value: cfg.dest },
      ],
      actor,
    );
    if (!settings.ok) return settings;
    const on = await this.write([{ path: '/-stat/osc/on', value: true }], actor);
    return { console: this.id, results: [...settings.results, ...on.results], ok: on.ok };
  }

  // ---- state: scenes ----

  private sceneContext(): SceneContext {
    return {
      id: this.id,
      driver: this.requireLive(),
      tree: this.tree,
      model: this.model,
      bus: this.deps.bus,
      capture: this.opts.capture,
      name: this.info?.name ?? this.id,
    };
  }

  capture(opts: CaptureOptions & { name?: string; note?: string } = {}): Promise<ConsoleState> {
    return captureScene(this.sceneContext(), opts);
  }

  state(): string {
    return modelScene(this.tree, this.model, this.info?.name ?? this.id);
  }

  restore(text: string, opts: RestoreOptions = {}): Promise<RestoreReport> {
    return applyScene(this.sceneContext(), text, opts);
  }

  /** Values the model changed after its first fill (what a recall is measured by). */
  private changes = 0;

  /** `/-action/goscene n`, then a full re-capture: the X32 pushes no per-parameter changes for a load. */
  async recallScene(n: number, actor = 'api'): Promise<SceneRecallReport> {
    if (!Number.isInteger(n) || n < 0 || n > 99)
      throw fail('E_VALUE_RANGE', `scene ${n} does not exist on an X32 (0..99)`, { value: n, min: 0, max: 99 });
    const d = this.requireLive();
    const t0 = performance.now();
    const before = this.changes;
    d.send('/-action/goscene', [{ type: 'i', value: n }]);
    await new Promise((r) => setTimeout(r, 50)); // the desk loads the scene before it answers reads
    await d.captureNodes(
      this.tree.nodes.map((x) => x.path),
      this.opts.capture,
    );
    const report = {
      console: this.id,
      scene: n,
      changed: this.changes - before,
      seconds: (performance.now() - t0) / 1000,
    };
    this.deps.bus.emit('device.write', {
      actor,
      device: this.id,
      action: 'recall-scene',
      value: n,
      result: 'ok',
      detail: `${report.changed} values changed`,
    });
    return report;
  }
}
