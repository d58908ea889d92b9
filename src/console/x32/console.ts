import type { Bus } from '../../core/bus.ts';
import { Backoff } from '../../core/backoff.ts';
import { badRequest, describeError, RadError, unavailable } from '../../core/errors.ts';
import type { Logger } from '../../core/logger.ts';
import { StatusTracker } from '../../core/status.ts';
import type { OscArg } from '../../drivers/osc/codec.ts';
import type { ConsoleSettings } from '../../settings/schema.ts';
import type { Store } from '../../store/db.ts';
import {
  auditedReport,
  type Change,
  type Console,
  type ConsoleCaps,
  type OscillatorSettings,
  type Value,
  type WriteReport,
  type WriteVerdict,
} from '../model.ts';
import { type CaptureOptions, X32Driver, type X32Info } from './driver.ts';
import { describeRange, type Law, oscType, quantize, type Raw, rawToUnits, stepIndex, unitsToRaw } from './laws.ts';
import { toX32 } from './map.ts';
import { oscDestFor } from './oscdest.ts';
import { formatHeader, formatNodeLine, parseNodeLine, parseScene, type RawState, type SceneProblem } from './scene.ts';
import { type Leaf, x32Tree } from './schema.ts';

export type X32ConsoleOptions = {
  timeoutMs?: number;
  pingMs?: number;
  offlineAfterMs?: number;
  xremoteMs?: number;
  capture?: CaptureOptions;
  meterBanks?: number[];
};

export type SceneCapture = { text: string; lines: number; missing: string[]; retries: number; seconds: number };
export type LineVerdict = {
  line: number;
  path: string;
  status: 'verified' | 'mismatched' | 'failed';
  diffs?: Array<{ address: string; wanted: string; got: string }>;
};
export type ApplyReport = {
  applied: number;
  verified: number;
  mismatched: number;
  failed: number;
  skipped: SceneProblem[];
  lines: LineVerdict[];
  seconds: number;
};

const X32_CAPS: ConsoleCaps = {
  inputs: 32,
  auxes: 16,
  dcas: 8,
  muteGroups: 6,
  names: true,
  nameLength: 12,
  colours: true,
  icons: true,
  sceneRead: true,
  sceneText: true,
};

/** True when two raw values are the same setting (floats compared on the parameter's grid). */
export function sameRaw(law: Law, a: Raw | undefined, b: Raw | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  if (typeof a === 'number' && typeof b === 'number' && oscType(law) === 'f')
    return stepIndex(law, a) === stepIndex(law, b);
  return a === b;
}

/**
 * An X32/M32 as a service: a live model of the whole node tree, filled by a pipelined capture at
 * connect, kept current by `/xremote` pushes and by read-back after every write.
 */
export class X32Console implements Console {
  /** The latest meter blob per bank (linear levels) and when it arrived. */
  private readonly meterBanks = new Map<number, { at: number; values: Float32Array }>();

  /** Latest meter values of a bank (bank 1: input channels 1–32, linear), or undefined before any arrived. */
  meters(bank: number): { at: number; values: Float32Array } | undefined {
    return this.meterBanks.get(bank);
  }

  inputMeters(): { at: number; levels: Float32Array } | undefined {
    const b = this.meterBanks.get(1);
    return b ? { at: b.at, levels: b.values.subarray(0, 32) } : undefined;
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
  private readonly backoff = new Backoff();
  private info: X32Info | undefined;
  private lastHeard = 0;
  private lastXremote = 0;
  private tickTimer: NodeJS.Timeout | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private connecting: Promise<boolean> | undefined;
  private readonly pendingWrites = new Map<string, number>();
  private missingLines: string[] = [];
  private stopped = true;
  private readonly opts: Required<Omit<X32ConsoleOptions, 'capture'>> & { capture: CaptureOptions };

  constructor(
    readonly settings: ConsoleSettings,
    private readonly deps: { bus: Bus; store: Store; log: Logger },
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
  }

  get id(): string {
    return this.settings.id;
  }

  get wire(): X32Driver {
    if (!this.driver) throw unavailable('E_CONSOLE_OFFLINE', `console ${this.id} is not started`);
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
    };
  }

