// Own code: no npm package repairs clicks by AR interpolation (the method of Godsill & Rayner's book).
import { median } from '../tonebank.ts';
import { burgAr, interpolateAr } from './ar.ts';
import { type DepopOptions, depopChannel } from './depop.ts';
import { WavReader, WavWriter } from './wav.ts';

export type DeclickOptions = {
  /** AR model order. */
  order: number;
  /** Detection threshold in robust standard deviations of the prediction residual. */
  sensitivity: number;
  /** Longest click repaired (ms); longer disturbances are reported, not touched. */
  maxClickMs: number;
};
export const DECLICK_DEFAULTS: DeclickOptions = { order: 48, sensitivity: 10, maxClickMs: 2 };

export type Repair = {
  channel: number;
  start: number;
  length: number;
  start_s: number;
  /** What was found: a click (re-drawn) or a pop (its modelled thump taken off). */
  kind?: 'click' | 'pop';
  /** Level of what the repair took off (RMS of the change over the repair, dBFS). */
  removed_dbfs?: number;
};

const BLOCK = 4096;

/** Levinson–Durbin on the autocorrelation of x: AR coefficients a[1..p] (x[n] ≈ Σ a_k x[n−k]). */
export function fitAr(x: Float64Array, p: number): Float64Array {
  const n = x.length;
  const r = new Float64Array(p + 1);
  for (let k = 0; k <= p; k++) {
    let s = 0;
    for (let i = k; i < n; i++) s += x[i]! * x[i - k]!;
    r[k] = s;
  }
  r[0]! *= 1 + 1e-9; // a whisper of white noise keeps silence well-conditioned
  const a = new Float64Array(p + 1);
  const tmp = new Float64Array(p + 1);
  let err = r[0]!;
  if (err <= 0) return a;
  for (let i = 1; i <= p; i++) {
    let acc = r[i]!;
    for (let j = 1; j < i; j++) acc -= a[j]! * r[i - j]!;
    const k = acc / err;
    tmp.set(a);
    a[i] = k;
    for (let j = 1; j < i; j++) a[j] = tmp[j]! - k * tmp[i - j]!;
    err *= 1 - k * k;
    if (err <= 0) break;
  }
  return a;
}

/**
 * Finds and repairs clicks in one channel held in memory as float64: blocks of 4096 samples get
 * their own AR model; samples whose prediction residual exceeds `sensitivity` robust standard
 * deviations (1.4826 · median |e|) mark a click; each click is re-drawn by LSAR interpolation.
 */
export function declickChannel(x: Float64Array, sampleRate: number, o: DeclickOptions, channel = 0): Repair[] {
  // a second pass catches clicks whose neighbours spoilt the first (two clicks within p samples)
  // (and what is left of a long click beside a first-pass repair: the two become one repair)
  // A block the first pass left alone, with no repair within 2048 samples of it, would read the
  // same samples in the second pass and find the same nothing: only blocks near a repair go again.
  const first = declickPass(x, sampleRate, o, channel, []);
  const near = first.map((r) => [r.start - 2048, r.start + r.length + 2048] as const);
  const again = (a: number, b: number) => near.some(([lo, hi]) => lo < b && hi > a);
  return declickPass(x, sampleRate, o, channel, first, again).sort((a, b) => a.start - b.start);
}

