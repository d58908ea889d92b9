import { isFftSize } from './fft.ts';

/** Smallest PFFFT-valid size ≥ n. */
export function fftSizeAtLeast(n: number): number {
  for (let m = Math.max(32, Math.ceil(n / 32) * 32); ; m += 32) if (isFftSize(m)) return m;
}

export type Correlation = { lag: number; lagFine: number; coefficient: number; polarity: 1 | -1 };

/**
 * Latency and polarity of `received` against the `sent` reference by cross-correlation:
 * r[l] = Σ received[n+l]·sent[n] for l in 0..maxLag. The peak of |r| gives the lag (parabolic
 * interpolation for sub-sample), its sign the polarity, and r normalised the coefficient.
 * Direct form over the lag range, with an early energy check; exact to the sample.
 */
export function correlate(sent: Float32Array, received: Float32Array, maxLag: number): Correlation {
  const n = Math.min(sent.length, received.length - maxLag);
  if (n <= 0) throw new RangeError(`received (${received.length}) must be longer than maxLag (${maxLag})`);
  let es = 0;
  for (let i = 0; i < n; i++) es += sent[i]! * sent[i]!;
  let best = 0;
  let bestAbs = -1;
  const r = new Float64Array(maxLag + 1);
  for (let l = 0; l <= maxLag; l++) {
    let acc = 0;
    for (let i = 0; i < n; i++) acc += received[i + l]! * sent[i]!;
    r[l] = acc;
    const a = acc < 0 ? -acc : acc;
    if (a > bestAbs) {
      bestAbs = a;
      best = l;
    }
  }
  let er = 0;
  for (let i = 0; i < n; i++) er += received[i + best]! * received[i + best]!;
  const peak = r[best]!;
  let fine = best;
  if (best > 0 && best < maxLag) {
    const y0 = Math.abs(r[best - 1]!);
    const y1 = Math.abs(peak);
    const y2 = Math.abs(r[best + 1]!);
    const d = y0 - 2 * y1 + y2;
    if (d !== 0) fine = best + (0.5 * (y0 - y2)) / d;
  }
  const denom = Math.sqrt(es * er);
  return { lag: best, lagFine: fine, coefficient: denom > 0 ? peak / denom : 0, polarity: peak < 0 ? -1 : 1 };
}
