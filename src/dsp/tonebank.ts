import { RealFft } from './fft.ts';
import { ampToDb } from './units.ts';

/** One analysis window's spectrum facts for one channel. */
export type BankResult = {
  /** Sine level (AES17 dBFS) at each requested bin. */
  toneDbfs: Float64Array;
  /** Sine-equivalent level of the median quiet bin: the noise floor per bin. */
  noiseFloorDbfs: number;
  /** Levels at 50/60 Hz families (fundamental + harmonics 2..5), dBFS. */
  hum50Dbfs: Float64Array;
  hum60Dbfs: Float64Array;
};

/**
 * Reads many bin-centred tones at once from one real FFT per channel and window (rectangular
 * window: bin-centred tones do not leak). Preallocated; analyse() allocates nothing.
 */
export class ToneBank {
  readonly n: number;
  private readonly bins: Int32Array;
  private readonly quiet: Int32Array;
  private readonly scratch: Float64Array;
  private readonly hum50: Int32Array;
  private readonly hum60: Int32Array;

  private constructor(
    private readonly fft: RealFft,
    readonly sampleRate: number,
    bins: number[],
  ) {
    this.n = fft.size;
    this.bins = Int32Array.from(bins);
    const df = sampleRate / this.n;
    const hum = (f0: number) => Int32Array.from([1, 2, 3, 4, 5].map((h) => Math.round((h * f0) / df)));
    this.hum50 = hum(50);
    this.hum60 = hum(60);
    // quiet bins: away from tones, their first harmonics and mains; sampled for the median
    const busy = new Set<number>();
    const mark = (k: number, guard: number) => {
      for (let d = -guard; d <= guard; d++) busy.add(k + d);
    };
    for (const k of bins) for (let h = 1; h <= 5; h++) mark(h * k, 2);
    // mains harmonics that matter in practice: up to the 20th
    for (let h = 1; h <= 20; h++) {
      mark(Math.round((50 * h) / df), 1);
      mark(Math.round((60 * h) / df), 1);
    }
    const quiet: number[] = [];
    const top = Math.floor(0.45 * this.n);
    for (let k = Math.ceil(100 / df); k < top; k++) if (!busy.has(k)) quiet.push(k);
    const stride = Math.max(1, Math.floor(quiet.length / 255));
    this.quiet = Int32Array.from(quiet.filter((_, i) => i % stride === 0));
    this.scratch = new Float64Array(this.quiet.length);
  }

  static async create(windowSize: number, sampleRate: number, bins: number[]): Promise<ToneBank> {
    return new ToneBank(await RealFft.create(windowSize), sampleRate, bins);
  }

  get frequencies(): number[] {
    return Array.from(this.bins, (k) => (k * this.sampleRate) / this.n);
  }

  /** Powers |X[k]|² of the requested bins for x[offset … offset+N), written into `out`. */
  powers(x: Float32Array, offset: number, out: Float64Array): Float32Array {
    const input = this.fft.input;
    input.set(x.subarray(offset, offset + this.n));
    const spec = this.fft.forward();
    const bins = this.bins;
    for (let i = 0; i < bins.length; i++) {
      const k = bins[i]!;
      const re = spec[2 * k]!;
      const im = spec[2 * k + 1]!;
      out[i] = re * re + im * im;
    }
    return spec;
  }

  analyse(x: Float32Array, offset: number, result: BankResult): void {
    const p = result.toneDbfs;
    const spec = this.powers(x, offset, p);
    const scale = 2 / this.n;
    for (let i = 0; i < p.length; i++) p[i] = ampToDb(Math.sqrt(p[i]!) * scale);
    const q = this.scratch;
    for (let i = 0; i < this.quiet.length; i++) q[i] = RealFft.power(spec, this.quiet[i]!);
    result.noiseFloorDbfs = ampToDb(Math.sqrt(median(q)) * scale);
    for (let h = 0; h < 5; h++) {
      result.hum50Dbfs[h] = ampToDb(Math.sqrt(RealFft.power(spec, this.hum50[h]!)) * scale);
      result.hum60Dbfs[h] = ampToDb(Math.sqrt(RealFft.power(spec, this.hum60[h]!)) * scale);
    }
  }

  newResult(): BankResult {
    return {
      toneDbfs: new Float64Array(this.bins.length),
      noiseFloorDbfs: Number.NEGATIVE_INFINITY,
      hum50Dbfs: new Float64Array(5),
      hum60Dbfs: new Float64Array(5),
    };
  }

  dispose(): void {
    this.fft.dispose();
  }
}

/** Median by in-place quickselect (reorders a). */
export function median(a: Float64Array): number {
  const n = a.length;
  if (n === 0) return 0;
  const k = n >> 1;
  let lo = 0;
  let hi = n - 1;
  while (lo < hi) {
    const pivot = a[(lo + hi) >> 1]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) {
        const t = a[i]!;
        a[i] = a[j]!;
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else break;
  }
  return a[k]!;
}
