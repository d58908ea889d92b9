import type { Bus } from '../core/bus.ts';
import { describeError, fail, RadError } from '../core/errors.ts';
import { type Console, readValue } from '../console/model.ts';
import type { AudioEngine } from '../dsp/engine/engine.ts';
import type { Settings } from '../settings/schema.ts';
import { expandWiring } from '../settings/wiring.ts';

/** What one input did during the sound check, and the preamp gain that lands its peaks on the target. */
export type GainInput = {
  input: number;
  name: string | null;
  /** Where its level was read: the interface return (direct out), the console's own meter, or nowhere. */
  source: 'interface' | 'console-meter' | 'none';
  played: boolean;
  clipped: boolean;
  peak_dbfs: number | null;
  /** The loudest 3 s of (unweighted) RMS while it played. */
  short_term_dbfs: number | null;
  /** RMS over the time it played. */
  rms_dbfs: number | null;
  /** Peak over RMS: a kick reads ~15 dB, a sustained bass ~6 dB. */
  crest_db: number | null;
  gain_db: number | null;
  proposed_gain_db: number | null;
  change_db: number | null;
  /** Reported, never switched. */
  phantom: boolean | null;
  /** Codes for what stands out (E_GAIN_CLIPPED, E_GAIN_SILENT, E_GAIN_RANGE, E_NO_PREAMP, E_GAIN_NOT_METERED). */
  codes: string[];
  notes: string[];
};

export type GainListen = {
  id: string;
  console: string;
  at: string;
  seconds: number;
  target_peak_dbfs: number;
  alignment_dbfs: number | null;
  inputs: GainInput[];
  never_played: number[];
  clipped: number[];
};

export type GainApplyReport = {
  console: string;
  at: string;
  target_peak_dbfs: number;
  /** Write rounds (each moves every input by at most gain.step_db). */
  steps: number;
  written: number;
  failed: Array<{ input: number; error: string }>;
  results: Array<{
    input: number;
    name: string | null;
    from_gain_db: number | null;
    to_gain_db: number | null;
    peak_before_dbfs: number | null;
    peak_after_dbfs: number | null;
    /** Landed peak minus the target. */
    error_db: number | null;
    within: boolean;
    notes: string[];
  }>;
  after: GainListen;
  /** Every input that played landed within ±1.5 dB of the target (inputs at the preamp's limit excepted). */
  ok: boolean;
};

export type GainDeps = {
  settings: Pick<Settings, 'gain' | 'wiring' | 'audio'>;
  consoles: { get(id: string): Console; first(): Console | undefined };
  engine: () => AudioEngine | undefined;
  store: { get(key: string): unknown; set(key: string, value: unknown): void };
  bus: Pick<Bus, 'on' | 'removeOwner' | 'emit'>;
  /** A line check plays tone: the sound check waits for none. */
  busy: () => string | undefined;
};

const LISTEN_KEY = 'gain.listen';
const APPLY_KEY = 'gain.apply';
export const LANDED_TOLERANCE_DB = 1.5;
const r1 = (x: number) => Math.round(x * 10) / 10;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const db = (ms: number) => (ms > 0 ? 10 * Math.log10(ms) : Number.NEGATIVE_INFINITY);

/** Why a console family cannot stage gain over its protocol. */
function cannot(con: Console): string | undefined {
  if (!con.caps.preampGain)
    return con.family === 'sq'
      ? "the SQ's MIDI protocol carries no preamp gain"
      : con.family === 'qu'
        ? "the Qu's MIDI protocol carries phantom power but no preamp gain"
        : `this ${con.family} does not take preamp gain over its protocol`;
  return undefined;
}

/** Accumulates one input's meter readings (20 per second) during a listen. */
class Acc {
  peak = Number.NEGATIVE_INFINITY;
  sumMs = 0;
  nPlayed = 0;
  shortMax = Number.NEGATIVE_INFINITY;
  private readonly win: number[] = [];
  private winSum = 0;
  clippedReadings = 0;