function declickPass(
  x: Float64Array,
  sampleRate: number,
  o: DeclickOptions,
  channel: number,
  earlier: Repair[],
  blocks: (start: number, end: number) => boolean = () => true,
): Repair[] {
  const p = o.order;
  const maxLen = Math.max(2, Math.round((o.maxClickMs * sampleRate) / 1000));
  const repairs: Repair[] = [];
  const e = new Float64Array(BLOCK);
  const abs = new Float64Array(BLOCK);
  for (let start = p; start < x.length; start += BLOCK) {
    const end = Math.min(x.length, start + BLOCK);
    if (!blocks(start, end)) continue;
    const n = end - start;
    // the model comes from a window around the block (clicks barely move an order-24 fit)
    const w0 = Math.max(0, start - 512);
    const a = fitAr(x.subarray(w0, Math.min(x.length, end + 512)), p);
    for (let i = 0; i < n; i++) {
      const t = start + i;
      let pred = 0;
      for (let k = 1; k <= p; k++) pred += a[k]! * x[t - k]!;
      e[i] = x[t]! - pred;
      abs[i] = Math.abs(e[i]!);
    }
    // in (near) digital silence the residual scale collapses; nothing under −80 dBFS is a click
    const sigma = Math.max(1.4826 * median(abs.subarray(0, n)), 1e-4);
    const thr = o.sensitivity * sigma;
    let i = 0;
    while (i < n) {
      if (Math.abs(e[i]!) <= thr || !standsOut(e, i, n, 1.2 * o.sensitivity)) {
        i++;
        continue;
      }
      // a click: a run of residual spikes (gaps of up to 3 samples); its decaying tail predicts
      // well and hides from the residual, so the repair reaches a margin beyond the run
      let last = i;
      for (let j = i + 1; j < n && j <= last + 3; j++) if (Math.abs(e[j]!) > thr) last = j;
      // …and its tail: a decaying click predicts partly from itself, so its residual falls under
      // the detection threshold before the click ends; follow it down to a fifth of it
      // (only a long click has such a tail: a short one's neighbours are programme)
      const thrTail = thr / 5;
      if (last - i + 1 >= 6)
        for (let j = last + 1; j < n && j <= last + 3 && j - i < maxLen; j++) if (Math.abs(e[j]!) > thrTail) last = j;
      const margin = Math.max(8, Math.round(sampleRate / 6000));
      // a click that rings (a burst the block's model half-predicts) outlasts both: its end is
      // found from the far side, predicting backwards from clean audio beyond the longest click
      last = Math.max(last, clickEndFromRight(x, start + i, start + last, maxLen, margin, p, o) - start);
      let s = start + i - 2;
      let len = last - i + 1 + 2 + margin;
      // what is left of a click just repaired (its tail hid from the residual): one repair over both
      // a repair just before this one (this pass's, or the first pass's when this is the second)
      const near = (r: Repair) =>
        r.start < s && s <= r.start + r.length + 4 && s + len - r.start <= maxLen + 2 + margin;
      const prevAt = repairs.length > 0 && near(repairs[repairs.length - 1]!) ? repairs.length - 1 : -1;
      const earlierAt = prevAt < 0 ? earlier.findIndex(near) : -1;
      const prev = prevAt >= 0 ? repairs[prevAt] : earlierAt >= 0 ? earlier[earlierAt] : undefined;
      if (prev) {
        len = s + len - prev.start;
        s = prev.start;
        if (prevAt >= 0) repairs.splice(prevAt, 1);
        else earlier.splice(earlierAt, 1);
      }
      if (last - i + 1 <= maxLen && s > p && s + len + p < x.length) {
        // the block's model saw the click (broadband, loud): re-fit it on the audio either side
        // by Burg over the two sides (never across the gap, no window: a voiced sound's pitch
        // harmonics stay sharp), of an order three times the gap (a long gap needs the model to
        // reach back over it; a pitch period of voiced speech is 100–500 samples)
        const order = Math.min(Math.max(p, 3 * len), 400);
        const clean = burgAr(
          [x.subarray(Math.max(0, s - 1024), s), x.subarray(s + len, Math.min(x.length, s + len + 1024))],
          order,
        );
        interpolateAr(x, s, len, clean);
        repairs.push({ channel, start: s, length: len, start_s: s / sampleRate });
        // the repair changed the samples the residual was computed from: recompute ahead
        for (let j = last + 1; j < Math.min(n, last + 1 + p + len); j++) {
          const t = start + j;
          let pred = 0;
          for (let k = 1; k <= p; k++) pred += a[k]! * x[t - k]!;
          e[j] = x[t]! - pred;
        }
      }
      i = last + 1;
    }
  }
  return [...earlier, ...repairs];
}

/**
 * The last sample of a click that starts at t0 and was seen up to `from`: an AR model fitted on
 * the audio before t0 and after the longest click predicts each sample from the `p` after it (a
 * stationary model predicts backwards with the same coefficients), so a sample's error is clean of
 * the click once the click is behind it; walking on from `from`, the click goes on while a sample
 * within the next four has a backward prediction error over the detection threshold (in robust
 * units of the same error on the clean side).
 */
function clickEndFromRight(
  x: Float64Array,
  t0: number,
  from: number,
  maxLen: number,
  margin: number,
  p: number,
  o: DeclickOptions,
): number {
  const far = t0 + maxLen + margin;
  const W = 1024;
  if (t0 - W < 0 || far + W + p >= x.length) return from;
  const ctx = new Float64Array(2 * W);
  ctx.set(x.subarray(t0 - W, t0));
  ctx.set(x.subarray(far, far + W), W);
  const a = fitAr(ctx, p);
  const back = (t: number) => {
    let pred = 0;
    for (let k = 1; k <= p; k++) pred += a[k]! * x[t + k]!;
    return x[t]! - pred;
  };
  const abs = new Float64Array(W / 2);
  for (let j = 0; j < abs.length; j++) abs[j] = Math.abs(back(far + j));
  const thr = o.sensitivity * Math.max(1.4826 * median(abs), 1e-4);
  let end = from;
  for (let t = from + 1; t < t0 + maxLen && t - end <= 3; t++) if (Math.abs(back(t)) > thr) end = t;
  return end;
}

