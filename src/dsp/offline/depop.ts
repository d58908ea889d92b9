// Pops: low thumps of 1–12 ms (plosives on a vocal mic, a cable knock, a sticky mute) found as a
// short bump of the band under ~150 Hz, or, under a bass line or a kick's tail, as a short stretch
// that an AR model of the band either side cannot draw; taken out by subtracting a model of the thump.
// Own code: no npm package detects or removes pops.
import FFT from 'fft.js';
import { burgAr, interpolateAr, solveSpd } from './ar.ts';
import { lowpassZeroPhase, lowpassZeroPhaseGentle } from './filters.ts';

export type DepopOptions = {
  /** A pop's energy is looked for under this frequency (Hz). */
  cutoffHz: number;
  /** How far (dB) the band's mean level over the event stands above the 20 ms either side. */
  riseDb: number;
  /** Longest pop (ms): a low-band rise that lasts longer is programme (a kick, a bass note, a voiced sound). */
  maxPopMs: number;
};
export const DEPOP_DEFAULTS: DepopOptions = { cutoffHz: 150, riseDb: 8, maxPopMs: 12 };
/** How far (dB) a stretch's two-sided interpolation misses, over the model's own error, to hold a pop. */
const CONTINUITY_DB = 30;
/** The first pass's bar (dB of prediction error over the model's own) for where to run that test. */
const PREFILTER_DB = 25;
/** 10–80 ms after an onset: how far (dB) a stretch's backward prediction from the side after it misses, over that side's model error. */
const AFTER_ONSET_DB = 24;
/** ...tested there only where the side after is a steady low programme: its model predicts it this far (dB) down. */
const STEADY_DB = 35;
/**
 * How far (dB) under either detector's bar (`riseDb`, `CONTINUITY_DB`) a candidate may fall and
 * still be taken out, when a thump explains it: its fit lowers the BIC of the whitened band by
 * `FIT_BIC` or more (a voice's own bumps there: −40…+17, its plosive-like bursts up to ~100;
 * pops mostly 150–400).
 */
const MARGINAL_DB = 5;
const FIT_BIC = 110;
/** The band this much louder (dB) after a stretch than before it: an onset, not a pop. */
const ONSET_DB = 6;
/** The band this much quieter (dB) after a stretch than before it: a sound's end (a kick's decay is less). */
const END_DB = 10;

export type PopRepair = {
  channel: number;
  start: number;
  length: number;
  start_s: number;
};

/**
 * Finds pops in one channel held in memory and removes them in place. The band under
 * `cutoffHz` is measured in 1 ms frames (its analytic envelope, through a gentle zero-phase
 * filter that barely rings); a pop is a peak whose extent (down to a tenth of it, or to twice the
 * band's median level around it) lasts no longer than `maxPopMs`, and whose mean over that
 * extent stands `riseDb` above the band's level 5–25 ms before and after it. A longer rise is
 * programme and left alone: a kick drum or a bass note, or a voiced sound, which sustain for tens
 * of milliseconds. Then pops that loud low programme (a bass line, a kick's tail) hides from the
 * band's level are looked for as breaks in its continuity (`continuityPops`).
 */
