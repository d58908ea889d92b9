// EXPERIMENT (issue 22, pops) — not used by rad; kept for the next attempt. Measured on the
// corpus of test/fixtures/corpus.ts (40 s espeak-ng speech / synthetic music, 25 pops each):
// - repair with the true extents: subtractPop (a thump modelled as half-sines in the band under
//   max(300 Hz, 3.5/T), decimated to 4× that, the programme an AR model by Burg over 30 ms either
//   side, least squares in the whitened domain) is 20.9 dB (speech) / 17.3 dB (music) closer to the
//   clean take; LSAR interpolation of the same band (repairPop) 18–19 / 11–15 dB; Yule–Walker models
//   were far worse (a steady bass note is not whitened, the fit absorbs it: −4 dB on a pure tone).
// - detection is what fails: low-band energy bumps + the fit's explained energy separate pops from
//   programme on speech (gain > 100: 13–20 of 25 found, 0–7 false), not on music with kicks (10/25
//   found with 10–22 false); the kick's onset is as unpredictable as a pop. See the session 6 note.
import { fitAr, interpolateAr } from '../../src/dsp/offline/declick.ts';
import { lowpassZeroPhase } from '../../src/dsp/offline/filters.ts';

export type DepopOptions = {
  /** A pop's energy sits below this (Hz). */
  cutoffHz: number;
  /** Energy rise over the local low-band background that marks a candidate (dB). */
  riseDb: number;
  /** Longest pop (ms): a low-band rise that lasts longer is programme (a kick, a bass note). */
  maxPopMs: number;
  /** The thump's fit must explain this much (per shape, in units of the programme's prediction error)… */
  minGain: number;
  /** …and leave the event's residual no larger than this many times the programme's. */
  maxWhiten: number;
};
export const DEPOP_DEFAULTS: DepopOptions = { cutoffHz: 300, riseDb: 3, maxPopMs: 14, minGain: 100, maxWhiten: 4 };

export type PopRepair = {
  channel: number;
  start: number;
  length: number;
  start_s: number;
  /** Energy removed from the event window, relative to what was there (dB, negative). */
  removed_db: number;
};

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
 * Finds and removes pops (low thumps of 1–10 ms: plosives, cable knocks, a sticky mute) in one
 * channel held in memory. Detection runs on the band under `cutoffHz`: 1 ms frames whose
 * low-band energy rises `riseDb` over the local background (the median of ±150 ms) while the
 * band above does not rise with it, grouped; a rise longer than `maxPopMs` is programme (a kick,
 * a bass note) and left alone. Repair re-draws only the low band over the event: decimated to
 * 3 kHz, the gap is interpolated from its neighbours by least-squares AR (as declick does), and
 * the difference is added back at full rate — everything above the cutoff is untouched.
 */