  constructor(
    private readonly silence: number,
    private readonly clip: number,
  ) {}

  add(peakDb: number, rmsDb: number | null): void {
    if (peakDb > this.peak) this.peak = peakDb;
    if (peakDb >= this.clip) this.clippedReadings++;
    if (rmsDb === null) return;
    const ms = 10 ** (rmsDb / 10);
    if (peakDb > this.silence) {
      this.sumMs += ms;
      this.nPlayed++;
    }
    // the short-term window: 3 s of 50 ms readings
    this.win.push(ms);
    this.winSum += ms;
    if (this.win.length > 60) this.winSum -= this.win.shift()!;
    if (this.win.length === 60) this.shortMax = Math.max(this.shortMax, db(this.winSum / 60));
  }

  /** A listen shorter than 3 s still reports its loudest stretch. */
  finish(): void {
    if (!Number.isFinite(this.shortMax) && this.win.length > 0) this.shortMax = db(this.winSum / this.win.length);
  }
}

/**
 * Gain staging from the sound check. `listen` records, while the band plays, each input's peak,
 * loudest 3 s and crest factor (from the interface return where the input's direct out comes back,
 * else the console's own pre-fader input meter) and proposes the preamp gain that lands its peaks
 * on `gain.target_peak_dbfs`, within the preamp's range and step; `apply` moves the gains there in
 * steps of at most `gain.step_db` (nothing muted, nothing jumps) and listens again. Phantom power
 * and pads are reported, never switched.
 */
export class GainStager {
  private running: string | undefined;
  private seq = 0;

  constructor(private readonly deps: GainDeps) {}

  last(): { listen: GainListen | null; apply: GainApplyReport | null } {
    return {
      listen: (this.deps.store.get(LISTEN_KEY) as GainListen | undefined) ?? null,
      apply: (this.deps.store.get(APPLY_KEY) as GainApplyReport | undefined) ?? null,
    };
  }

  private consoleFor(id?: string): Console {
    const con = id ? this.deps.consoles.get(id) : this.deps.consoles.first();
    if (!con) throw fail('E_NO_CONSOLE', 'no console configured: gain staging needs one', {});
    return con;
  }

  private checkTarget(target: number | undefined): number {
    const t = target ?? this.deps.settings.gain.target_peak_dbfs;
    if (!Number.isFinite(t) || t > -1 || t < -40)
      throw fail('E_GAIN_TARGET', `target peak ${t} dBFS is outside −40…−1 dBFS`, { value: t });
    return t;
  }

  private begin(what: string, con: Console): void {
    const why = cannot(con);
    if (why) throw fail('E_CAPABILITY', `gain staging cannot run on ${con.id}: ${why}`, { console: con.id });
    if (!['online', 'degraded'].includes(con.status().state))
      throw fail('E_CONSOLE_OFFLINE', `${con.id} is ${con.status().state}: gain staging needs it online`, {
        console: con.id,
      });
    const busy = this.deps.busy();
    if (busy)
      throw fail('E_LINECHECK_RUNNING', `a line check is running (${busy}): its tone would be measured as the band`, {
        running: busy,
      });
    if (this.running) throw fail('E_GAIN_RUNNING', `gain staging is already running (${this.running})`, {});
    this.running = what;
  }

  /** Listens to the band for `seconds` and proposes a gain per input. */
  async listen(
    opts: { console?: string; seconds?: number; inputs?: number[]; target?: number } = {},
  ): Promise<GainListen> {
    const con = this.consoleFor(opts.console);
    const target = this.checkTarget(opts.target);
    const seconds = opts.seconds ?? 30;
    if (!(seconds >= 1 && seconds <= 600))
      throw fail('E_VALUE_RANGE', `listen for 1…600 s, not ${seconds}`, { value: seconds });
    const inputs = this.checkInputs(opts.inputs, con);
    this.begin('listen', con);
    try {
      const r = await this.record(con, inputs, seconds, target);
      this.deps.store.set(LISTEN_KEY, r);
      this.deps.bus.emit('job.done', {
        job: r.id,
        kind: 'gain-listen',
        ok: true,
        result: { console: con.id, never_played: r.never_played, clipped: r.clipped },
      });
      return r;
    } finally {
      this.running = undefined;
    }
  }