export function depopChannel(x: Float64Array, fs: number, o: DepopOptions, channel = 0): PopRepair[] {
  const F = Math.max(1, Math.round(fs / 1000));
  const frames = Math.floor(x.length / F);
  if (frames < 120) return [];
  // the band's envelope at 1 kHz: squared magnitude of the analytic signal (a steady low note is
  // a flat line, not a 100 Hz ripple that would cut a kick's tail into pop-sized pieces)
  const y = lowpassZeroPhaseGentle(x, fs, o.cutoffHz);
  const env = analyticPower(y, F, frames);
  const mean = (a: number, b: number) => {
    let s = 0;
    for (let f = a; f < b; f++) s += env[f]!;
    return s / (b - a);
  };
  // a pop worth a repair is heard: the band peaks over −60 dBFS (a noise floor’s own bumps do not)
  const floor = 1e-6;
  const rise = 10 ** (o.riseDb / 10);
  const marginal = 10 ** (MARGINAL_DB / 10);
  const maxFrames = Math.ceil(o.maxPopMs);
  const repairs: PopRepair[] = [];
  // the band's usual level: the median of ±50 ms, taken once per 10 ms and shared by the peaks in it
  const medians = new Float64Array(Math.ceil(frames / 10));
  const usual = (f: number) => {
    const k = Math.floor(f / 10);
    if (medians[k] === 0) {
      const c = k * 10 + 5;
      const w = Array.from(env.subarray(Math.max(0, c - 50), Math.min(frames, c + 51))).sort((p, q) => p - q);
      medians[k] = w[w.length >> 1]! || Number.MIN_VALUE;
    }
    return medians[k]!;
  };
  // the repair needs ~100 ms of audio either side: a pop nearer an end of x is left for the
  // caller's next chunk (or, at the ends of the file, alone)
  const edge = 100;
  for (let f = edge; f < frames - edge; f++) {
    const pk = env[f]!;
    if (pk < floor) continue;
    let isMax = true;
    for (let g = f - 3; g <= f + 3 && isMax; g++) if (env[g]! > pk) isMax = false;
    if (!isMax) continue;
    // its extent: down to a tenth of the peak, or to twice the band's usual level around it (the
    // median of ±50 ms) where that is higher: a pop on a voice ends where the voice's own level is
    const lvl = Math.max(pk / 10, 2 * usual(f));
    let s = f;
    let e = f;
    let higher = false;
    while (f - s <= maxFrames && env[s - 1]! > lvl) if (env[--s]! > pk) higher = true;
    while (e - f <= maxFrames && env[e + 1]! > lvl) if (env[++e]! > pk) higher = true;
    // a shoulder of a higher peak (the band filter's ripple before a pop in silence): that peak
    // is looked at when the scan reaches it (skipping past it here missed loud pops in pauses)
    if (higher) continue;
    if (e - s + 1 > maxFrames) {
      f = e; // a sustained rise: nothing inside it is looked at again
      continue;
    }
    const sides = Math.max(mean(s - 25, s - 5), mean(e + 6, e + 26), floor / 100);
    const over = mean(s, e + 1) / sides;
    if (over < rise / marginal) continue;
    // the thump in samples: where the band stands within 6 dB of the peak (the envelope is the
    // pop smeared by the band's filter; measured on the corpus, a tighter window fits a short
    // thump's shape better), 1 ms wider each side
    const half = Math.max(pk / 4, lvl);
    let rs = f;
    let re = f;
    while (rs > s && env[rs - 1]! > half) rs--;
    while (re < e && env[re + 1]! > half) re++;
    const a0 = (rs - 1) * F;
    const b0 = (re + 2) * F;
    // under the bar but near it: taken out only where a thump explains it well
    const done = subtractPop(x, fs, a0, b0, 0, over < rise ? FIT_BIC : Number.NEGATIVE_INFINITY);
    if (done) repairs.push({ channel, start: done[0], length: done[1] - done[0], start_s: done[0] / fs });
    f = e + 1;
  }
  // then the pops the band's level does not show: under a bass note or a kick's tail
  for (const [a0, b0] of continuityPops(x, fs, repairs)) {
    const done = subtractPop(x, fs, a0, b0, 1.5);
    if (done) repairs.push({ channel, start: done[0], length: done[1] - done[0], start_s: done[0] / fs });
  }
  // a thump fitted over too short a stretch leaves its tails, which break the band again: one more
  // look where a repair was made, and what is found there is taken off too (one repair, widened).
  // Measured on music (seeds 7, 11–16 / 19–22): 0.6–1.2 dB closer on average; a third look did harm
  // (in a window of ±300 ms around each repair: the look tests from 100 ms inside its ends)
  const tol = Math.round(0.005 * fs);
  const reach = Math.round(0.3 * fs);
  const windows: Array<[number, number]> = [];
  for (const r of [...repairs].sort((p, q) => p.start - q.start)) {
    const w0 = Math.max(0, r.start - reach);
    const w1 = Math.min(x.length, r.start + r.length + reach);
    const last = windows[windows.length - 1];
    if (last && w0 <= last[1]) last[1] = Math.max(last[1], w1);
    else windows.push([w0, w1]);
  }
  const second = windows.flatMap(([w0, w1]) =>
    continuityPops(x.subarray(w0, w1), fs, []).map(([a0, b0]): [number, number] => [a0 + w0, b0 + w0]),
  );
  for (const [a0, b0] of second) {
    const hit = repairs.find((t) => t.start < b0 + tol && t.start + t.length > a0 - tol);
    if (!hit) continue;
    const done = subtractPop(x, fs, a0, b0, 1.5);
    if (!done) continue;
    const end = Math.max(hit.start + hit.length, done[1]);
    hit.start = Math.min(hit.start, done[0]);
    hit.length = end - hit.start;
    hit.start_s = hit.start / fs;
  }
  repairs.sort((p, q) => p.start - q.start);
  return repairs;
}