export function depopChannel(
  x: Float64Array,
  fs: number,
  o: DepopOptions,
  channel = 0,
  debug?: (c: Record<string, number | boolean>) => void,
): PopRepair[] {
  const n = x.length;
  const F = Math.max(1, Math.round(fs / 1000)); // 1 ms frames
  const frames = Math.floor(n / F);
  if (frames < 100) return [];
  // energy per frame in the band a pop lives in (under 2 × cutoff) and above 2 kHz (where a
  // drum hit or a consonant has energy and a thump has almost none)
  const yL = lowpassZeroPhase(x, fs, 2 * o.cutoffHz);
  const yM = lowpassZeroPhase(x, fs, Math.min(2000, fs / 4));
  const eL = new Float64Array(frames);
  const eH = new Float64Array(frames);
  for (let f = 0; f < frames; f++) {
    let sl = 0;
    let sh = 0;
    for (let i = f * F; i < (f + 1) * F; i++) {
      sl += yL[i]! * yL[i]!;
      const h = x[i]! - yM[i]!;
      sh += h * h;
    }
    eL[f] = sl / F;
    eH[f] = sh / F;
  }
  const mean = (e: Float64Array, a: number, b: number) => {
    let s = 0;
    let m = 0;
    for (let f = Math.max(0, a); f < Math.min(frames, b); f++) {
      s += e[f]!;
      m++;
    }
    return m ? s / m : 0;
  };
  const floor = 1e-7;
  const rise = 10 ** (o.riseDb / 10);
  const maxFrames = Math.ceil(o.maxPopMs);
  const repairs: PopRepair[] = [];
  let next = 0;
  for (let f = 3; f < frames - 3; f++) {
    if (f < next || eL[f]! < floor) continue;
    let isMax = true;
    for (let g = f - 3; g <= f + 3 && isMax; g++) if (eL[g]! > eL[f]!) isMax = false;
    if (!isMax) continue;
    const peak = eL[f]!;
    const side0 = Math.max(mean(eL, f - 35, f - 15), mean(eL, f + 15, f + 35), floor / 10);
    if (peak < rise * side0) continue;
    // the bump: where the band stands over a tenth of the way from the sides to the peak
    const lvl = side0 + 0.1 * (peak - side0);
    let s = f;
    while (s > 0 && f - s <= maxFrames && eL[s - 1]! > lvl) s--;
    let e = f;
    while (e < frames - 1 && e - f <= maxFrames && eL[e + 1]! > lvl) e++;
    const len = e - s + 1;
    const before = Math.max(mean(eL, s - 20, s - 2), floor / 10);
    const after = Math.max(mean(eL, e + 3, e + 21), floor / 10);
    let hPeak = 0;
    for (let g = s; g <= e; g++) hPeak = Math.max(hPeak, eH[g]!);
    const hSide = Math.max(mean(eH, s - 20, s - 2), mean(eH, e + 3, e + 21), floor / 10);
    const short = len <= maxFrames;
    const balanced = Math.max(before, after) < 8 * Math.min(before, after);
    const lowOnly = hPeak < 4 * hSide;
    const tune = { order: 16, over: 4, marginMs: 0.5, k: 3.5, ctxMs: 30 };
    // the event's extent: the bump's, or the best of a few around the peak (the fit decides)
    let a = Math.max(0, s * F - F);
    let b = Math.min(n, (e + 1) * F + F);
    let test = short && lowOnly && balanced ? subtractPop(x, fs, a, b, { ...tune, dry: true }) : undefined;
    if (test)
      for (const ms of [3, 5, 8, 11]) {
        const a2 = Math.max(0, Math.round((f + 0.5) * F - (ms / 2) * F));
        const b2 = Math.min(n, a2 + ms * F);
        const t2 = subtractPop(x, fs, a2, b2, { ...tune, dry: true });
        if (t2 && t2.gain > test.gain) {
          test = t2;
          a = a2;
          b = b2;
        }
      }
    debug?.({
      s: a,
      e: b,
      peak,
      side0,
      before,
      after,
      hPeak,
      hSide,
      short,
      balanced,
      lowOnly,
      gain: test?.gain ?? -1,
      whiten: test?.whiten ?? -1,
    });
    if (test && test.gain > o.minGain && test.whiten < o.maxWhiten) {
      const r = subtractPop(x, fs, a, b, tune);
      if (r) {
        repairs.push({
          channel,
          start: a,
          length: b - a,
          start_s: a / fs,
          removed_db:
            Math.round(10 * Math.log10(Math.max(r.removed, 1e-20) / Math.max(peak * (b - a), 1e-20)) * 10) / 10,
        });
      }
    }
    next = e + 1;
  }
  return repairs;
}

/**
 * Re-draws the band of x under the pop over [s, e): the band wide enough for the event
 * (300 Hz for 10 ms, ~1.2 kHz for 2 ms), decimated to ~3× its cutoff, the gap interpolated from
 * 60 ms of context either side by least-squares AR (Burg, order 16), the difference added back
 * at full rate. Above the cutoff nothing changes. A repair that would not settle (a model that
 * does not invert) is left out, and the audio untouched.
 */
export function repairPop(x: Float64Array, fs: number, s: number, e: number, channel: number): PopRepair | undefined {
  const fc = Math.max(300, 2.5 / ((e - s) / fs));
  const D = Math.max(1, Math.floor(fs / (6 * fc)));
  const ctx = Math.round(0.06 * fs) + 8 * D;
  const lo = s - ctx - 4 * D;
  const hi = e + ctx + 4 * D;
  if (lo < 0 || hi > x.length) return undefined;
  const local = lowpassZeroPhase(x.subarray(lo, hi), fs, fc);
  const y = new Float64Array(x.length);
  y.set(local, lo);
  const probe = Float64Array.from(x.subarray(lo, hi));
  const rep = repairLowBand(probe, y.subarray(lo, hi), fs, D, s - lo, e - lo, channel, { order: 16, ctxMs: 60 });
  if (!rep || !probe.every(Number.isFinite)) return undefined;
  x.set(probe, lo);
  return { ...rep, start: s, start_s: s / fs };
}