  private checkInputs(inputs: number[] | undefined, con: Console): number[] {
    const n = con.caps.inputs;
    const list = inputs ?? Array.from({ length: n }, (_, i) => i + 1);
    for (const k of list)
      if (!Number.isInteger(k) || k < 1 || k > n)
        throw fail('E_VALUE_RANGE', `input ${k} does not exist on ${con.id} (1..${n})`, { value: k });
    if (list.length === 0) throw fail('E_VALUE_RANGE', 'no inputs to listen to', { value: list });
    return list;
  }

  private async record(con: Console, inputs: number[], seconds: number, target: number): Promise<GainListen> {
    const g = this.deps.settings.gain;
    const engine = this.deps.engine();
    // an input's direct out that comes back to the interface gives peak and RMS; else the console's meter
    const ret = new Map<number, number>();
    if (engine)
      for (const w of expandWiring(this.deps.settings.wiring)) {
        const from = new RegExp(`^${con.id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:in:(\\d+)$`).exec(w.from);
        const to = /^iface:in:(\d+)$/.exec(w.to);
        if (from && to) ret.set(Number(from[1]), Number(to[1]));
      }
    const source = (k: number): GainInput['source'] =>
      ret.has(k) ? 'interface' : con.caps.inputMeters && k <= 32 ? 'console-meter' : 'none';
    const acc = new Map(inputs.map((k) => [k, new Acc(g.silence_dbfs, g.clip_dbfs)]));
    const owner = {};
    const viaIface = inputs.filter((k) => source(k) === 'interface');
    const viaConsole = inputs.filter((k) => source(k) === 'console-meter');
    // meters run on demand (rechecked every second): ask for them now and wait for the first set,
    // so a short listen is not a second short
    if (engine && viaIface.length > 0) {
      await engine.whenOnline();
      await engine.currentMeters();
    }
    if (viaConsole.length > 0) con.inputMeters();
    const byChannel = new Map(viaIface.map((k) => [ret.get(k)!, k]));
    this.deps.bus.on('audio.meters', owner, (m) => {
      for (const c of m.channels) {
        const k = byChannel.get(c.channel);
        if (k !== undefined) acc.get(k)!.add(c.peak_dbfs, c.rms_dbfs);
      }
    });
    this.deps.bus.on('console.meters', owner, (m) => {
      if (m.console !== con.id || m.bank !== 1) return;
      for (const k of viaConsole) {
        const v = m.values[k - 1];
        if (v !== undefined) acc.get(k)!.add(v > 0 ? 20 * Math.log10(v) : Number.NEGATIVE_INFINITY, null);
      }
    });
    try {
      await sleep(seconds * 1000);
    } finally {
      this.deps.bus.removeOwner(owner);
    }
    const range = con.caps.preampGain!;
    const out: GainInput[] = inputs.map((k) => {
      const a = acc.get(k)!;
      a.finish();
      const src = source(k);
      const codes: string[] = [];
      const notes: string[] = [];
      let gain: number | null = null;
      let phantom: boolean | null = null;
      try {
        const v = con.get(`input/${k}/gain`);
        gain = typeof v === 'number' ? v : null;
        const p = con.get(`input/${k}/phantom`);
        phantom = typeof p === 'boolean' ? p : null;
      } catch (e) {
        codes.push(e instanceof RadError ? e.code : 'E_NO_PREAMP');
        notes.push(describeError(e));
      }
      const nameV = readValue(con, `input/${k}/name`);
      const metered = src !== 'none' && Number.isFinite(a.peak);
      const played = metered && a.peak > g.silence_dbfs;
      const clipped = a.clippedReadings > 0;
      const peak = metered ? r1(a.peak) : null;
      const rms = a.nPlayed > 0 ? r1(db(a.sumMs / a.nPlayed)) : null;
      let proposed: number | null = null;
      if (src === 'none') {
        codes.push('E_GAIN_NOT_METERED');
        notes.push('not metered: no direct out back to the interface and no console meter for this input');
      } else if (!played) {
        codes.push('E_GAIN_SILENT');
        notes.push(`never played (peaks under ${g.silence_dbfs} dBFS): check the source, the mic and the patch`);
      } else if (gain !== null) {
        // a clipped peak hides how loud the source really is: come down 6 dB more and listen again
        const want = gain + (target - a.peak) - (clipped ? 6 : 0);
        const stepped = Math.round(want / range.step) * range.step;
        proposed = Math.min(range.max, Math.max(range.min, stepped));
        if (clipped) {
          codes.push('E_GAIN_CLIPPED');
          notes.push(
            `clipped (${a.clippedReadings} readings at full scale): its true peak is unknown; listen again after`,
          );
        }
        if (proposed !== stepped) {
          codes.push('E_GAIN_RANGE');
          notes.push(
            `the target needs ${r1(stepped)} dB, beyond the preamp's ${range.min}…+${range.max} dB: lands at ${r1(a.peak + proposed - gain)} dBFS`,
          );
        }
        const align = this.deps.settings.audio?.alignment_dbfs;
        if (rms !== null && align !== undefined && a.shortMax > Number.NEGATIVE_INFINITY) {
          const rmsAfter = a.shortMax + (proposed - gain);
          if (Math.abs(rmsAfter - align) > 10)
            notes.push(
              `its loudest 3 s would sit at ${r1(rmsAfter)} dBFS RMS, ${r1(Math.abs(rmsAfter - align))} dB ${rmsAfter < align ? 'under' : 'over'} the ${align} dBFS alignment (crest ${r1(a.peak - rms)} dB)`,
            );
        }
      }
      return {
        input: k,
        name: typeof nameV === 'string' && nameV.length > 0 ? nameV : null,
        source: src,
        played,
        clipped,
        peak_dbfs: peak,
        short_term_dbfs: Number.isFinite(a.shortMax) ? r1(a.shortMax) : null,
        rms_dbfs: rms,
        crest_db: rms !== null && peak !== null ? r1(a.peak - db(a.sumMs / a.nPlayed)) : null,
        gain_db: gain,
        proposed_gain_db: proposed,
        change_db: proposed !== null && gain !== null ? r1(proposed - gain) : null,
        phantom,
        codes,
        notes,
      };
    });
    return {
      id: `gain-${Date.now().toString(36)}-${++this.seq}`,
      console: con.id,
      at: new Date().toISOString(),
      seconds,
      target_peak_dbfs: target,
      alignment_dbfs: this.deps.settings.audio?.alignment_dbfs ?? null,
      inputs: out,
      never_played: out.filter((i) => i.source !== 'none' && !i.played).map((i) => i.input),
      clipped: out.filter((i) => i.clipped).map((i) => i.input),
    };
  }