/**
 * Pops under a steady low programme (a bass note, a kick's tail), where the band's level barely
 * rises. The band under 200 Hz, decimated to ~1 kHz, is locally an AR process; a 12 ms stretch
 * that holds a pop is one its two-sided AR interpolation (Burg, order 12, on 40 ms either side)
 * misses by far more than the model's own error there (30 dB, `CONTINUITY_DB`). An onset (a kick,
 * a note: the band in the 40 ms after it 6 dB louder than in the 40 ms before) breaks the model
 * too, and the two-sided test leaves the 25 ms after it alone (the attack's sweep breaks it as
 * well); 10–80 ms after it the stretch is tested from the side after it alone. A moderate 'onset'
 * (6–10 dB) that a thump explains is a pop, and a break up to `MARGINAL_DB` under the bar is one
 * when a thump explains it. A pop at a
 * sound's end (the band 10 dB quieter after; a kick's decay over those 50 ms is 5–7 dB) is the
 * level detector's to find.
 * A cheap pass picks where to test: each 20 ms block's prediction error forward, from a model of
 * the 50 ms before it, and backward, from one of the 50 ms after it (a kick's attack spoils one of
 * the two, not both), 25 dB over that model's own error. Returns extents [start, end) in samples
 * of x, none within 5 ms of `taken`.
 */
