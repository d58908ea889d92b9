// Pops: low thumps of 1–12 ms (plosives on a vocal mic, a cable knock, a sticky mute) found as a
// short bump of the band under ~150 Hz and taken out by subtracting a model of the thump.
// Own code: no npm package detects or removes pops.
import FFT from 'fft.js';
import { burgAr, solveSpd } from './ar.ts';
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
 * of milliseconds. Pops under loud low programme (a bass line, a kick) are mostly not found.
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
    while (f - s <= maxFrames && env[s - 1]! > lvl) s--;
    while (e - f <= maxFrames && env[e + 1]! > lvl) e++;
    if (e - s + 1 > maxFrames) {
      f = e; // a sustained rise: nothing inside it is looked at again
      continue;
    }
    const sides = Math.max(mean(s - 25, s - 5), mean(e + 6, e + 26), floor / 100);
    if (mean(s, e + 1) < rise * sides) continue;
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
    if (subtractPop(x, fs, a0, b0)) repairs.push({ channel, start: a0, length: b0 - a0, start_s: a0 / fs });
    f = e + 1;
  }
  return repairs;
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
 * at least 300 Hz) is low-passed and decimated to 4× its cutoff, the programme there is an AR
 * process (Burg, order 16, fitted on 30 ms either side), the thump a sum of half-sines over the
 * event ±0.5 ms; the weights are the least-squares fit that leaves the whitest residual; the thump
 * (band-limited) is taken off at full rate. Returns false, leaving x alone, too near an end of x or
 * when the fit does not come out finite.
 */
function subtractPop(x: Float64Array, fs: number, s: number, e: number): boolean {
  const fc = Math.max(300, 3.5 / ((e - s) / fs));
  const D = Math.max(1, Math.floor(fs / (4 * fc)));
  const m = Math.round(0.0005 * fs);
  const ctx = Math.round(0.03 * fs);
  const lo = s - m - ctx - 8 * D;
  const hi = e + m + ctx + 8 * D;
  if (lo < 0 || hi > x.length) return false;
  const y = lowpassZeroPhase(x.subarray(lo, hi), fs, fc);
  const nd = Math.floor(y.length / D);
  const yd = new Float64Array(nd);
  for (let k = 0; k < nd; k++) yd[k] = y[k * D]!;
  const g0 = Math.floor((s - m - lo) / D);
  const g1 = Math.ceil((e + m - lo) / D);
  const L = g1 - g0;
  const p = Math.min(16, Math.floor(g0 / 3));
  const a = burgAr([yd.subarray(0, g0), yd.subarray(g1)], p);
  const b = new Float64Array(p + 1);
  b[0] = 1;
  for (let l = 1; l <= p; l++) b[l] = -a[l]!;
  const K = Math.max(1, Math.min(48, Math.ceil((2 * L * D * fc) / fs)));
  const rows = L + p;
  const shape = (k: number, t: number) => (t < 0 || t >= L ? 0 : Math.sin((Math.PI * (k + 1) * (t + 0.5)) / L));
  // the signal and each shape through the programme's prediction-error filter (whitened)
  const R = new Float64Array(K * rows);
  const rx = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    const n = g0 + r;
    let acc = 0;
    for (let l = 0; l <= p; l++) acc += b[l]! * (yd[n - l] ?? 0);
    rx[r] = acc;
    for (let k = 0; k < K; k++) {
      let v = 0;
      for (let l = 0; l <= p; l++) v += b[l]! * shape(k, r - l);
      R[k * rows + r] = v;
    }
  }
  const G = new Float64Array(K * K);
  const h = new Float64Array(K);
  for (let j = 0; j < K; j++) {
    for (let k = 0; k <= j; k++) {
      let sum = 0;
      for (let r = 0; r < rows; r++) sum += R[j * rows + r]! * R[k * rows + r]!;
      G[j * K + k] = sum;
      G[k * K + j] = sum;
    }
    let sh = 0;
    for (let r = 0; r < rows; r++) sh += R[j * rows + r]! * rx[r]!;
    h[j] = sh;
  }
  let trace = 0;
  for (let j = 0; j < K; j++) trace += G[j * K + j]!;
  for (let j = 0; j < K; j++) G[j * K + j]! += 1e-9 * (trace / K) + 1e-30;
  const theta = solveSpd(G, h, K, 1e-18);
  const pd = new Float64Array(nd);
  for (let t = 0; t < L; t++) {
    let v = 0;
    for (let k = 0; k < K; k++) v += theta[k]! * shape(k, t);
    pd[g0 + t] = v;
  }
  const out = new Float64Array(hi - lo);
  for (let i = 0; i < out.length; i++) out[i] = cubicAt(pd, D, i);
  if (!out.every(Number.isFinite)) return false;
  for (let i = 0; i < out.length; i++) x[lo + i]! -= out[i]!;
  return true;
}

/** |y + j·H{y}|² sampled every F samples (y is band-limited well under fs / 2F), by FFT. */
function analyticPower(y: Float64Array, F: number, frames: number): Float64Array {
  let n = 1;
  while (n < frames) n <<= 1;
  n <<= 1; // zero-padded to twice: the Hilbert transform's circular wrap stays out of the signal
  const fft = new FFT(n);
  const input = fft.createComplexArray() as number[];
  for (let f = 0; f < frames; f++) input[2 * f] = y[f * F]!;
  const spec = fft.createComplexArray() as number[];
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
  const out = fft.createComplexArray() as number[];
  fft.inverseTransform(out, spec);
  const env = new Float64Array(frames);
  for (let f = 0; f < frames; f++) env[f] = out[2 * f]! ** 2 + out[2 * f + 1]! ** 2;
  return env;
}