/** Re-draws the low band of x over [a, b) from its neighbours; returns the repair, or undefined near the edges. */
export function repairLowBand(
  x: Float64Array,
  y: Float64Array,
  fs: number,
  D: number,
  a: number,
  b: number,
  channel: number,
  tune: { order?: number; ctxMs?: number } = {},
): PopRepair | undefined {
  const margin = Math.round(0.002 * fs);
  const ctx = Math.round(((tune.ctxMs ?? 100) / 1000) * fs); // context each side
  const g0 = a - margin;
  const g1 = b + margin;
  if (g0 - ctx < 0 || g1 + ctx >= x.length) return undefined;
  // the low band decimated to ~3 kHz around the gap
  const w0 = Math.floor((g0 - ctx) / D);
  const w1 = Math.ceil((g1 + ctx) / D);
  const yd = new Float64Array(w1 - w0);
  for (let k = 0; k < yd.length; k++) yd[k] = y[(w0 + k) * D]!;
  const gs = Math.floor(g0 / D) - w0;
  const ge = Math.ceil(g1 / D) - w0;
  const len = ge - gs;
  // the model from the context either side, never across the gap (the pop would bend the fit)
  const arOrder = Math.min(tune.order ?? 16, Math.floor(gs / 2));
  const coef = burgAr([yd.subarray(0, gs), yd.subarray(ge)], arOrder);
  const fixed = Float64Array.from(yd);
  interpolateAr(fixed, gs, len, coef);
  const corr = new Float64Array(yd.length);
  for (let k = gs; k < ge; k++) corr[k] = fixed[k]! - yd[k]!;
  let before = 0;
  let removed = 0;
  const i0 = (w0 + gs - 2) * D;
  const i1 = (w0 + ge + 2) * D;
  for (let i = Math.max(0, i0); i < Math.min(x.length, i1); i++) {
    const c = cubicAt(corr, D, i - w0 * D);
    before += x[i]! * x[i]!;
    removed += c * c;
    x[i]! += c;
  }
  return {
    channel,
    start: a,
    length: b - a,
    start_s: a / fs,
    removed_db: Math.round(10 * Math.log10(Math.max(removed, 1e-20) / Math.max(before, 1e-20)) * 10) / 10,
  };
}

/**
 * Removes a thump from x[s, e) by subtracting a model of it: the thump is a sum of K smooth
 * shapes (half-sines) over the event, the programme an AR process (fitted on the 50 ms either
 * side); the shapes' weights are the least-squares fit that leaves the whitest prediction
 * residual. The programme under the event is kept (only its projection on the smooth shapes
 * goes), unlike an interpolation, which re-draws it.
 */