function continuityPops(x: Float64Array, fs: number, taken: PopRepair[]): Array<[number, number]> {
  const D = Math.max(1, Math.round(fs / 1000));
  const fsd = fs / D;
  const yd = lowBand(x, fs, fsd / 5, D);
  const nd = yd.length;
  const L = Math.round(0.012 * fsd);
  const W = Math.round(0.04 * fsd);
  const p = 12;
  const H = Math.round(0.02 * fsd);
  const fitLen = Math.round(0.05 * fsd);
  const step = Math.max(1, Math.round(0.002 * fsd));
  // a pop's repair needs ~100 ms either side: nearer an end of x it is left for the next chunk
  const margin = Math.round(0.1 * fsd);
  const look = new Uint8Array(nd);
  const mark = Math.round(0.006 * fsd);
  const flag = 10 ** (PREFILTER_DB / 10);
  for (let b = Math.max(fitLen, margin); b + H + fitLen < nd - margin; b += H) {
    for (const dir of [1, -1]) {
      const fit = dir === 1 ? yd.subarray(b - fitLen, b) : yd.subarray(b + H, b + H + fitLen);
      const a = burgAr([fit], p);
      const s2 = predictionErrorPower(fit, a) / (fitLen - p) + 1e-30;
      for (let n = b; n < b + H; n++) {
        let e = yd[n]!;
        for (let l = 1; l <= p; l++) e -= a[l]! * yd[n - dir * l]!;
        if (e * e > flag * s2) for (let m = Math.max(0, n - mark); m <= Math.min(nd - 1, n + mark); m++) look[m] = 1;
      }
    }
  }
  // the two-sided test on a 2 ms grid, where the first pass flagged
  const first = Math.max(W + L + p, margin); // and as far from the end
  const grid = Math.max(0, Math.floor((nd - 2 * first) / step));
  const S = new Float64Array(grid);
  const ratio = new Float64Array(grid);
  const gapMax = new Float64Array(grid);
  const seg = new Float64Array(2 * W + L);
  for (let i = 0; i < grid; i++) {
    const c = first + i * step;
    if (!look[c]) continue;
    const g0 = c - (L >> 1);
    const left = yd.subarray(g0 - W, g0);
    const right = yd.subarray(g0 + L, g0 + L + W);
    const a = burgAr([left, right], p);
    const s2 = (predictionErrorPower(left, a) + predictionErrorPower(right, a)) / (2 * (W - p));
    let eb = 0;
    let ea = 0;
    for (let n = 0; n < W; n++) {
      eb += left[n]! ** 2;
      ea += right[n]! ** 2;
    }
    seg.set(yd.subarray(g0 - W, g0 + L + W));
    interpolateAr(seg, W, L, a);
    let err = 0;
    let gm = 0;
    for (let k = 0; k < L; k++) {
      err += (yd[g0 + k]! - seg[W + k]!) ** 2;
      gm = Math.max(gm, yd[g0 + k]! ** 2);
    }
    S[i] = err / (L * s2 + 1e-30);
    ratio[i] = 10 * Math.log10((ea + 1e-30) / (eb + 1e-30));
    gapMax[i] = gm;
  }
  const thr = 10 ** (CONTINUITY_DB / 10);
  const thrWeak = 10 ** ((CONTINUITY_DB - MARGINAL_DB) / 10);
  const after = Math.round((0.025 * fsd) / step);
  const isPeak = (i: number, t = thr) => {
    if (S[i]! <= t) return false;
    for (let j = Math.max(0, i - 3); j <= Math.min(grid - 1, i + 3); j++)
      if (S[j]! > S[i]! || (S[j] === S[i] && j < i)) return false;
    return true;
  };
  // just after an onset the side before a stretch is the attack's sweep, which no AR model draws:
  // there (10–80 ms after it) a stretch is tested from the side after it alone — its backward
  // prediction error against that side's model (`AFTER_ONSET_DB`) — where that side is a steady
  // low programme (a kick's or a bass note's tail, predicted `STEADY_DB` down; a voice is not).
  // From 10 ms on, not 25: the steadiness bar already keeps the sweep out (measured on the music:
  // no false pop from 5 ms on, one at every beat from 0 ms), and pops 25–30 ms after a kick were missed
  const zoneStart = Math.round((0.01 * fsd) / step);
  const zoneEnd = Math.round((0.08 * fsd) / step);
  const SR = new Float64Array(grid).fill(-1);
  const PG = new Float64Array(grid);
  const backward = (i: number) => {
    if (SR[i]! >= 0) return SR[i]!;
    const g0 = first + i * step - (L >> 1);
    const right = yd.subarray(g0 + L, g0 + L + W);
    const a = burgAr([right], p);
    const s2 = predictionErrorPower(right, a) / (W - p);
    let err = 0;
    for (let k = 0; k < L; k++) {
      let e = yd[g0 + k]!;
      for (let l = 1; l <= p; l++) e -= a[l]! * yd[g0 + k + l]!;
      err += e * e;
    }
    SR[i] = err / (L * s2 + 1e-30);
    let pw = 0;
    for (let n = 0; n < W; n++) pw += right[n]! ** 2;
    PG[i] = pw / W / (s2 + 1e-30);
    return SR[i]!;
  };
  const thrAfter = 10 ** (AFTER_ONSET_DB / 10);
  const steady = 10 ** (STEADY_DB / 10);
  const isPeakAfter = (i: number) => {
    if (backward(i) <= thrAfter || PG[i]! < steady) return false;
    for (let j = Math.max(0, i - 3); j <= Math.min(grid - 1, i + 3); j++) {
      const v = look[first + j * step] ? backward(j) : 0;
      if (v > SR[i]! || (v === SR[i] && j < i)) return false;
    }
    return true;
  };
  const out: Array<[number, number]> = [];
  const tol = Math.round(0.005 * fs);
  const extentAt = (i: number) => {
    const g0 = first + i * step - (L >> 1);
    return popExtent(x, fs, g0 * D - Math.round(0.002 * fs), (g0 + L) * D + Math.round(0.002 * fs));
  };
  const free = ([a0, b0]: [number, number]) =>
    !taken.some((t) => t.start < b0 + tol && t.start + t.length > a0 - tol) &&
    !out.some(([s0, e0]) => s0 < b0 + tol && e0 > a0 - tol);
  let lastOnset = Number.NEGATIVE_INFINITY;
  let lastWeakOnset = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < grid; i++) {
    const peak = isPeak(i);
    const audible = look[first + i * step] === 1 && gapMax[i]! >= 1e-6; // tested, and over −60 dBFS
    const since = i - lastOnset;
    // an onset under the bar (a beat whose attack breaks the band by 25–30 dB) still opens the
    // one-sided test's zone after it, but leaves the two-sided test alone
    if (!peak && ratio[i]! >= ONSET_DB && isPeak(i, thrWeak)) lastWeakOnset = i;
    if (peak && ratio[i]! >= ONSET_DB) {
      // a pop can raise the band after it as an onset does: where the rise is moderate (under
      // END_DB) and a thump explains the stretch well, it is a pop, and no onset
      if (audible && since > after && ratio[i]! < END_DB) {
        const ext = extentAt(i);
        const gain = ext && free(ext) ? thumpGain(x, fs, ext[0], ext[1], 1.5) : Number.NEGATIVE_INFINITY;
        if (ext && gain >= FIT_BIC) {
          out.push(ext);
          continue;
        }
      }
      lastOnset = i;
      continue;
    }
    if (!audible) continue;
    // two-sided: not at a sound's end, not in an onset's attack (a weak break: only if a thump fits)
    const twoSided = ratio[i]! > -END_DB && since > after && (peak || isPeak(i, thrWeak));
    const sinceAny = i - Math.max(lastOnset, lastWeakOnset);
    const oneSided = sinceAny > zoneStart && sinceAny <= zoneEnd && isPeakAfter(i);
    if (!twoSided && !oneSided) continue;
    const ext = extentAt(i);
    if (!ext || !free(ext)) continue;
    // a weak break is weighed here, so that one a thump does not explain holds no place
    if (!peak && !oneSided && thumpGain(x, fs, ext[0], ext[1], 1.5) < FIT_BIC) continue;
    out.push(ext);
  }
  return out;
}

