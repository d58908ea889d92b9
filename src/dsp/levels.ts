import { ampToDb, rmsToDbfs } from './units.ts';

/** Running block statistics for one channel: sum of squares, peak, sum (DC), clipped samples. */
export class LevelAccumulator {
  sumSq = 0;
  sum = 0;
  peak = 0;
  clipped = 0;
  nonZero = 0;
  count = 0;

  /**
   * One pass of multiply-adds and a max over the block (four independent accumulators, so the
   * additions do not wait on each other); clipped samples are counted in a second pass only when
   * the peak reached full scale. Bench dsp-bank: this is half the detector's time.
   */
  add(x: Float32Array, offset = 0, n = x.length - offset): void {
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    let d0 = 0;
    let d1 = 0;
    let p0 = 0;
    let p1 = 0;
    const end = offset + n;
    let i = offset;
    for (; i + 3 < end; i += 4) {
      const a = x[i]!;
      const b = x[i + 1]!;
      const c = x[i + 2]!;
      const d = x[i + 3]!;
      s0 += a * a;
      s1 += b * b;
      s2 += c * c;
      s3 += d * d;
      d0 += a + c;
      d1 += b + d;
      p0 = Math.max(p0, Math.abs(a), Math.abs(c));
      p1 = Math.max(p1, Math.abs(b), Math.abs(d));
    }
    for (; i < end; i++) {
      const a = x[i]!;
      s0 += a * a;
      d0 += a;
      p0 = Math.max(p0, Math.abs(a));
    }
    const sumSq = s0 + s1 + s2 + s3;
    const peak = Math.max(p0, p1);
    if (peak >= 0.999) for (let k = offset; k < end; k++) if (Math.abs(x[k]!) >= 0.999) this.clipped++;
    // a sample is non-zero exactly when its square adds to the sum (float32 squares never underflow in float64)
    if (sumSq > 0) this.nonZero += n;
    this.sumSq += sumSq;
    this.sum += d0 + d1;
    if (peak > this.peak) this.peak = peak;
    this.count += n;
  }

  reset(): void {
    this.sumSq = this.sum = this.peak = this.clipped = this.nonZero = this.count = 0;
  }

  /** AES17 RMS dBFS (full-scale sine = 0 dBFS). */
  get rmsDbfs(): number {
    return this.count === 0 ? Number.NEGATIVE_INFINITY : rmsToDbfs(Math.sqrt(this.sumSq / this.count));
  }
  get peakDbfs(): number {
    return ampToDb(this.peak);
  }
  get dcDbfs(): number {
    return this.count === 0 ? Number.NEGATIVE_INFINITY : ampToDb(Math.abs(this.sum / this.count));
  }
  /** Exact digital silence: a muted or digitally open route, not an analogue open line. */
  get digitalSilence(): boolean {
    return this.count > 0 && this.nonZero === 0;
  }
}
