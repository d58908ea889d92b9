import { randomUUID } from 'node:crypto';
import { type ClockReport, checkClock } from './clock.ts';
import type { Bus } from '../core/bus.ts';
import { fail, describeError, RadError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import { type Console, readValue } from '../console/model.ts';
import type { AudioEngine } from '../dsp/engine/engine.ts';
import type { Measurement } from '../dsp/engine/protocol.ts';
import { planTones } from '../dsp/plan.ts';
import { PassiveBay } from '../patchbay/passive/bay.ts';
import type { Matrix } from '../patchbay/model.ts';
import { requiredTies } from '../patchbay/trace.ts';
import type { Settings } from '../settings/schema.ts';
import { consoleOutputPoint, expandWiring } from '../settings/wiring.ts';
import type { RunRepo } from '../store/repos.ts';
import {
  diagnose,
  diagnoseMeters,
  diagnoseOutputs,
  type Evidence,
  type PathResult,
  type RoundPlan,
} from './diagnose.ts';
import { type CheckPath, resolveOutputs, resolvePaths } from './paths.ts';
import { steadyRead } from './steady.ts';

export type RunOptions = {
  paths?: string[];
  inject?: boolean;
  mode?: 'concurrent' | 'sequential';
  /** inputs: tone from the interface into every patch (default); outputs: the console's oscillator to its buses. */
  target?: 'inputs' | 'outputs';
  /** Check even when the clock check finds a mismatch. */
  force?: boolean;
};
export type RunRecord = {
  id: string;
  state: 'running' | 'done' | 'cancelled' | 'failed';
  started_at: string;
  finished_at?: string;
  options: RunOptions;
  results: PathResult[];
  summary?: Record<string, number>;
  seconds?: number;
  error?: string;
  /** Restores that failed at the end (ties, oscillator, monitor mutes): also raised as device alerts. */
  restore_failed?: string[];
  /** Preamp gains (dB) of the paths' console inputs at the start: their tone went in that much lower. */
  preamp_gains?: Record<string, number>;
  /** Aux buses (cue mixes) muted for the tone because a toned input feeds them; unmuted after. */
  cue_mutes?: string[];
  /** Where a running check is: paths done of total, and the phase. */
  progress?: { done: number; total: number; phase: string };
  /** The clock check it started with. */
  clock?: ClockReport;
};

const SETTLE_MS = 60;
const METER_SETTLE_MS = 250;

/**
 * Proves every patch passes signal: each path gets its own bin-centred tone (rounds when there
 * are more paths than a frequency plan holds), every return is measured at once, then a
 * broadband pass with independent noise per path gives latency and polarity. Tones off and
 * monitors restored afterwards, also on cancel or failure.
 */
export class LineCheckService {
  private running: { id: string; cancel: boolean; done?: Promise<RunRecord> } | undefined;
  private readonly runs = new Map<string, RunRecord>();

  constructor(
    private readonly settings: Settings,
    private readonly deps: {
      bus: Bus;
      runs: RunRepo;
      log: Logger;
      engine: () => AudioEngine | undefined;
      console: () => Console | undefined;
      patchbays: () => ReadonlyMap<string, Matrix>;
    },
  ) {}

  paths(only?: string[]): CheckPath[] {
    return resolvePaths(this.settings, only);
  }

  /** Console outputs wired back to the interface, with the oscillator destination the console gives each. */
  outputPaths(only?: string[]): CheckPath[] {
    const con = this.deps.console();
    return resolveOutputs(this.settings, only).map((p) => {
      const point = consoleOutputPoint(p.source)!;
      if (!con || con.id !== point.console)
        return { ...p, untestable: `${point.console} is not the console this line check drives` };
      if (!con.caps.oscillator)
        return { ...p, untestable: `an ${con.family.toUpperCase()} has no oscillator control over its protocol` };
      const dest = con.oscillatorDest(point.point);
      return dest === undefined
        ? { ...p, untestable: `the oscillator cannot be sent to ${point.point} alone` }
        : { ...p, dest };
    });
  }

  get(id: string): RunRecord | undefined {
    if (this.runs.has(id)) return this.runs.get(id);
    const row = this.deps.runs.get(id);
    if (!row) return undefined;
    return {
      id,
      state: row.state as RunRecord['state'],
      started_at: row.started_at,
      finished_at: row.finished_at,
      options: row.options as RunOptions,
      results: row.results as PathResult[],
      summary: row.summary,
    };
  }

  /** The newest run that has finished (done, cancelled or failed), with its results. */
  lastFinished(): RunRecord | undefined {
    const row = this.history(5).find((r) => r.state !== 'running');
    return row ? this.get(row.id) : undefined;
  }

  /** Runs of this and earlier days, newest first (summaries only). */
  history(
    limit = 50,
  ): Array<{ id: string; state: string; started_at: string; finished_at?: string; summary?: Record<string, number> }> {
    return this.deps.runs.list(limit);
  }

  /** For shutdown: cancel the running check and wait until it has put ties, oscillator and monitors back. */
  async stop(): Promise<void> {
    const r = this.running;
    if (!r) return;
    r.cancel = true;
    await r.done?.catch(() => undefined);
  }

  /** Tone-out for the engineer: the stereo ident (or a 1 kHz line-up tone) on one path; null stops it. */
  ident(pathNameToSend: string, on = true): { path: string; output: number } {
    const p = this.paths([pathNameToSend])[0]!;
    if (p.inject === undefined) throw fail('E_LINECHECK_UNTESTABLE', `${p.name}: ${p.untestable}`);
    const engine = this.deps.engine();
    if (!engine) throw fail('E_NO_AUDIO', 'no audio interface configured');
    engine.play(
      p.inject,
      on ? { kind: 'ident', pattern: 'ebu', leg: 'left', level_dbfs: this.settings.audio!.alignment_dbfs } : null,
    );
    return { path: p.name, output: p.inject };
  }

  cancel(id: string): boolean {
    if (this.running?.id !== id) return false;
    this.running.cancel = true;
    return true;
  }

  /** The id of the running check, if one runs. */
  runningId(): string | undefined {
    return this.running?.id;
  }

  /** The clock plan against the console and the interface (the first step of every line check). */
  clock(): ClockReport {
    return checkClock(this.settings, this.deps.console(), this.deps.engine());
  }

  /** Starts a run; resolves with its id at once, the record fills as it goes. */
  start(opts: RunOptions = {}): { id: string; done: Promise<RunRecord> } {
    if (this.running)
      throw fail('E_LINECHECK_RUNNING', `a line check is already running (${this.running.id})`, {
        running: this.running.id,
      });
    const engine = this.deps.engine();
    const engineState = engine?.status().state;
    // a check asked for while the engine starts waits for it (inside the run, audio.start_timeout_ms)
    if (engineState !== 'online' && engineState !== 'starting')
      throw fail(
        'E_AUDIO_OFFLINE',
        `the audio engine is ${engine ? engineState : 'not configured'}; a line check needs it`,
      );
    if (!engine) throw fail('E_AUDIO_OFFLINE', 'the audio engine is not configured; a line check needs it');
    // first the clock: a check on mismatched clocks measures clicks and drift, not the patch
    const clock = this.clock();
    if (!clock.ok && !opts.force)
      throw fail('E_CLOCK_MISMATCH', `${clock.mismatches.join('; ')} (force: true checks anyway)`, {
        mismatches: clock.mismatches,
      });
    const paths = opts.target === 'outputs' ? this.outputPaths(opts.paths) : this.paths(opts.paths);
    if (paths.length === 0)
      throw fail(
        'E_LINECHECK_EMPTY',
        opts.target === 'outputs'
          ? 'no console output is wired to an interface input (wiring: x32-main:bus:N → iface:in:K)'
          : 'the line check plan is empty (linecheck.plan)',
      );
    const id = randomUUID();
    const rec: RunRecord = {
      id,
      state: 'running',
      started_at: new Date().toISOString(),
      options: opts,
      results: [],
      clock,
    };
    this.runs.set(id, rec);
    this.running = { id, cancel: false };
    this.deps.runs.begin(id, rec.started_at, opts);
    const done = this.execute(rec, paths, engine).finally(() => {
      this.running = undefined;
    });
    this.running.done = done;
    done.catch((e) => this.deps.log.error({ run: id, err: describeError(e) }, 'line check failed outside its run'));
    return { id, done };
  }

  private progress(rec: RunRecord, done: number, total: number, phase: string): void {
    rec.progress = { done, total, phase };
    this.deps.bus.emit('linecheck.progress', { run: rec.id, done, total, phase });
  }

  private async execute(rec: RunRecord, paths: CheckPath[], engine: AudioEngine): Promise<RunRecord> {
    const t0 = performance.now();
    const a = this.settings.audio!;
    const alignment = a.alignment_dbfs;
    const con = this.deps.console();
    const restoreMutes: Array<{ path: string; value: boolean }> = [];
    const restoreTies: Array<{ pb: Matrix; ties: Array<{ output: number; input: number | null }> }> = [];
    const stuck = new Map<string, string>();
    const untestable = new Map<string, string>();
    let testable = paths.filter((p) => !p.untestable);
    try {
      if (engine.status().state === 'starting') {
        this.progress(rec, 0, paths.length, 'waiting for the audio engine');
        await engine.whenOnline();
      }
      // monitors down before any tone
      for (const m of a.monitor_mutes) {
        // an offline console cannot mute its monitors (nor pass tone to them through its own busses)
        if (con?.status().state !== 'online') {
          this.deps.log.warn({ run: rec.id, console: con?.id }, 'monitors not muted: the console is not online');
          break;
        }
        const was = con.get(m);
        if (was !== true) {
          await con.write([{ path: m, value: true }], 'linecheck');
          restoreMutes.push({ path: m, value: false });
        }
      }
      // …and every aux the toned inputs feed (the musicians' cue mixes): nobody gets tone in their headphones
      if (con?.status().state === 'online' && rec.options.target !== 'outputs') {
        const cueMutes = cueBusesFedBy(con, testable, this.settings.audio!.monitor_mutes);
        if (cueMutes.length > 0) {
          await con.write(
            cueMutes.map((path) => ({ path, value: true })),
            'linecheck',
          );
          for (const path of cueMutes) restoreMutes.push({ path, value: false });
          rec.cue_mutes = cueMutes;
        }
      }
      // a preamp set for the band (gain staging) would make line-level tone clip: each path's tone
      // goes in lower by its input's gain, so every return is still expected at the alignment level
      if (con?.status().state === 'online' && con.caps.preampGain && rec.options.target !== 'outputs') {
        for (const p of testable) {
          const k = consoleChannel(con, p.input);
          // (no value: no preamp behind this input, a card source)
          const g = k === undefined ? undefined : readValue(con, `input/${k}/gain`);
          if (typeof g === 'number' && g !== 0) p.gain_db = g;
        }
        const gains = Object.fromEntries(testable.filter((p) => p.gain_db).map((p) => [p.name, p.gain_db!]));
        if (Object.keys(gains).length > 0) rec.preamp_gains = gains;
      }
      if (rec.options.target === 'outputs') rec.results = await this.outputs(rec, paths, engine, con, alignment);
      else {
        if (rec.options.inject) await this.inject(testable, stuck, restoreTies, untestable);
        // a device that is offline makes its paths untestable; the others are still tested
        for (const p of paths) if (untestable.has(p.name)) p.untestable = untestable.get(p.name);
        testable = paths.filter((p) => !p.untestable);
        // paths that come back to the interface get the full analysis; the rest only the console's meters
        const viaIface = testable.filter((p) => p.measure !== undefined);
        const viaMeters = testable.filter((p) => p.measure === undefined);
        const ev: Evidence = { rounds: [], xcorr: new Map(), stuck };
        if (viaIface.length > 0) {
          if (rec.options.mode === 'sequential') await this.sequential(rec, viaIface, ev, engine, alignment);
          else await this.concurrent(rec, viaIface, ev, engine, alignment);
          this.checkCancel(rec);
          await this.broadband(rec, viaIface, ev, engine);
        }
        const meterRuns =
          viaMeters.length > 0
            ? await this.meters(rec, viaMeters, engine, con, alignment)
            : new Map<string, Float32Array>();
        const expectedLatency = this.settings.linecheck.expected_latency_samples ?? a.latency_samples;
        const byName = new Map([
          ...diagnose(
            paths.filter((p) => p.untestable || p.measure !== undefined),
            ev,
            this.settings.linecheck,
            alignment,
            expectedLatency,
          ).map(
            (r) => [r.path, { ...r, ...(r.verdict !== 'untestable' ? { method: 'interface' as const } : {}) }] as const,
          ),
          ...diagnoseMeters(
            viaMeters.filter((p) => !p.untestable),
            meterRuns,
            this.settings.linecheck,
            alignment,
          ).map((r) => [r.path, r] as const),
        ]);
        rec.results = paths.map((p) => byName.get(p.name)!);
      }
      rec.state = 'done';
    } catch (e) {
      rec.state = e instanceof RadError && e.code === 'E_LINECHECK_CANCELLED' ? 'cancelled' : 'failed';
      rec.error = describeError(e);
      this.deps.log.warn({ run: rec.id, err: rec.error }, 'line check stopped');
    } finally {
      try {
        engine.stopAll();
      } catch {}
      // what the check changed goes back; a restore that fails is an alert the engineer hears about
      for (const r of restoreTies)
        await r.pb
          .route(r.ties, 'linecheck', { atomic: true })
          .catch((e) =>
            this.restoreFailed(
              rec,
              r.pb.id,
              `ties not restored after line check: ${r.ties.map((t) => `${t.output}←${t.input ?? '-'}`).join(' ')} (${describeError(e)})`,
            ),
          );
      if (con?.caps.oscillator && rec.options.target === 'outputs')
        await con
          .oscillator(null, 'linecheck')
          .catch((e) => this.restoreFailed(rec, con.id, `oscillator left on after line check (${describeError(e)})`));
      if (con && restoreMutes.length > 0) {
        const paths = restoreMutes.map((m) => m.path).join(', ');
        await con
          .write(
            restoreMutes.map((m) => ({ path: m.path, value: m.value })),
            'linecheck',
          )
          .then((rep) => {
            if (!rep.ok) this.restoreFailed(rec, con.id, `monitors or cue mixes left muted after line check: ${paths}`);
          })
          .catch((e) =>
            this.restoreFailed(
              rec,
              con.id,
              `monitors or cue mixes left muted after line check: ${paths} (${describeError(e)})`,
            ),
          );
      }
    }
    return this.finish(rec, t0);
  }

  /** Logged, on the device's status, and on the bus: never swallowed. */
  private restoreFailed(rec: RunRecord, device: string, message: string): void {
    this.deps.log.error({ run: rec.id, device }, message);
    rec.restore_failed = [...(rec.restore_failed ?? []), `${device}: ${message}`];
    this.deps.bus.emit('device.alert', { device, kind: 'restore-failed', message, at: new Date().toISOString() });
  }

  private finish(rec: RunRecord, t0: number): RunRecord {
    rec.finished_at = new Date().toISOString();
    rec.seconds = (performance.now() - t0) / 1000;
    rec.summary = {};
    for (const r of rec.results) rec.summary[r.verdict] = (rec.summary[r.verdict] ?? 0) + 1;
    this.deps.runs.finish(
      rec.id,
      rec.state,
      rec.finished_at,
      rec.summary,
      rec.results.map((r) => ({ path: r.path, verdict: r.verdict, detail: r })),
    );
    for (const r of rec.results)
      this.deps.bus.emit('linecheck.result', {
        run: rec.id,
        path: r.path,
        verdict: r.verdict,
        detail: r as unknown as Record<string, unknown>,
      });
    this.deps.bus.emit('job.done', {
      job: rec.id,
      kind: 'linecheck',
      ok: rec.state === 'done',
      result: { state: rec.state, summary: rec.summary },
      ...(rec.error ? { error: rec.error } : {}),
    });
    return rec;
  }

  /**
   * Meters-only fallback, one path at a time (a tone cannot be told from another on a meter): the
   * tone on the path's injection, then the next console meter update read for every input.
   */
  private async meters(
    rec: RunRecord,
    paths: CheckPath[],
    engine: AudioEngine,
    con: Console | undefined,
    alignment: number,
  ): Promise<Map<string, Float32Array>> {
    const runs = new Map<string, Float32Array>();
    const read = con?.caps.inputMeters ? con.inputMeters.bind(con) : undefined;
    for (const p of paths) {
      const why = !con
        ? 'no console configured'
        : !read
          ? `${p.input} does not come back to an interface input and an ${con.family.toUpperCase()} sends no input meters over its protocol`
          : p.meter! > con.caps.inputs
            ? `${p.input} does not come back to an interface input and the console meters only inputs 1–${con.caps.inputs}`
            : con.status().state !== 'online'
              ? `${con.id} is ${con.status().state}; its meters cannot be read`
              : undefined;
      if (why) p.untestable = why;
    }
    if (!con || !read) return runs;
    for (const [i, p] of paths.filter((x) => !x.untestable).entries()) {
      this.checkCancel(rec);
      engine.play(p.inject!, { kind: 'sine', freq: 1000, level_dbfs: alignment - (p.gain_db ?? 0) });
      // meters are peak over ~50 ms windows and reach the console's meter stream within ~150 ms
      const since = Date.now() + METER_SETTLE_MS;
      const deadline = since + 2000;
      let got: Float32Array | undefined;
      while (Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 20));
        const m = read();
        if (m && m.at >= since) {
          got = m.levels;
          break;
        }
      }
      engine.stopAll();
      if (!got) {
        p.untestable = `${con.id} sent no input meters within 2 s`;
        continue;
      }
      runs.set(p.name, got);
      this.progress(rec, i + 1, paths.length, 'console meters (one path at a time)');
      await new Promise((r) => setTimeout(r, 15));
    }
    return runs;
  }

  /** Console-oscillator mode: the console's oscillator to one output at a time, every output return measured each time. */
  private async outputs(
    rec: RunRecord,
    paths: CheckPath[],
    engine: AudioEngine,
    con: Console | undefined,
    alignment: number,
  ): Promise<PathResult[]> {
    if (con && con.status().state !== 'online')
      for (const p of paths)
        p.untestable ??= `${con.id} is ${con.status().state} (${con.status().detail ?? 'no connection'})`;
    const testable = paths.filter((p) => !p.untestable);
    const inputs = [...new Set(testable.map((p) => p.measure!))];
    const runs = new Map<string, Map<number, Measurement>>();
    for (const [i, p] of testable.entries()) {
      this.checkCancel(rec);
      // 2 kHz sits exactly on the oscillator's log grid (20·1000^(80/120)) and on a 10 Hz analysis
      // bin; the grid's "1 kHz" is 1002.4 Hz, whose leakage would read as hum
      const osc = await con!.oscillator(
        { level_db: alignment, freq_hz: 2000, type: 'sine', dest: p.dest! },
        'linecheck',
      );
      if (!osc.ok)
        throw new RadError(
          'E_LINECHECK_OSCILLATOR',
          `the console did not take the oscillator settings for ${p.name}: ${osc.results
            .filter((r) => r.verdict !== 'verified')
            .map((r) => r.error ?? r.path)
            .join('; ')}`,
        );
      const m = await engine.measure({ channels: inputs, windows: 1, settleMs: SETTLE_MS });
      runs.set(p.name, new Map(m.map((x) => [x.channel, x])));
      this.progress(rec, i + 1, testable.length, 'console oscillator');
    }
    return diagnoseOutputs(paths, runs, this.settings.linecheck, alignment);
  }

  private checkCancel(rec: RunRecord): void {
    if (this.running?.id === rec.id && this.running.cancel) throw new RadError('E_LINECHECK_CANCELLED', 'cancelled');
  }

  /** --inject: tie the switchers as the plan needs; remember the old ties; stuck outputs name their paths. */
  private async inject(
    paths: CheckPath[],
    stuck: Map<string, string>,
    restore: Array<{ pb: Matrix; ties: Array<{ output: number; input: number | null }> }>,
    untestable: Map<string, string>,
  ): Promise<void> {
    const ties = requiredTies(
      paths.map((p) => ({ source: p.source, input: p.input })),
      {
        wiring: expandWiring(this.settings.wiring),
        bays: this.settings.bays.map((b) => new PassiveBay(b)),
        cords: () => this.settings.cords,
      },
    );
    const byPb = new Map<string, typeof ties>();
    for (const t of ties) byPb.set(t.patchbay, [...(byPb.get(t.patchbay) ?? []), t]);
    for (const [id, list] of byPb) {
      const pb = this.deps.patchbays().get(id);
      if (!pb) continue;
      restore.push({
        pb,
        ties: pb
          .map()
          .map((input, i) => ({ output: i + 1, input }))
          .filter((t) => list.some((x) => x.output === t.output)),
      });
      if (pb.status().state === 'offline') {
        for (const t of list)
          untestable.set(pathNameOf(paths, t.source), `${id} is offline (${pb.status().detail ?? 'no connection'})`);
        restore.pop();
        continue;
      }
      try {
        await pb.route(
          list.map((t) => ({ output: t.output, input: t.input })),
          'linecheck',
          { atomic: true },
        );
      } catch (e) {
        const failed =
          ((e as RadError).details as { failed?: Array<{ output: number; got: number | null }> } | undefined)?.failed ??
          [];
        for (const f of failed)
          for (const t of list.filter((x) => x.output === f.output))
            stuck.set(
              pathNameOf(paths, t.source),
              `${id} output ${f.output} stays on ${f.got === null ? 'nothing' : `input ${f.got}`} (wanted input ${t.input})`,
            );
        if (failed.length === 0) throw e;
      }
    }
  }

  private roundsFor(paths: CheckPath[]): { tones: number[]; rounds: CheckPath[][] } {
    const a = this.settings.audio!;
    const bins = planTones(64, {
      sampleRate: a.sample_rate,
      windowSize: a.window,
      fMin: 200,
      fMax: Math.min(20000, 0.45 * a.sample_rate),
    });
    const tones = bins.map((k) => (k * a.sample_rate) / a.window);
    // paths sharing an injection output cannot play two tones: they go to different rounds
    const rounds: CheckPath[][] = [];
    for (const p of paths) {
      let r = rounds.find((x) => x.length < tones.length && !x.some((q) => q.inject === p.inject));
      if (!r) {
        r = [];
        rounds.push(r);
      }
      r.push(p);
    }
    return { tones, rounds };
  }

  private async concurrent(
    rec: RunRecord,
    paths: CheckPath[],
    ev: Evidence,
    engine: AudioEngine,
    alignment: number,
  ): Promise<void> {
    const { tones, rounds } = this.roundsFor(paths);
    const inputs = [...new Set(paths.map((p) => p.measure!))];
    for (const [ri, round] of rounds.entries()) {
      this.checkCancel(rec);
      const plan: RoundPlan = { tones: new Map(), owner: new Map() };
      round.forEach((p, i) => {
        plan.tones.set(p.name, tones[i]!);
        plan.owner.set(tones[i]!, p.name);
        engine.play(p.inject!, { kind: 'sine', freq: tones[i]!, level_dbfs: alignment - (p.gain_db ?? 0) });
      });
      const freqs = [...plan.owner.keys()].flatMap((f) =>
        3 * f < 0.45 * this.settings.audio!.sample_rate ? [f, 3 * f] : [f],
      );
      const m = await steadyRead(engine, { channels: inputs, freqs, windows: 2, settleMs: SETTLE_MS });
      ev.rounds.push({ plan, at: new Map(m.map((x) => [x.channel, x])) });
      engine.stopAll();
      this.progress(rec, ri + 1, rounds.length + 1, 'tones');
      await new Promise((r) => setTimeout(r, 15)); // ramps down before the next round
    }
  }

  /** One path at a time (the assistant with a tone generator), for comparison. */
  private async sequential(
    rec: RunRecord,
    paths: CheckPath[],
    ev: Evidence,
    engine: AudioEngine,
    alignment: number,
  ): Promise<void> {
    const freq = 1230;
    for (const [i, p] of paths.entries()) {
      this.checkCancel(rec);
      const plan: RoundPlan = { tones: new Map([[p.name, freq]]), owner: new Map([[freq, p.name]]) };
      engine.play(p.inject!, { kind: 'sine', freq, level_dbfs: alignment - (p.gain_db ?? 0) });
      const m = await steadyRead(engine, {
        channels: [p.measure!],
        freqs: [freq, 3 * freq],
        windows: 2,
        settleMs: SETTLE_MS,
      });
      ev.rounds.push({ plan, at: new Map(m.map((x) => [x.channel, x])) });
      engine.stopAll();
      this.progress(rec, i + 1, paths.length + 1, 'tones (one path at a time)');
      await new Promise((r) => setTimeout(r, 15));
    }
  }

  /** Independent noise on every injection at once; each return is correlated with its own. */
  private async broadband(rec: RunRecord, paths: CheckPath[], ev: Evidence, engine: AudioEngine): Promise<void> {
    const outs = [...new Set(paths.map((p) => p.inject!))];
    const gainAt = (o: number) => Math.max(0, ...paths.filter((p) => p.inject === o).map((p) => p.gain_db ?? 0));
    for (const o of outs) engine.play(o, { kind: 'white', level_dbfs: -20 - gainAt(o), seed: 1000 + o });
    const references: Record<string, number> = {};
    for (const p of paths) references[String(p.measure)] = p.inject!;
    const expected = this.settings.linecheck.expected_latency_samples ?? this.settings.audio!.latency_samples;
    const m = await engine.measure({
      channels: Object.keys(references).map(Number),
      windows: 1,
      settleMs: SETTLE_MS,
      references,
      reference: { output: outs[0]!, maxLagSamples: Math.max(256, expected + 256) },
    });
    engine.stopAll();
    const byInput = new Map<number, Measurement>(m.map((x) => [x.channel, x]));
    for (const p of paths) {
      const x = byInput.get(p.measure!);
      if (x) ev.xcorr.set(p.name, x);
    }
    this.progress(rec, 1, 1, 'latency and polarity');
  }
}