/**
 * Where in x[s, e) the pop is: the band under ~800 Hz at ~4 kHz, interpolated over the stretch by
 * LSAR (Burg, order 32, on 40 ms either side); the pop is where the interpolation's miss stands
 * within 30 dB of its peak. Null too near an end of x.
 */
function popExtent(x: Float64Array, fs: number, s: number, e: number): [number, number] | null {
  const D = Math.max(1, Math.round(fs / 4000));
  const W = Math.round(0.04 * fs);
  const lo = s - W - 8 * D;
  const hi = e + W + 8 * D;
  if (lo < 0 || hi > x.length) return null;
  const yd = lowBand(x.subarray(lo, hi), fs, fs / D / 5, D);
  const g0 = Math.floor((s - lo) / D);
  const g1 = Math.ceil((e - lo) / D);
  const L = g1 - g0;
  const a = burgAr([yd.subarray(0, g0), yd.subarray(g1)], 32);
  const seg = Float64Array.from(yd);
  interpolateAr(seg, g0, L, a);
  const r2 = Float64Array.from({ length: L }, (_, k) => (yd[g0 + k]! - seg[g0 + k]!) ** 2);
  let km = 0;
  for (let k = 1; k < L; k++) if (r2[k]! > r2[km]!) km = k;
  let ks = km;
  let ke = km;
  while (ks > 0 && r2[ks - 1]! >= r2[km]! / 1000) ks--;
  while (ke < L - 1 && r2[ke + 1]! >= r2[km]! / 1000) ke++;
  return [lo + (g0 + ks) * D, lo + (g0 + ke + 1) * D];
}

/** Σ e[n]² of the forward prediction error of AR model a (a[1..p]) over seg[p…]. */
function predictionErrorPower(seg: Float64Array, a: Float64Array): number {
  const p = a.length - 1;
  let s = 0;
  for (let n = p; n < seg.length; n++) {
    let e = seg[n]!;
    for (let l = 1; l <= p; l++) e -= a[l]! * seg[n - l]!;
    s += e * e;
  }
  return s;
}

/** x under `fc` (zero-phase 8th-order Butterworth), every D-th sample. */
function lowBand(x: Float64Array, fs: number, fc: number, D: number): Float64Array {
  const y = lowpassZeroPhase(x, fs, fc);
  const out = new Float64Array(Math.floor(x.length / D));
  for (let k = 0; k < out.length; k++) out[k] = y[k * D]!;
  return out;
}

