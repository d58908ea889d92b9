import type { Bus } from '../../core/bus.ts';
import { describeError, RadError, fail } from '../../core/errors.ts';
import type { Logger } from '../../core/logger.ts';
import { StatusTracker } from '../../core/status.ts';
import type { ConsoleConfig, SceneRecallReport } from '../model.ts';
import {
  auditedReport,
  type Change,
  type Console,
  type ConsoleCaps,
  type ConsoleState,
  type OscillatorSettings,
  type RestoreOptions,
  type RestoreReport,
  type Value,
  type WriteReport,
  type WriteVerdict,
} from '../model.ts';
import { captureModel, rawData, liveValues, noOscillator, restoreModel } from '../model-console.ts';
import { modelText } from '../model-state.ts';
import { quCaps, type QuModel, quModelNamed } from './codec.ts';
import { QuDriver, type QuValue } from './driver.ts';
import { quParams } from './params.ts';

/** Neutral path → Qu family path: `main/lr/fader` → `lr/fader`, `input/3/send/aux/2/level` → mix 2. */
export function toQuPath(path: string): string {
  const p = path.replace(/^\/+/, '');
  const m = /^input\/(\d+)\/send\/aux\/(\d+)\/(level|on)$/.exec(p);
  if (m) return `input/${m[1]}/send/mix/${m[2]}/${m[3]}`;
  const lr = /^main\/lr\/(fader|mute|name)$/.exec(p);
  if (lr) return `lr/${lr[1]}`;
  if (
    /^(input|stereo|fxreturn|mix|group|matrix|dca)\/\d+\/(colour|icon|hpf|hpf_on|gain|source)$/.test(p) ||
    /^(mix|group|matrix|dca)\/\d+\/(phantom|dca|mutegroups)$/.test(p) ||
    /^(stereo|fxreturn)\/\d+\/phantom$/.test(p)
  ) {
    throw new RadError(
      'E_CAPABILITY',
      `a Qu cannot take '${path}' through rad (not in its MIDI map or not modelled: colours, icons, preamp gain, HPF, routing; 48 V only on local inputs)`,
      {
        details: { path, family: 'qu' },
      },
    );
  }
  return p;
}

/** `input/3/dca` and `input/3/mutegroups` are bitmasks in the neutral model (bit 0 = DCA/group 1); a Qu holds one flag each. */
const MASK_PATH = /^((?:input|stereo|fxreturn)\/\d+)\/(dca|mutegroups)$/;
const maskParts = (base: string, kind: string) =>
  [1, 2, 3, 4].map((n) => `${base}/${kind === 'dca' ? 'dca' : 'mutegroup'}/${n}`);

/** What a Qu of this model carries over MIDI (6-character names, 4 DCAs, 48 V on local inputs). */
export function quConsoleCaps(model: QuModel): ConsoleCaps {
  const c = quCaps(model);
  return {
    inputs: c.inputs,
    auxes: 7,
    dcas: 4,
    muteGroups: 4,
    names: true,
    nameLength: 6,
    colours: false,
    icons: false,
    preamps: true,
    sceneRead: true,
    sceneText: false,
    oscillator: false,
    inputMeters: false,
    raw: true,
  };
}

/** An A&H Qu as a console service behind the family-neutral Console interface. */
export class QuConsole implements Console {
  readonly family = 'qu' as const;
  readonly kind = 'console' as const;
  private drv: QuDriver | undefined;
  private readonly tracker: StatusTracker;
  private readonly modelName: QuModel;

  constructor(
    readonly settings: ConsoleConfig,
    private readonly deps: { bus: Bus; log: Logger },
  ) {
    this.tracker = new StatusTracker(deps.bus, settings.id, 'console');
    this.modelName = quModelNamed(settings.model);
  }

  get caps(): ConsoleCaps {
    return quConsoleCaps(this.drv?.console ?? this.modelName);
  }

  get driver(): QuDriver {
    if (!this.drv) {
      const d = new QuDriver({
        host: this.settings.host,
        port: this.settings.port ?? 51325,
        midiPort: this.settings.midi_port,
        model: this.modelName,
      });
      d.on('change', (c) => {
        // the first sync fills the model silently; a re-sync (after a scene recall) announces what moved
        if (c.initial) return;
        this.changes++;
        this.deps.bus.emit('console.changed', { console: this.id, path: c.path, value: c.value, source: 'device' });
      });
      d.on('offline', (why) => this.tracker.set('offline', why));
      d.on('online', () => this.tracker.set('online', d.detail));
      this.drv = d;
    }
    return this.drv;
  }

  get id(): string {
    return this.settings.id;
  }

  status() {
    return this.tracker.get();
  }

  describe(): Record<string, unknown> {
    return {
      family: this.family,
      ...(this.settings.midi_port
        ? { midi_port: this.settings.midi_port }
        : { host: this.settings.host, port: this.settings.port ?? 51325 }),
      model: this.drv?.console ?? this.modelName,
      firmware: this.drv?.firmware,
      midi_channel: (this.drv?.channel ?? 0) + 1,
      parameters: this.drv?.model.size ?? 0,
    };
  }

  async start(): Promise<void> {
    this.tracker.set('starting');
    try {
      await Promise.race([this.driver.connect(), new Promise((r) => setTimeout(r, 5000).unref())]);
    } catch (e) {
      this.deps.log.warn({ console: this.id, err: describeError(e) }, 'Qu not reachable; retrying in the background');
      this.tracker.set('offline', describeError(e));
    }
  }

  async stop(): Promise<void> {
    await this.drv?.close();
    this.tracker.set('stopped');
  }