  /**
   * Moves every proposed gain of the last listen there, at most `gain.step_db` per round (each
   * round written and read back before the next), then listens again and reports where each landed.
   */
  async apply(opts: { console?: string; seconds?: number; inputs?: number[] } = {}): Promise<GainApplyReport> {
    const before = this.last().listen;
    if (!before)
      throw fail('E_GAIN_NO_LISTEN', 'no sound check has been listened to yet: run `rad gain listen` first', {});
    const con = this.consoleFor(opts.console ?? before.console);
    if (con.id !== before.console)
      throw fail('E_GAIN_NO_LISTEN', `the last listen was on ${before.console}, not ${con.id}`, {
        value: con.id,
      });
    if (opts.inputs) this.checkInputs(opts.inputs, con);
    const seconds = opts.seconds ?? before.seconds;
    if (!(seconds >= 1 && seconds <= 600))
      throw fail('E_VALUE_RANGE', `listen for 1…600 s, not ${seconds}`, { value: seconds });
    this.begin('apply', con);
    try {
      const chosen = before.inputs.filter(
        (i) => i.proposed_gain_db !== null && (!opts.inputs || opts.inputs.includes(i.input)),
      );
      const step = this.deps.settings.gain.step_db;
      const failed: GainApplyReport['failed'] = [];
      const from = new Map<number, number | null>();
      let steps = 0;
      let written = 0;
      const pending = new Set(chosen.map((i) => i.input));
      for (const i of chosen) {
        const v = readValue(con, `input/${i.input}/gain`);
        from.set(i.input, typeof v === 'number' ? v : null);
      }
      while (pending.size > 0 && steps < 200) {
        const changes: Array<{ path: string; value: number }> = [];
        for (const i of chosen) {
          if (!pending.has(i.input)) continue;
          const cur = readValue(con, `input/${i.input}/gain`);
          const goal = i.proposed_gain_db!;
          if (typeof cur !== 'number' || Math.abs(goal - cur) < 0.01) {
            pending.delete(i.input);
            continue;
          }
          const next = cur + Math.sign(goal - cur) * Math.min(step, Math.abs(goal - cur));
          changes.push({ path: `input/${i.input}/gain`, value: next });
        }
        if (changes.length === 0) break;
        steps++;
        const rep = await con.write(changes, 'gain');
        written += rep.results.length;
        for (const r of rep.results) {
          if (r.verdict === 'verified') continue;
          const k = Number(/^input\/(\d+)\//.exec(r.path)?.[1]);
          failed.push({ input: k, error: r.error ?? `the console holds ${JSON.stringify(r.actual)}` });
          pending.delete(k);
        }
      }
      const after = await this.record(
        con,
        before.inputs.map((i) => i.input),
        seconds,
        before.target_peak_dbfs,
      );
      this.deps.store.set(LISTEN_KEY, after);
      const target = before.target_peak_dbfs;
      const results: GainApplyReport['results'] = chosen.map((i) => {
        const a = after.inputs.find((x) => x.input === i.input);
        const err = a?.peak_dbfs != null && a.played ? r1(a.peak_dbfs - target) : null;
        const atLimit = i.codes.includes('E_GAIN_RANGE');
        const notes = [...(a?.notes ?? [])];
        if (atLimit) notes.unshift("the preamp's range does not reach the target");
        return {
          input: i.input,
          name: i.name,
          from_gain_db: from.get(i.input) ?? null,
          to_gain_db: a?.gain_db ?? null,
          peak_before_dbfs: i.peak_dbfs,
          peak_after_dbfs: a?.peak_dbfs ?? null,
          error_db: err,
          within: err !== null && Math.abs(err) <= LANDED_TOLERANCE_DB,
          notes,
        };
      });
      const report: GainApplyReport = {
        console: con.id,
        at: new Date().toISOString(),
        target_peak_dbfs: target,
        steps,
        written,
        failed,
        results,
        after,
        ok:
          failed.length === 0 &&
          results.every(
            (r) => r.within || before.inputs.find((i) => i.input === r.input)?.codes.includes('E_GAIN_RANGE'),
          ),
      };
      this.deps.store.set(APPLY_KEY, report);
      this.deps.bus.emit('job.done', {
        job: after.id,
        kind: 'gain-apply',
        ok: report.ok,
        result: { console: con.id, steps, outside: results.filter((r) => !r.within).map((r) => r.input) },
      });
      return report;
    } finally {
      this.running = undefined;
    }
  }
}