/** Catmull–Rom through d[k] at k·D: the value at sample i. */
function cubicAt(d: Float64Array, D: number, i: number): number {
  const t = i / D;
  const k = Math.floor(t);
  const f = t - k;
  const p = (j: number) => d[Math.min(d.length - 1, Math.max(0, j))]!;
  const p0 = p(k - 1);
  const p1 = p(k);
  const p2 = p(k + 1);
  const p3 = p(k + 2);
  return p1 + 0.5 * f * (p2 - p0 + f * (2 * p0 - 5 * p1 + 4 * p2 - p3 + f * (3 * (p1 - p2) + p3 - p0)));
}

/**
 * Subtracts a modelled thump from x[s, e) in the band it lives in: the band (under 3.5 / length,
 * at least 500 Hz: a 2–3 ms pop whose stretch was measured 8–10 ms long still fits; at 300 Hz its
 * repair could leave it worse, at 800 false pops came in) is low-passed and decimated to 4× its
 * cutoff, the programme there is an AR process (Burg, order up to 40, fitted on 40 ms either
 * side), the thump a sum of half-sines over
 * the event ±0.5 ms; the weights are the least-squares fit that leaves the whitest residual; the
 * thump (band-limited) is taken off at full rate. With `search` (ms), each end of the event is
 * also tried that far in and out (in steps of half of it) and the extent with the best
 * fit for its size (BIC over the same stretch) is used. Returns the extent used, or null, leaving
 * x alone, too near an end of x or when the fit does not come out finite.
 */
function subtractPop(
  x: Float64Array,
  fs: number,
  s: number,
  e: number,
  search = 0,
  minGain = Number.NEGATIVE_INFINITY,
): [number, number] | null {
  const f = fitPop(x, fs, s, e, search);
  return f && f.gain >= minGain ? f.apply() : null;
}

/** How much better (BIC) the whitened band around x[s, e) is drawn with a thump in it than without. */
function thumpGain(x: Float64Array, fs: number, s: number, e: number, search = 0): number {
  return fitPop(x, fs, s, e, search)?.gain ?? Number.NEGATIVE_INFINITY;
}