  get(path: string): Value | undefined {
    const m = MASK_PATH.exec(path.replace(/^\/+/, ''));
    if (m) {
      const bits = maskParts(m[1]!, m[2]!).map((p) => this.driver.get(p));
      return bits.some((b) => b === undefined)
        ? undefined
        : bits.reduce<number>((acc, b, i) => acc | (b ? 1 << i : 0), 0);
    }
    return this.driver.get(toQuPath(path));
  }

  nodes(prefix: string): Array<{ path: string; value: Value }> {
    const p = prefix.replace(/^\/+/, '');
    const out: Array<{ path: string; value: Value }> = [];
    for (const prm of quParams(this.driver.console).list) {
      if (p && !(prm.path === p || prm.path.startsWith(p.endsWith('/') ? p : `${p}/`))) continue;
      const raw = this.driver.model.get(prm.key);
      if (raw !== undefined) out.push({ path: prm.path, value: this.driver.decode(prm, raw) });
    }
    return out;
  }

  async write(changes: Change[], actor = 'api'): Promise<WriteReport> {
    // a DCA / mute-group bitmask becomes its four flags; its verdict is theirs together
    const mapped: Array<{ path: string; value: QuValue; from: string; bit?: number; requested?: Value }> =
      changes.flatMap((c) => {
        const m = MASK_PATH.exec(c.path.replace(/^\/+/, ''));
        if (!m && c.raw) {
          // raw: the NRPN data value (0..127; a name is its text), taken through the parameter's law
          const path = toQuPath(c.path);
          const prm = this.driver.param(path);
          const raw = typeof c.value === 'string' ? c.value : rawData(c.path, c.value, 127);
          return [{ path, value: this.driver.decode(prm, raw), from: c.path, requested: c.value }];
        }
        if (!m) return [{ path: toQuPath(c.path), value: c.value as QuValue, from: c.path }];
        if (!Number.isInteger(c.value) || (c.value as number) < 0 || (c.value as number) > 15) {
          throw new RadError(
            'E_VALUE_RANGE',
            `${c.path}: ${JSON.stringify(c.value)} is out of range (a bitmask 0..15 of 4 ${m[2] === 'dca' ? 'DCAs' : 'mute groups'})`,
            { details: { path: c.path, value: c.value, range: '0..15' } },
          );
        }
        return maskParts(m[1]!, m[2]!).map((p, i) => ({
          path: p,
          value: ((c.value as number) & (1 << i)) !== 0,
          from: c.path,
          bit: i,
          requested: c.value,
        }));
      });
    if (this.driver.state === 'offline')
      throw fail('E_CONSOLE_OFFLINE', `${this.id} is offline: ${this.driver.detail}`);
    let flat: WriteVerdict[];
    try {
      const r = await this.driver.write(mapped.map((m) => ({ path: m.path, value: m.value })));
      flat = r.map((x, i) => ({
        path: mapped[i]!.from,
        address: x.path,
        requested:
          mapped[i]!.bit === undefined && mapped[i]!.requested !== undefined ? mapped[i]!.requested! : x.requested,
        actual: x.actual ?? undefined,
        verdict: x.ok ? 'verified' : 'mismatched',
      }));
    } catch (e) {
      if (e instanceof RadError && (e.kind === 'invalid' || e.kind === 'not_found')) throw e; // the caller's mistake, nothing was sent
      flat = mapped.map((m) => ({
        path: m.from,
        address: m.path,
        requested: m.value,
        actual: undefined,
        verdict: 'failed',
        error: describeError(e),
      }));
    }
    // fold the flags of each bitmask change back into one verdict with the bitmask the console holds
    const results: WriteVerdict[] = [];
    for (const [i, v] of flat.entries()) {
      const m = mapped[i]!;
      if (m.bit === undefined) results.push(v);
      else if (m.bit === 0) {
        const group = flat.slice(i, i + 4);
        const verdict = group.every((g) => g.verdict === 'verified')
          ? 'verified'
          : group.some((g) => g.verdict === 'failed')
            ? 'failed'
            : 'mismatched';
        const actual = group.every((g) => typeof g.actual === 'boolean')
          ? group.reduce<number>((acc, g, b) => acc | (g.actual ? 1 << b : 0), 0)
          : undefined;
        results.push({
          path: m.from,
          address: `${m.path.replace(/\/\d+$/, '')}/1..4`,
          requested: m.requested!,
          actual,
          verdict,
          ...(group.find((g) => g.error) ? { error: group.find((g) => g.error)!.error } : {}),
        });
      }
    }
    return auditedReport(this.deps.bus, this.id, actor, results);
  }

  private captureInfo(): Record<string, unknown> {
    return {
      model: this.drv?.console ?? this.modelName,
      ...(this.drv?.firmware ? { firmware: this.drv.firmware } : {}),
      midi_channel: (this.drv?.channel ?? 0) + 1,
    };
  }

  async capture(): Promise<ConsoleState> {
    return captureModel(this, this.captureInfo());
  }

  state(): string {
    return modelText(this.family, this.id, liveValues(this), this.captureInfo());
  }

  restore(text: string, opts: RestoreOptions = {}): Promise<RestoreReport> {
    return restoreModel(this, text, opts);
  }

  inputMeters(): undefined {
    return undefined;
  }

  oscillator(_cfg: OscillatorSettings | null, _actor?: string): Promise<WriteReport> {
    return Promise.reject(noOscillator(this));
  }

  oscillatorDest(_point: string): undefined {
    return undefined;
  }

  /** Values changed after the first sync (what a recall is measured by). */
  private changes = 0;

  /** Recall scene n (1..100) and re-sync: the console sends nothing back, the re-sync shows what moved. */
  async recallScene(n: number, actor = 'api'): Promise<SceneRecallReport> {
    const d = this.driver;
    const t0 = performance.now();
    const before = this.changes;
    await d.recallScene(n);
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
