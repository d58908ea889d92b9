import { ampToDb, rmsToDbfs } from './units.ts';

/** Running block statistics for one channel: sum of squares, peak, sum (DC), clipped samples. */
export class LevelAccumulator {
  sumSq = 0;
  sum = 0;
  peak = 0;
  clipped = 0;
  nonZero = 0;
  count = 0;

  add(x: Float32Array, offset = 0, n = x.length - offset): void {
    let sumSq = this.sumSq;
    let sum = this.sum;
    let peak = this.peak;
    let clipped = this.clipped;
    let nonZero = this.nonZero;
    for (let i = offset; i < offset + n; i++) {
      const v = x[i]!;
      sumSq += v * v;
      sum += v;
      const a = v < 0 ? -v : v;
      if (a > peak) peak = a;
      if (a >= 0.999) clipped++;
      if (v !== 0) nonZero++;
    }
    this.sumSq = sumSq;
    this.sum = sum;
    this.peak = peak;
    this.clipped = clipped;
    this.nonZero = nonZero;
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
