import { existsSync, statSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { writeFileAtomic } from '../../core/atomic.ts';
import { RadError } from '../../core/errors.ts';
import { bounce } from './bounce.ts';
import { DECLICK_DEFAULTS, declickFile } from './declick.ts';
import { DEPOP_DEFAULTS } from './depop.ts';
import { GATE_DEFAULTS, gateFile } from './gate.ts';
import { findRegions, hopPeaks, regionsCsv, regionsReaperItems, renderRegions, SILENCE_DEFAULTS } from './silence.ts';
import { VOCAL_DEFAULTS, type VocalOptions, vocalFile } from './vocal.ts';
import { readWavInfo } from './wav.ts';

export type PrepKind = 'strip-silence' | 'gate' | 'declick' | 'vocal' | 'bounce';
export type PrepArgs = {
  inputs: string[];
  /** Output folder (default: beside each input), or the output file for a bounce. */
  out?: string;
  options?: Record<string, unknown>;
  key?: string;
  /** bounce: per-input gain (dB) and pan (−1 … 1), by file path or base name. */
  gains?: Record<string, number>;
  pans?: Record<string, number>;
  /** strip-silence on a multitrack set: a threshold per track (by path or base name); others share `options.threshold`. */
  thresholds?: Record<string, number>;
  render?: boolean;
};

const num = (o: Record<string, unknown> | undefined, k: string, d: number): number => {
  const v = o?.[k];
  if (v === undefined) return d;
  if (typeof v !== 'number' || !Number.isFinite(v))
    throw new RadError('E_PREP_OPTION', `option ${k} must be a number (got ${JSON.stringify(v)})`);
  return v;
};

const flag = (o: Record<string, unknown> | undefined, k: string, d: boolean): boolean => {
  const v = o?.[k];
  if (v === undefined) return d;
  // the API's JSON schema may hand a boolean over as 1 or 0 (its options are numbers or booleans)
  if (v === false || v === 0) return false;
  if (v === true || v === 1) return true;
  throw new RadError('E_PREP_OPTION', `option ${k} must be true or false (got ${JSON.stringify(v)})`);
};

/** `take.wav` → `<dir>/take.<suffix>`; never the input itself. */
function outPath(input: string, out: string | undefined, suffix: string): string {
  const dir = out ?? dirname(input);
  const p = resolve(join(dir, `${basename(input, extname(input))}.${suffix}`));
  if (p === resolve(input)) throw new RadError('E_OUTPUT_IS_INPUT', `refusing to write over the input ${input}`);
  if (out && (!existsSync(out) || !statSync(out).isDirectory()))
    throw new RadError('E_OUTPUT_DIR', `output folder ${out} does not exist`);
  return p;
}

/** Every file a job will write, before it runs (the API checks each against its roots). */
export function plannedOutputs(kind: PrepKind, a: PrepArgs): string[] {
  const name = (input: string, suffix: string) =>
    resolve(join(a.out ?? dirname(input), `${basename(input, extname(input))}.${suffix}`));
  const per = (suffixes: string[]) => a.inputs.flatMap((i) => suffixes.map((s) => name(i, s)));
  switch (kind) {
    case 'strip-silence':
      return per(['regions.csv', 'reaper-items.txt', ...(a.render === false ? [] : ['stripped.wav'])]);
    case 'gate':
      return per(['gated.wav']);
    case 'declick':
      return per(['declicked.wav', 'declick.csv']);
    case 'vocal':
      return per(['vocal.wav', 'vocal.csv']);
    case 'bounce':
      return a.out ? [resolve(a.out)] : [];
  }
}

/** Runs one prep job to completion (inside a worker). Inputs are only ever read. */
export function runPrepJob(kind: PrepKind, a: PrepArgs, progress: (f: number) => void): unknown {
  if (!Array.isArray(a.inputs) || a.inputs.length === 0) throw new RadError('E_PREP_INPUTS', 'no input files');
  for (const f of a.inputs) readWavInfo(f); // every input is a readable WAV before any work starts
  const o = a.options;
  const per = (i: number) => (f: number) => progress((i + f) / a.inputs.length);
  switch (kind) {
    case 'strip-silence': {
      const opts = {
        thresholdDb: num(o, 'threshold', SILENCE_DEFAULTS.thresholdDb),
        minRegionMs: num(o, 'min_region_ms', SILENCE_DEFAULTS.minRegionMs),
        minGapMs: num(o, 'min_gap_ms', SILENCE_DEFAULTS.minGapMs),
        preMs: num(o, 'pre_ms', SILENCE_DEFAULTS.preMs),
        postMs: num(o, 'post_ms', SILENCE_DEFAULTS.postMs),
        fadeMs: num(o, 'fade_ms', SILENCE_DEFAULTS.fadeMs),
      };
      const pickThr = (f: string) =>
        a.thresholds?.[f] ?? a.thresholds?.[basename(f)] ?? a.thresholds?.[basename(f, extname(f))];
      return a.inputs.map((input, i) => {
        const { peaks, hop, info } = hopPeaks(input, (f) => per(i)(a.render === false ? f : f / 2));
        const regions = findRegions(peaks, hop, info.sampleRate, info.frames, {
          ...opts,
          thresholdDb: pickThr(input) ?? opts.thresholdDb,
        });
        const csv = outPath(input, a.out, 'regions.csv');
        writeFileAtomic(csv, regionsCsv(regions));
        const items = outPath(input, a.out, 'reaper-items.txt');
        writeFileAtomic(items, regionsReaperItems(regions, resolve(input)));
        let rendered: string | undefined;
        if (a.render !== false) {
          rendered = outPath(input, a.out, 'stripped.wav');
          renderRegions(input, rendered, regions, opts.fadeMs, (f) => per(i)(0.5 + f / 2));
        }
        return {
          input,
          regions: regions.length,
          sound_s: regions.reduce((s, r) => s + r.end_s - r.start_s, 0),
          duration_s: info.frames / info.sampleRate,
          csv,
          reaper_items: items,
          rendered,
        };
      });
    }
    case 'gate': {
      const opts = {
        thresholdDb: num(o, 'threshold', GATE_DEFAULTS.thresholdDb),
        rangeDb: num(o, 'range', GATE_DEFAULTS.rangeDb),
        attackMs: num(o, 'attack_ms', GATE_DEFAULTS.attackMs),
        holdMs: num(o, 'hold_ms', GATE_DEFAULTS.holdMs),
        releaseMs: num(o, 'release_ms', GATE_DEFAULTS.releaseMs),
        lookaheadMs: num(o, 'lookahead_ms', GATE_DEFAULTS.lookaheadMs),
        hysteresisDb: num(o, 'hysteresis', GATE_DEFAULTS.hysteresisDb),
      };
      if (a.key) readWavInfo(a.key);
      return a.inputs.map((input, i) => {
        const out = outPath(input, a.out, 'gated.wav');
        return { input, out, key: a.key, ...gateFile(input, out, opts, a.key, per(i)) };
      });
    }
    case 'declick': {
      const opts = {
        order: num(o, 'order', DECLICK_DEFAULTS.order),
        sensitivity: num(o, 'sensitivity', DECLICK_DEFAULTS.sensitivity),
        maxClickMs: num(o, 'max_click_ms', DECLICK_DEFAULTS.maxClickMs),
      };
      const pops = flag(o, 'pops', true)
        ? {
            ...DEPOP_DEFAULTS,
            riseDb: num(o, 'pop_rise_db', DEPOP_DEFAULTS.riseDb),
            maxPopMs: num(o, 'max_pop_ms', DEPOP_DEFAULTS.maxPopMs),
          }
        : null;
      return a.inputs.map((input, i) => {
        const out = outPath(input, a.out, 'declicked.wav');
        const { repairs, result } = declickFile(input, out, opts, per(i), pops);
        const report = outPath(input, a.out, 'declick.csv');
        writeFileAtomic(
          report,
          `kind,channel,start_s,start_sample,length_samples,removed_dbfs\n${repairs.map((r) => `${r.kind},${r.channel + 1},${r.start_s.toFixed(6)},${r.start},${r.length},${r.removed_dbfs}`).join('\n')}${repairs.length ? '\n' : ''}`,
        );
        const count = (k: string) => repairs.filter((r) => r.kind === k).length;
        return { input, out, report, repairs: repairs.length, clicks: count('click'), pops: count('pop'), ...result };
      });
    }
    case 'vocal': {
      const opts: VocalOptions = {
        deess: flag(o, 'deess', false),
        deessMaxDb: num(o, 'deess_max_db', VOCAL_DEFAULTS.deessMaxDb),
        breathsDb: o?.breaths === undefined || o.breaths === null ? null : num(o, 'breaths', -12),
        denoise: flag(o, 'denoise', false),
        denoiseDb: num(o, 'denoise_db', VOCAL_DEFAULTS.denoiseDb),
      };
      return a.inputs.map((input, i) => {
        const out = outPath(input, a.out, 'vocal.wav');
        const { report, result } = vocalFile(input, out, opts, per(i));
        const csv = outPath(input, a.out, 'vocal.csv');
        const rows = [
          ...(report.breaths?.spans ?? []).map(
            (sp) => `breath,${sp.start_s},${sp.end_s},${report.breaths!.lowered_db}`,
          ),
          ...(report.deess?.spans ?? []).map((sp) => `sibilance,${sp.start_s},${sp.end_s},`),
        ].sort((x, y) => Number(x.split(',')[1]) - Number(y.split(',')[1]));
        writeFileAtomic(csv, `kind,start_s,end_s,lowered_db\n${rows.join('\n')}${rows.length ? '\n' : ''}`);
        return {
          input,
          out,
          report: csv,
          ...(report.denoise ? { denoise: report.denoise } : {}),
          ...(report.breaths
            ? { breaths: { count: report.breaths.count, lowered_db: report.breaths.lowered_db } }
            : {}),
          ...(report.deess ? { deess: { ...report.deess, spans: undefined } } : {}),
          ...result,
        };
      });
    }
    case 'bounce': {
      if (!a.out) throw new RadError('E_PREP_OUT', 'a bounce needs --out stem.wav');
      if (a.inputs.some((f) => resolve(f) === resolve(a.out!)))
        throw new RadError('E_OUTPUT_IS_INPUT', `refusing to bounce over an input (${a.out})`);
      const pick = (m: Record<string, number> | undefined, f: string) =>
        m?.[f] ?? m?.[basename(f)] ?? m?.[basename(f, extname(f))];
      const channels = num(o, 'channels', 2) === 1 ? 1 : 2;
      return bounce(
        a.inputs.map((path) => ({ path, gainDb: pick(a.gains, path), pan: pick(a.pans, path) })),
        a.out,
        { channels, onProgress: progress },
      );
    }
  }
}