function pathNameOf(paths: CheckPath[], source: string): string {
  return paths.find((p) => p.source === source)?.name ?? source;
}

/** The input channel of this console that a plant point (`x32-main:in:3`) is, if it is one. */
function consoleChannel(con: Console, point: string): number | undefined {
  const m = /^(.+):in:(\d+)$/.exec(point);
  return m && m[1] === con.id && Number(m[2]) <= con.caps.inputs ? Number(m[2]) : undefined;
}

/**
 * The aux buses (cue mixes) that the console inputs of these paths send to and that are not muted
 * already (nor among the monitor mutes): their `aux/N/mute` paths. A send counts when its level
 * is above −∞ and it is not switched off.
 */
export function cueBusesFedBy(con: Console, paths: CheckPath[], already: string[]): string[] {
  const channels = new Set<number>();
  for (const p of paths) {
    const k = consoleChannel(con, p.input);
    if (k !== undefined) channels.add(k);
  }
  const read = (path: string) => readValue(con, path);
  const out: string[] = [];
  for (let b = 1; b <= con.caps.auxes; b++) {
    const mute = `aux/${b}/mute`;
    if (already.includes(mute) || read(mute) !== false) continue;
    for (const k of channels) {
      const level = read(`input/${k}/send/aux/${b}/level`);
      if (typeof level !== 'number' || level <= -90 || read(`input/${k}/send/aux/${b}/on`) === false) continue;
      out.push(mute);
      break;
    }
  }
  return out;
}