  async start(): Promise<void> {
    this.stopped = false;
    this.tracker.set('starting');
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
      if (this.tracker.get().state !== 'offline') this.goOffline(`socket error: ${err.message}`);
    });
    this.driver = driver;
    try {
      await driver.open();
    } catch (e) {
      this.goOffline(`cannot open UDP socket: ${describeError(e)}`);
      return;
    }
    this.tickTimer = setInterval(() => this.tick(), Math.min(this.opts.pingMs, 1000));
    this.tickTimer.unref();
    // give the first connection a moment so a healthy studio reports online at READY
    await Promise.race([this.connect(), new Promise((r) => setTimeout(r, 2000).unref())]);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.tickTimer);
    clearTimeout(this.reconnectTimer);
    const d = this.driver;
    this.driver = undefined;
    if (d) {
      d.send('/unsubscribe');
      await d.close();
    }
    this.tracker.set('stopped');
  }

  private goOffline(detail: string): void {
    if (this.stopped) return;
    this.tracker.set('offline', detail);
    for (const b of this.opts.meterBanks) this.driver?.stopMeters(b);
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.stopped || this.reconnectTimer) return;
    const delay = this.backoff.next();
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      void this.connect().then((ok) => {
        if (!ok) this.scheduleReconnect();
      });
    }, delay);
    this.reconnectTimer.unref();
  }

  /** One connection attempt: identify, subscribe, capture everything. */
  private connect(): Promise<boolean> {
    this.connecting ??= (async () => {
      const d = this.driver;
      if (!d) return false;
      try {
        this.info = await d.xinfo();
      } catch (e) {
        this.goOffline(`no reply from ${this.settings.host}:${this.settings.port ?? 10023} (${describeError(e)})`);
        return false;
      }
      this.backoff.reset();
      this.tracker.set('degraded', 'capturing console state');
      d.xremote();
      this.lastXremote = Date.now();
      const paths = this.tree.nodes.map((n) => n.path);
      const r = await d.captureNodes(paths, this.opts.capture);
      if (this.stopped) return false;
      this.missingLines = r.missing;
      if (r.missing.length > 0)
        this.tracker.set('degraded', `capture incomplete: ${r.missing.length} of ${paths.length} nodes missing`);
      else this.tracker.set('online');
      for (const b of this.opts.meterBanks) d.startMeters(b);
      this.deps.log.info(
        { console: this.id, model: this.info.model, seconds: r.seconds, retries: r.retries, missing: r.missing.length },
        'console captured',
      );
      return true;
    })().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  private tick(): void {
    const d = this.driver;
    if (!d || this.stopped || this.connecting) return;
    const state = this.tracker.get().state;
    if (state !== 'online' && state !== 'degraded') return;
    const now = Date.now();
    const silentFor = now - this.lastHeard;
    if (silentFor > this.opts.offlineAfterMs) {
      this.goOffline(`no reply for ${Math.round(silentFor / 100) / 10} s`);
      return;
    }
    if (silentFor >= this.opts.pingMs) void d.ping(this.opts.pingMs);
    if (now - this.lastXremote >= this.opts.xremoteMs) {
      d.xremote();
      this.lastXremote = now;
    }
    if (this.missingLines.length > 0 && state === 'degraded') {
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

  private onNodeLine(line: string): void {
    let parsed: ReturnType<typeof parseNodeLine>;
    try {
      parsed = parseNodeLine(this.tree, line);
    } catch (e) {
      this.deps.log.debug({ console: this.id, line, err: describeError(e) }, 'unparseable node line from console');
      return;
    }
    for (const v of parsed.values) this.update(v.leaf, v.raw);
  }

  private requireLive(): X32Driver {
    const st = this.tracker.get().state;
    if (!this.driver || st === 'offline' || st === 'stopped' || st === 'starting') {
      throw unavailable(
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
      badRequest(
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
        throw badRequest('E_VALUE_TYPE', `${c.path}: must be true or false`, { path: c.path, value: c.value });
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
    return auditedReport(this.deps.store, this.id, actor, results);
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

  // ---- scenes ----

  async captureScene(opts: CaptureOptions & { name?: string; note?: string } = {}): Promise<SceneCapture> {
    const d = this.requireLive();
    const paths = this.tree.nodes.filter((n) => this.tree.isSceneNode(n.path)).map((n) => n.path);
    const r = await d.captureNodes(paths, { ...this.opts.capture, ...opts });
    const lines = r.lines.filter((l): l is string => l !== undefined);
    const text = `${[formatHeader(opts.name ?? this.info?.name ?? this.id, opts.note ?? ''), ...lines].join('\n')}\n`;
    return { text, lines: lines.length, missing: r.missing, retries: r.retries, seconds: r.seconds };
  }

  /**
   * Applies scene text: validates every line first (nothing is sent from a broken file unless
   * `partial`), writes with `/` lines, then reads every touched node back and compares.
   */
  async applyScene(
    text: string,
    opts: { partial?: boolean; onlyChanged?: boolean; actor?: string } = {},
  ): Promise<ApplyReport> {
    const d = this.requireLive();
    const t0 = performance.now();
    const { scene, problems } = parseScene(this.tree, text);
    if (problems.length > 0 && !opts.partial) {
      throw badRequest(
        'E_SCENE_INVALID',
        `scene has ${problems.length} broken line(s); nothing applied (use partial to apply the good lines): ${problems
          .slice(0, 5)
          .map((p) => `line ${p.line}: ${p.reason}`)
          .join('; ')}`,
        {
          problems,
        },
      );
    }
    const lines = (scene?.lines ?? []).filter(
      (l) =>
        !opts.onlyChanged || l.parsed.values.some((v) => !sameRaw(v.leaf.law, this.model.get(v.leaf.address), v.raw)),
    );
    const sent = await d.sendSceneLines(
      lines.map((l) => l.text.trim()),
      this.opts.capture,
    );
    const touched = [...new Set(lines.map((l) => l.parsed.node?.path ?? l.parsed.values[0]!.leaf.node.path))];
    await d.captureNodes(touched, this.opts.capture); // replies update the model through onNodeLine
    const verdicts: LineVerdict[] = lines.map((l, i) => {
      if (!sent.echoed[i]) return { line: l.lineNo, path: l.parsed.path, status: 'failed' };
      const diffs = l.parsed.values
        .filter((v) => !sameRaw(v.leaf.law, this.model.get(v.leaf.address), v.raw))
        .map((v) => ({
          address: v.leaf.address,
          wanted: String(rawToUnits(v.leaf.law, v.raw)),
          got: String(rawToUnits(v.leaf.law, this.model.get(v.leaf.address) ?? '')),
        }));
      return diffs.length === 0
        ? { line: l.lineNo, path: l.parsed.path, status: 'verified' }
        : { line: l.lineNo, path: l.parsed.path, status: 'mismatched', diffs };
    });
    const count = (s: LineVerdict['status']) => verdicts.filter((v) => v.status === s).length;
    const report: ApplyReport = {
      applied: sent.echoed.filter(Boolean).length,
      verified: count('verified'),
      mismatched: count('mismatched'),
      failed: count('failed'),
      skipped: problems,
      lines: verdicts,
      seconds: (performance.now() - t0) / 1000,
    };
    this.deps.store.audit({
      actor: opts.actor ?? 'api',
      device: this.id,
      action: 'apply-scene',
      value: { lines: lines.length },
      result: report.failed + report.mismatched === 0 && problems.length === 0 ? 'ok' : 'partial',
      detail: `applied ${report.applied}, verified ${report.verified}, mismatched ${report.mismatched}, failed ${report.failed}, skipped ${problems.length}`,
    });
    return report;
  }
}

export function assertX32(c: Console): X32Console {
  if (!(c instanceof X32Console))
    throw new RadError('E_FAMILY', `console ${c.id} is ${c.family}, not x32`, { httpStatus: 400 });
  return c;
}