export function subtractThump(
  x: Float64Array,
  fs: number,
  s: number,
  e: number,
  tune: { order?: number; ctxMs?: number; fmax?: number; marginMs?: number; ridge?: number } = {},
): { removed: number; before: number } | undefined {
  const m = Math.round(((tune.marginMs ?? 1) / 1000) * fs);
  const a0 = s - m;
  const a1 = e + m;
  const L = a1 - a0;
  const p = tune.order ?? 32;
  const ctx = Math.round(((tune.ctxMs ?? 50) / 1000) * fs);
  if (a0 - ctx < p || a1 + ctx + p >= x.length) return undefined;
  const both = new Float64Array(2 * ctx);
  both.set(x.subarray(a0 - ctx, a0), 0);
  both.set(x.subarray(a1, a1 + ctx), ctx);
  const a = fitAr(both, p);
  const b = new Float64Array(p + 1);
  b[0] = 1;
  for (let l = 1; l <= p; l++) b[l] = -a[l]!;
  // shapes: half-sines sin(π (k+1) t / L) up to fmax (a 2 ms thump reaches ~1 kHz, a 10 ms one ~300 Hz)
  const fmax = tune.fmax ?? Math.max(300, 2 / ((e - s) / fs));
  const K = Math.max(1, Math.min(64, Math.ceil((2 * L * fmax) / fs)));
  const rows = L + p;
  const R = new Float64Array(K * rows); // whitened shapes
  const rx = new Float64Array(rows); // whitened signal
  for (let r = 0; r < rows; r++) {
    const n = a0 + r;
    let acc = 0;
    for (let l = 0; l <= p; l++) acc += b[l]! * x[n - l]!;
    rx[r] = acc;
    for (let k = 0; k < K; k++) {
      let v = 0;
      for (let l = 0; l <= p; l++) {
        const t = r - l;
        if (t >= 0 && t < L) v += b[l]! * Math.sin((Math.PI * (k + 1) * (t + 0.5)) / L);
      }
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
  // a prior on the shapes' weights (the size of the event) keeps what the programme's own
  // predictable part cannot tell apart (a steady bass note under the thump) out of the estimate:
  // ridge λ = σ²(prediction error) / σ²(weights)
  let se = 0;
  let ne = 0;
  for (const [lo, hi] of [
    [a0 - ctx + p, a0],
    [a1 + p, a1 + ctx],
  ] as const)
    for (let n = lo; n < hi; n++) {
      let acc = 0;
      for (let l = 0; l <= p; l++) acc += b[l]! * x[n - l]!;
      se += acc * acc;
      ne++;
    }
  let pk = 0;
  for (let t = a0; t < a1; t++) pk = Math.max(pk, Math.abs(x[t]!));
  const lambda = (se / Math.max(ne, 1) / Math.max(pk * pk, 1e-12)) * (tune.ridge ?? 1);
  for (let j = 0; j < K; j++) G[j * K + j]! += lambda + 1e-12;
  const theta = solveSpd(G, h, K);
  let removed = 0;
  let before = 0;
  for (let t = 0; t < L; t++) {
    let v = 0;
    for (let k = 0; k < K; k++) v += theta[k]! * Math.sin((Math.PI * (k + 1) * (t + 0.5)) / L);
    before += x[a0 + t]! * x[a0 + t]!;
    x[a0 + t]! -= v;
    removed += v * v;
  }
  return { removed, before };
}

/** Cholesky solve of a symmetric positive-definite K×K system. */
function solveSpd(M: Float64Array, rhs: Float64Array, K: number): Float64Array {
  const L = new Float64Array(K * K);
  for (let i = 0; i < K; i++)
    for (let j = 0; j <= i; j++) {
      let sum = M[i * K + j]!;
      for (let k = 0; k < j; k++) sum -= L[i * K + k]! * L[j * K + k]!;
      if (i === j) L[i * K + i] = Math.sqrt(Math.max(sum, 1e-18));
      else L[i * K + j] = sum / L[j * K + j]!;
    }
  const y = new Float64Array(K);
  for (let i = 0; i < K; i++) {
    let sum = rhs[i]!;
    for (let k = 0; k < i; k++) sum -= L[i * K + k]! * y[k]!;
    y[i] = sum / L[i * K + i]!;
  }
  const out = new Float64Array(K);
  for (let i = K - 1; i >= 0; i--) {
    let sum = y[i]!;
    for (let k = i + 1; k < K; k++) sum -= L[k * K + i]! * out[k]!;
    out[i] = sum / L[i * K + i]!;
  }
  return out;
}

/**
 * Subtracts a modelled thump from x[s, e) in the band it lives in: the band is low-passed and
 * decimated (as repairPop), the programme there is an AR process (Burg, fitted on the context
 * either side), the thump a sum of half-sines over the event; the weights are the least-squares
 * fit that leaves the whitest residual; the thump (band-limited) is taken off at full rate.
 */
export function subtractPop(
  x: Float64Array,
  fs: number,
  s: number,
  e: number,
  tune: { order?: number; ctxMs?: number; k?: number; over?: number; marginMs?: number; dry?: boolean } = {},
): { removed: number; gain: number; whiten: number } | undefined {
  const fc = Math.max(300, (tune.k ?? 2.5) / ((e - s) / fs));
  const D = Math.max(1, Math.floor(fs / ((tune.over ?? 6) * fc)));
  const m = Math.round(((tune.marginMs ?? 1) / 1000) * fs);
  const ctx = Math.round(((tune.ctxMs ?? 60) / 1000) * fs);
  const lo = s - m - ctx - 8 * D;
  const hi = e + m + ctx + 8 * D;
  if (lo < 0 || hi > x.length) return undefined;
  const y = lowpassZeroPhase(x.subarray(lo, hi), fs, fc);
  const nd = Math.floor(y.length / D);
  const yd = new Float64Array(nd);
  for (let k = 0; k < nd; k++) yd[k] = y[k * D]!;
  const g0 = Math.floor((s - m - lo) / D);
  const g1 = Math.ceil((e + m - lo) / D);
  const L = g1 - g0;
  const p = Math.min(tune.order ?? 16, Math.floor(g0 / 3));
  const a = burgAr([yd.subarray(0, g0), yd.subarray(g1)], p);
  const b = new Float64Array(p + 1);
  b[0] = 1;
  for (let l = 1; l <= p; l++) b[l] = -a[l]!;
  const K = Math.max(1, Math.min(48, Math.ceil((2 * L * D * fc) / fs)));
  const rows = L + p;
  const shape = (k: number, t: number) => (t < 0 || t >= L ? 0 : Math.sin((Math.PI * (k + 1) * (t + 0.5)) / L));
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
  const theta = solveSpd(G, h, K);
  // explained whitened energy (the GLRT statistic) against the residual's
  let explained = 0;
  for (let j = 0; j < K; j++) explained += theta[j]! * h[j]!;
  let resid = 0;
  for (let r = 0; r < rows; r++) resid += rx[r]! * rx[r]!;
  const pd = new Float64Array(nd);
  for (let t = 0; t < L; t++) {
    let v = 0;
    for (let k = 0; k < K; k++) v += theta[k]! * shape(k, t);
    pd[g0 + t] = v;
  }
  let removed = 0;
  const out = new Float64Array(hi - lo);
  for (let i = 0; i < out.length; i++) {
    const c = cubicAt(pd, D, i);
    out[i] = c;
    removed += c * c;
  }
  if (!Number.isFinite(removed)) return undefined;
  // the context's own prediction error per sample: what the fit is measured against
  let ctxErr = 0;
  let nCtx = 0;
  for (const [a0, a1] of [
    [p, g0],
    [g1 + p, nd],
  ] as const)
    for (let t = a0; t < a1; t++) {
      let acc = 0;
      for (let l = 0; l <= p; l++) acc += b[l]! * yd[t - l]!;
      ctxErr += acc * acc;
      nCtx++;
    }
  const sigma2 = ctxErr / Math.max(nCtx, 1);
  if (!tune.dry) for (let i = 0; i < out.length; i++) x[lo + i]! -= out[i]!;
  return {
    removed,
    // explained whitened energy per shape, in units of the context's prediction error
    gain: explained / Math.max(K * sigma2, 1e-30),
    // what is left in the event's rows after the fit, against the context
    whiten: (resid - explained) / Math.max(rows * sigma2, 1e-30),
  };
}

/**
 * Burg's method over several segments (the context left and right of a gap, never across it):
 * AR coefficients a[1..p] with x[n] ≈ Σ a_k x[n−k]. Unlike the autocorrelation method it does not
 * window the data, so a steady note's model is sharp (a bass line interpolates across the gap).
 */
export function burgAr(segments: Float64Array[], p: number): Float64Array {
  const f = segments.map((s) => Float64Array.from(s));
  const b = segments.map((s) => Float64Array.from(s));
  const a = new Float64Array(p + 1);
  const tmp = new Float64Array(p + 1);
  for (let m = 1; m <= p; m++) {
    let num = 0;
    let den = 0;
    for (let s = 0; s < f.length; s++) {
      const fs = f[s]!;
      const bs = b[s]!;
      for (let n = m; n < fs.length; n++) {
        num += fs[n]! * bs[n - 1]!;
        den += fs[n]! * fs[n]! + bs[n - 1]! * bs[n - 1]!;
      }
    }
    // a whisper of white noise keeps |k| < 1 on a pure tone (a model on the unit circle would not invert)
    const k = den > 0 ? (2 * num) / (den * (1 + 1e-6) + 1e-20) : 0;
    tmp.set(a);
    a[m] = k;
    for (let j = 1; j < m; j++) a[j] = tmp[j]! - k * tmp[m - j]!;
    for (let s = 0; s < f.length; s++) {
      const fs = f[s]!;
      const bs = b[s]!;
      for (let n = fs.length - 1; n >= m; n--) {
        const fn = fs[n]!;
        const bn = bs[n - 1]!;
        fs[n] = fn - k * bn;
        bs[n] = bn - k * fn;
      }
    }
  }
  return a;
}