/**
 * A click stands out from its own neighbourhood too: the residual of voiced speech is a train of
 * excitation pulses that exceed a block-wide robust threshold, but not their local level
 * (RMS of the residual within ±5 ms, the candidate's own ±8 samples left out).
 */
function standsOut(e: Float64Array, i: number, n: number, k: number): boolean {
  let s = 0;
  let m = 0;
  for (let j = Math.max(0, i - 240); j < Math.min(n, i + 240); j++) {
    if (j >= i - 8 && j <= i + 8) continue;
    s += e[j]! * e[j]!;
    m++;
  }
  return m === 0 || Math.abs(e[i]!) > k * Math.sqrt(s / m);
}

/**
 * Declicks a file (each channel), and takes out pops too unless `pops` is null, writing the
 * repaired copy and returning every repair made (clicks first in each chunk, then pops).
 */
export function declickFile(
  input: string,
  output: string,
  o: DeclickOptions,
  onProgress?: (f: number) => void,
  pops: DepopOptions | null = null,
): { repairs: Repair[]; result: ReturnType<WavWriter['close']> } {
  const r = new WavReader(input);
  const { channels, frames, sampleRate } = r.info;
  // one channel at a time in float64; chunked with overlap so an hour-long file streams (the
  // overlap holds a pop's context: 100 ms either side, so a pop too near a chunk's end for its
  // repair is repaired in the next chunk, which starts 200 ms earlier)
  const CHUNK = sampleRate * 30;
  const OVER = Math.max(4096, Math.round(0.25 * sampleRate));
  const w = new WavWriter(output, { sampleRate, channels, format: r.info.format, extraChunks: r.info.extraChunks });
  const repairs: Repair[] = [];
  try {
    let carry: Float32Array[] | undefined; // the last OVER samples of the previous chunk (already repaired)
    for (let pos = 0; pos < frames; ) {
      const blk = r.read(CHUNK);
      if (!blk) break;
      const n = blk[0]!.length;
      const out: Float32Array[] = [];
      for (let c = 0; c < channels; c++) {
        const head = carry?.[c] ?? new Float32Array(0);
        const x = new Float64Array(head.length + n);
        x.set(head);
        x.set(blk[c]!, head.length);
        const before = Float64Array.from(x);
        const found: Repair[] = declickChannel(x, sampleRate, o, c).map((rep) => ({ ...rep, kind: 'click' as const }));
        if (pops) for (const p of depopChannel(x, sampleRate, pops, c)) found.push({ ...p, kind: 'pop' });
        for (const rep of found) {
          // the level taken off: RMS of the change over the repair, in dBFS
          let d = 0;
          for (let i = rep.start; i < rep.start + rep.length; i++) d += (before[i]! - x[i]!) ** 2;
          const removed_dbfs = Math.round(10 * Math.log10(Math.max(d / rep.length, 1e-20)) * 10) / 10;
          const abs = pos - head.length + rep.start;
          repairs.push({ ...rep, start: abs, start_s: abs / sampleRate, removed_dbfs });
        }
        out.push(Float32Array.from(x));
      }
      // emit everything except the tail kept for the next chunk's context
      const last = r.position >= frames;
      const keep = last ? 0 : Math.min(OVER, n);
      w.write(out.map((x) => x.subarray(0, x.length - keep)));
      carry = keep > 0 ? out.map((x) => x.slice(x.length - keep)) : undefined;
      pos = r.position;
      onProgress?.(pos / frames);
    }
  } catch (e) {
    w.abort();
    throw e;
  } finally {
    r.close();
  }
  repairs.sort((a, b) => a.start - b.start || a.channel - b.channel);
  // a click near a chunk seam may be found twice (from both sides): keep one
  const unique = repairs.filter(
    (rep, i) =>
      i === 0 ||
      rep.channel !== repairs[i - 1]!.channel ||
      rep.kind !== repairs[i - 1]!.kind ||
      rep.start - repairs[i - 1]!.start > rep.length,
  );
  return { repairs: unique, result: w.close() };
}
