import { isFftSize, RealFft } from './fft.ts';

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

/**
 * The same r[l] for l in 0..maxLag through the FFT: R = FFT(received)·conj(FFT(sent)), one
 * inverse, zero-padded to M ≥ n + maxLag so no lag wraps. O(M log M) instead of O(n·maxLag):
 * direct form costs ~n·maxLag multiply-adds (4800 × 8000 = 38 M for a long path), which stalls a
 * real-time worker for tens of ms. Same peak pick, interpolation and normalisation as `correlate`.
 */
export class FftCorrelator {
  private readonly spec: Float32Array;

  private constructor(
    private readonly fft: RealFft,
    readonly size: number,
  ) {
    this.spec = new Float32Array(size);
  }

  static async create(n: number, maxLag: number): Promise<FftCorrelator> {
    const size = fftSizeAtLeast(n + maxLag);
    return new FftCorrelator(await RealFft.create(size), size);
  }

  correlate(sent: Float32Array, received: Float32Array, maxLag: number): Correlation {
    const n = Math.min(sent.length, received.length - maxLag);
    if (n <= 0) throw new RangeError(`received (${received.length}) must be longer than maxLag (${maxLag})`);
    if (n + maxLag > this.size)
      throw new RangeError(`n + maxLag (${n + maxLag}) exceeds the correlator size ${this.size}`);
    const M = this.size;
    // FFT(sent), kept aside
    let inp = this.fft.input;
    inp.fill(0);
    inp.set(sent.subarray(0, n));
    this.spec.set(this.fft.forward());
    // FFT(received) over n + maxLag samples
    inp = this.fft.input;
    inp.fill(0);
    inp.set(received.subarray(0, n + maxLag));
    const X = this.fft.forward();
    const S = this.spec;
    const P = this.fft.input;
    P[0] = X[0]! * S[0]!;
    P[1] = X[1]! * S[1]!;
    for (let k = 1; k < M / 2; k++) {
      const a = X[2 * k]!;
      const b = X[2 * k + 1]!;
      const c = S[2 * k]!;
      const d = S[2 * k + 1]!;
      P[2 * k] = a * c + b * d;
      P[2 * k + 1] = b * c - a * d;
    }
    const r = this.fft.inverse();
    let best = 0;
    let bestAbs = -1;
    for (let l = 0; l <= maxLag; l++) {
      const a = Math.abs(r[l]!);
      if (a > bestAbs) {
        bestAbs = a;
        best = l;
      }
    }
    const peak = r[best]! / M;
    let fine = best;
    if (best > 0 && best < maxLag) {
      const y0 = Math.abs(r[best - 1]!);
      const y1 = Math.abs(r[best]!);
      const y2 = Math.abs(r[best + 1]!);
      const d = y0 - 2 * y1 + y2;
      if (d !== 0) fine = best + (0.5 * (y0 - y2)) / d;
    }
    let es = 0;
    let er = 0;
    for (let i = 0; i < n; i++) {
      es += sent[i]! * sent[i]!;
      er += received[i + best]! * received[i + best]!;
    }
    const denom = Math.sqrt(es * er);
    return { lag: best, lagFine: fine, coefficient: denom > 0 ? peak / denom : 0, polarity: peak < 0 ? -1 : 1 };
  }
}
