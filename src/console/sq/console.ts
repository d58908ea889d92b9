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
import { SqDriver, type SqValue } from './driver.ts';
import { sqParams } from './params.ts';

export const SQ_CAPS: ConsoleCaps = {
  inputs: 48,
  auxes: 12,
  dcas: 8,
  muteGroups: 8,
  names: false,
  nameLength: 0,
  colours: false,
  icons: false,
  preamps: false,
  sceneRead: true,
  sceneText: false,
  oscillator: false,
  inputMeters: false,
  raw: true,
};

/**
 * Neutral path → SQ family path (ah-midi.md §3). The SQ's input "fader" is its level to LR.
 * Family paths (`input/3/send/lr/level`) pass through unchanged.
 */
export function toSqPath(path: string): string {
  const p = path.replace(/^\/+/, '');
  if (sqParams().byPath.has(p)) return p;
  let m = /^(input|group|fxreturn)\/(\d+)\/(fader|pan)$/.exec(p);
  if (m) return `${m[1]}/${Number(m[2])}/send/lr/${m[3] === 'fader' ? 'level' : 'pan'}`;
  m = /^(input|group|fxreturn)\/(\d+)\/on$/.exec(p);
  if (m) return `${m[1]}/${Number(m[2])}/send/lr/on`;
  m = /^(main|lr)\/(fader|mute|balance)$/.exec(p);
  if (m) return `lr/${m[2]}`;
  if (
    /^(input|aux|dca|group|fxreturn)\/\d+\/(name|colour|icon|hpf|hpf_on|phantom|gain|source|dca|mutegroups)$/.test(p)
  ) {
    throw new RadError(
      'E_CAPABILITY',
      `an SQ cannot take '${path}' over MIDI (its MIDI protocol has mutes, levels, pans, assigns and scenes only)`,
      {
        details: { path, family: 'sq' },
      },
    );
  }
  throw new RadError('E_UNKNOWN_PATH', `an SQ has no parameter '${path}'`, { details: { path } });
}

/** An A&H SQ as a console service: the SQ driver behind the family-neutral Console interface. */
export class SqConsole implements Console {
  readonly family = 'sq' as const;
  readonly kind = 'console' as const;
  readonly caps = SQ_CAPS;
  private drv: SqDriver | undefined;
  private readonly tracker: StatusTracker;

  constructor(
    readonly settings: ConsoleConfig,
    private readonly deps: { bus: Bus; log: Logger },
  ) {
    this.tracker = new StatusTracker(deps.bus, settings.id, 'console');
  }

  /** The driver is made at start: the simulated studio may only then have written the real port. */
  get driver(): SqDriver {
    if (!this.drv) {
      const d = new SqDriver({
        host: this.settings.host,
        port: this.settings.port ?? 51325,
        midiPort: this.settings.midi_port,
        channel: (this.settings.midi_channel ?? 1) - 1,
      });
      d.on('change', (c) => {
        // the first sync fills the model silently; a re-sync (after a scene recall) announces what moved
        if (c.initial) return;
        this.changes++;
        this.deps.bus.emit('console.changed', {
          console: this.id,
          path: c.path,
          value: c.value,
          source: c.source === 'rad' ? 'rad' : 'device',
        });
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
      midi_channel: this.settings.midi_channel ?? 1,
      law: this.drv?.law ?? 'linear',
      parameters: this.drv?.model.size ?? 0,
      ...(this.drv?.missing.size
        ? { missing: [...this.drv.missing].map((p) => sqParams().byP.get(p)?.path ?? String(p)) }
        : {}),
    };
  }

  async start(): Promise<void> {
    this.tracker.set('starting');
    try {
      await Promise.race([this.driver.connect(), new Promise((r) => setTimeout(r, 5000).unref())]);
    } catch (e) {
      this.deps.log.warn({ console: this.id, err: describeError(e) }, 'SQ not reachable; retrying in the background');
      this.tracker.set('offline', describeError(e));
    }
  }

  async stop(): Promise<void> {
    await this.drv?.close();
    this.tracker.set('stopped');
  }

  get(path: string): Value | undefined {
    return this.driver.get(toSqPath(path));
  }

  nodes(prefix: string): Array<{ path: string; value: Value }> {
    const p = prefix.replace(/^\/+/, '');
    const out: Array<{ path: string; value: Value }> = [];
    for (const prm of sqParams().list) {
      if (p && !(prm.path === p || prm.path.startsWith(p.endsWith('/') ? p : `${p}/`))) continue;
      const raw = this.driver.model.get(prm.p);
      if (raw !== undefined) out.push({ path: prm.path, value: this.driver.decode(prm, raw) });
    }
    return out;
  }

  async write(changes: Change[], actor = 'api'): Promise<WriteReport> {
    // validate everything first: a bad entry rejects the whole request and nothing is sent
    const prepared = changes.map((c) => {
      const path = toSqPath(c.path);
      const prm = this.driver.param(path);
      // raw: the NRPN data value (0..16383), taken through the parameter's law like a unit value
      const value = c.raw
        ? this.driver.decode(prm, rawData(c.path, c.value, prm.kind === 'mute' || prm.kind === 'assign' ? 1 : 16383))
        : c.value;
      this.driver.encode(prm, value as SqValue);
      return { change: { ...c, value: value as Value, requested: c.value }, path };
    });
    if (this.driver.state === 'offline')
      throw fail('E_CONSOLE_OFFLINE', `${this.id} is offline: ${this.driver.detail}`);
    const results: WriteVerdict[] = await Promise.all(
      prepared.map(async ({ change, path }): Promise<WriteVerdict> => {
        const base = { path: change.path, address: path, requested: change.requested };
        try {
          const r = await this.driver.set(path, change.value as SqValue);
          return { ...base, actual: r.actual, verdict: 'verified' };
        } catch (e) {
          if (e instanceof RadError && e.code === 'E_CONSOLE_WRITE_MISMATCH')
            return {
              ...base,
              actual: (e.details?.actual as Value) ?? undefined,
              verdict: 'mismatched',
              error: e.message,
            };
          return { ...base, actual: undefined, verdict: 'failed', error: describeError(e) };
        }
      }),
    );
    return auditedReport(this.deps.bus, this.id, actor, results);
  }

  private captureInfo(): Record<string, unknown> {
    return { midi_channel: this.settings.midi_channel ?? 1 };
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

  /** Recall scene n (1..300) and re-sync: the console sends nothing back, the re-sync shows what moved. */
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