/** `subtractPop`'s fit: its gain in BIC over no thump, and the subtraction, done when called. */
function fitPop(
  x: Float64Array,
  fs: number,
  s: number,
  e: number,
  search: number,
): { gain: number; apply: () => [number, number] | null } | null {
  const fc = Math.max(500, 3.5 / ((e - s) / fs));
  const D = Math.max(1, Math.floor(fs / (4 * fc)));
  const m = Math.round(0.0005 * fs);
  const sr = Math.round((search / 1000) * fs);
  const ctx = Math.round(0.04 * fs);
  const lo = s - sr - m - ctx - 8 * D;
  const hi = e + sr + m + ctx + 8 * D;
  if (lo < 0 || hi > x.length) return null;
  const yd = lowBand(x.subarray(lo, hi), fs, fc, D);
  const nd = yd.length;
  // the programme's model, from outside the widest extent tried
  const w0 = Math.floor((s - sr - m - lo) / D);
  const w1 = Math.ceil((e + sr + m - lo) / D);
  const p = Math.min(40, Math.floor(w0 / 3));
  const ar = burgAr([yd.subarray(0, w0), yd.subarray(w1)], p);
  const b = new Float64Array(p + 1);
  b[0] = 1;
  for (let l = 1; l <= p; l++) b[l] = -ar[l]!;
  // the whitened signal over every row any extent touches
  const r0 = w0;
  const rows = w1 - w0 + p;
  const rx = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    const n = r0 + r;
    let acc = 0;
    for (let l = 0; l <= p; l++) acc += b[l]! * (yd[n - l] ?? 0);
    rx[r] = acc;
  }
  let rxx = 0;
  for (let r = 0; r < rows; r++) rxx += rx[r]! ** 2;
  const fitThump = (g0: number, g1: number) => {
    const L = g1 - g0;
    const K = Math.max(1, Math.min(48, Math.ceil((2 * L * D * fc) / fs)));
    const rr = L + p;
    const off = g0 - r0;
    // each half-sine through the whitening filter: R[k][r] = Σ_l b[l]·shape_k[r − l]
    const R = new Float64Array(K * rr);
    for (let k = 0; k < K; k++) {
      const w = (Math.PI * (k + 1)) / L;
      for (let t = 0; t < L; t++) {
        const v = Math.sin(w * (t + 0.5));
        for (let l = 0; l <= p; l++) R[k * rr + t + l]! += b[l]! * v;
      }
    }
    const G = new Float64Array(K * K);
    const h = new Float64Array(K);
    for (let j = 0; j < K; j++) {
      for (let k = 0; k <= j; k++) {
        let sum = 0;
        for (let r = 0; r < rr; r++) sum += R[j * rr + r]! * R[k * rr + r]!;
        G[j * K + k] = sum;
        G[k * K + j] = sum;
      }
      let sh = 0;
      for (let r = 0; r < rr; r++) sh += R[j * rr + r]! * rx[off + r]!;
      h[j] = sh;
    }
    let trace = 0;
    for (let j = 0; j < K; j++) trace += G[j * K + j]!;
    for (let j = 0; j < K; j++) G[j * K + j]! += 1e-9 * (trace / K) + 1e-30;
    const theta = solveSpd(G, h, K, 1e-18);
    // residual over all rows: the rows this extent does not touch keep their whitened signal
    let rss = rxx;
    for (let r = 0; r < rr; r++) {
      let v = 0;
      for (let k = 0; k < K; k++) v += theta[k]! * R[k * rr + r]!;
      rss += (rx[off + r]! - v) ** 2 - rx[off + r]! ** 2;
    }
    return { theta, K, L, rss };
  };
  let best: { g0: number; g1: number; f: ReturnType<typeof fitThump>; bic: number } | null = null;
  const q = Math.max(1, Math.round(sr / 2));
  for (let ds = -sr; ds <= sr; ds += q)
    for (let de = -sr; de <= sr; de += q) {
      const g0 = Math.floor((s + ds - m - lo) / D);
      const g1 = Math.ceil((e + de + m - lo) / D);
      if (g1 - g0 < 2) continue;
      const f = fitThump(g0, g1);
      const bic = rows * Math.log(Math.max(f.rss, 1e-300) / rows) + f.K * Math.log(rows);
      if (!best || bic < best.bic) best = { g0, g1, f, bic };
    }
  if (!best) return null;
  const { g0, f } = best;
  const gain = rows * Math.log(Math.max(rxx, 1e-300) / rows) - best.bic;
  const apply = (): [number, number] | null => {
    const pd = new Float64Array(nd);
    for (let t = 0; t < f.L; t++) {
      let v = 0;
      for (let k = 0; k < f.K; k++) v += f.theta[k]! * Math.sin((Math.PI * (k + 1) * (t + 0.5)) / f.L);
      pd[g0 + t] = v;
    }
    const out = new Float64Array(hi - lo);
    for (let i = 0; i < out.length; i++) out[i] = cubicAt(pd, D, i);
    if (!out.every(Number.isFinite)) return null;
    for (let i = 0; i < out.length; i++) x[lo + i]! -= out[i]!;
    return [lo + g0 * D, lo + (g0 + f.L) * D];
  };
  return { gain, apply };
}

/** |y + j·H{y}|² sampled every F samples (y is band-limited well under fs / 2F), by FFT. */
function analyticPower(y: Float64Array, F: number, frames: number): Float64Array {
  let n = 1;
  while (n < frames) n <<= 1;
  n <<= 1; // zero-padded to twice: the Hilbert transform's circular wrap stays out of the signal
  const fft = new FFT(n);
  const input = new Float64Array(2 * n);
  for (let f = 0; f < frames; f++) input[2 * f] = y[f * F]!;
  const spec = new Float64Array(2 * n);
  fft.transform(spec, input);
  // keep DC and Nyquist, double the positive frequencies, drop the negative ones
  for (let k = 1; k < n / 2; k++) {
    spec[2 * k]! *= 2;
    spec[2 * k + 1]! *= 2;
  }
  for (let k = n / 2 + 1; k < n; k++) {
    spec[2 * k] = 0;
    spec[2 * k + 1] = 0;
  }
  const out = new Float64Array(2 * n);
  fft.inverseTransform(out, spec);
  const env = new Float64Array(frames);
  for (let f = 0; f < frames; f++) env[f] = out[2 * f]! ** 2 + out[2 * f + 1]! ** 2;
  return env;
}
