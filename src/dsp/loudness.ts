/**
 * ITU-R BS.1770-4 / EBU R128 integrated loudness (K-weighting, 400 ms blocks with 75 % overlap,
 * absolute −70 LUFS gate, relative −10 LU gate) and true peak (4× oversampling, BS.1770 Annex 2).
 * Streaming: feed blocks of any length, read the result at the end.
 */

type Biquad = { b0: number; b1: number; b2: number; a1: number; a2: number };

/** K-weighting stages for any sample rate (the bilinear designs behind the standard's 48 kHz table). */
function kWeighting(fs: number): [Biquad, Biquad] {
  // stage 1: high shelf (+4 dB above ~1.7 kHz)
  let f0 = 1681.974450955533;
  const G = 3.999843853973347;
  let Q = 0.7071752369554196;
  let K = Math.tan((Math.PI * f0) / fs);
  const Vh = 10 ** (G / 20);
  const Vb = Vh ** 0.4996667741545416;
  let a0 = 1 + K / Q + K * K;
  const shelf = {
    b0: (Vh + (Vb * K) / Q + K * K) / a0,
    b1: (2 * (K * K - Vh)) / a0,
    b2: (Vh - (Vb * K) / Q + K * K) / a0,
    a1: (2 * (K * K - 1)) / a0,
    a2: (1 - K / Q + K * K) / a0,
  };
  // stage 2: high pass (RLB)
  f0 = 38.13547087602444;
  Q = 0.5003270373238773;
  K = Math.tan((Math.PI * f0) / fs);
  a0 = 1 + K / Q + K * K;
  const hp = { b0: 1, b1: -2, b2: 1, a1: (2 * (K * K - 1)) / a0, a2: (1 - K / Q + K * K) / a0 };
  return [shelf, hp];
}

// 4x oversampling interpolator: windowed-sinc polyphase FIR (48 taps, 12 per phase)
const TAPS_PER_PHASE = 12;
const PHASES = 4;
const FIR: Float64Array[] = Array.from({ length: PHASES }, (_, p) => {
  const h = new Float64Array(TAPS_PER_PHASE);
  for (let k = 0; k < TAPS_PER_PHASE; k++) {
    const n = k * PHASES + p - (TAPS_PER_PHASE * PHASES) / 2; // position in the 4x grid
    const x = n / PHASES;
    const sinc = x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
    const w = 0.5 * (1 + Math.cos((Math.PI * n) / ((TAPS_PER_PHASE * PHASES) / 2 + 1))); // Hann
    h[k] = sinc * w;
  }
  return h;
});

export class LoudnessMeter {
  private readonly stages: [Biquad, Biquad];
  private readonly z: Float64Array[]; // per channel: 4 filter states
  private readonly hist: Float64Array[]; // per channel: last TAPS_PER_PHASE samples (true peak)
  private readonly hop: number;
  private readonly blockLen: number;
  private stepSum = 0;
  private stepFill = 0;
  private readonly recentSteps: number[] = [];
  private readonly blocks: number[] = []; // mean-square (weighted sum over channels) per 400 ms block
  private peak = 0;
  private samplePeak = 0;
  frames = 0;

  constructor(
    readonly sampleRate: number,
    readonly channels: number,
    /** Channel weights G_i (1.0 for L, R, C; 1.41 for surrounds; 0 for LFE). */
    readonly weights: number[] = Array.from({ length: channels }, () => 1),
  ) {
    this.stages = kWeighting(sampleRate);
    this.z = Array.from({ length: channels }, () => new Float64Array(4));
    this.hist = Array.from({ length: channels }, () => new Float64Array(TAPS_PER_PHASE));
    this.hop = Math.round(sampleRate * 0.1);
    this.blockLen = 4;
  }

  add(block: Float32Array[]): void {
    const n = block[0]?.length ?? 0;
    const [s1, s2] = this.stages;
    for (let i = 0; i < n; i++) {
      let weighted = 0;
      for (let c = 0; c < this.channels; c++) {
        const x = block[c]![i]!;
        const z = this.z[c]!;
        // stage 1 (direct form II transposed)
        const y1 = s1.b0 * x + z[0]!;
        z[0] = s1.b1 * x - s1.a1 * y1 + z[1]!;
        z[1] = s1.b2 * x - s1.a2 * y1;
        const y2 = s2.b0 * y1 + z[2]!;
        z[2] = s2.b1 * y1 - s2.a1 * y2 + z[3]!;
        z[3] = s2.b2 * y1 - s2.a2 * y2;
        weighted += this.weights[c]! * y2 * y2;
        // true peak: sample peak and the 3 interpolated points before this sample
        const a = x < 0 ? -x : x;
        if (a > this.samplePeak) this.samplePeak = a;
        const h = this.hist[c]!;
        h.copyWithin(0, 1);
        h[TAPS_PER_PHASE - 1] = x;
        for (let p = 0; p < PHASES; p++) {
          const f = FIR[p]!;
          let acc = 0;
          for (let k = 0; k < TAPS_PER_PHASE; k++) acc += f[k]! * h[TAPS_PER_PHASE - 1 - k]!;
          const aa = acc < 0 ? -acc : acc;
          if (aa > this.peak) this.peak = aa;
        }
      }
      this.stepSum += weighted;
      if (++this.stepFill === this.hop) {
        this.recentSteps.push(this.stepSum / this.hop);
        if (this.recentSteps.length > this.blockLen) this.recentSteps.shift();
        if (this.recentSteps.length === this.blockLen)
          this.blocks.push(this.recentSteps.reduce((s, v) => s + v, 0) / this.blockLen);
        this.stepSum = 0;
        this.stepFill = 0;
      }
    }
    this.frames += n;
  }

  /** Integrated loudness in LUFS (−Infinity when everything is gated out). */
  integrated(): number {
    const lufs = (ms: number) => -0.691 + 10 * Math.log10(ms);
    const abs = this.blocks.filter((b) => lufs(b) > -70);
    if (abs.length === 0) return Number.NEGATIVE_INFINITY;
    const rel = lufs(abs.reduce((s, b) => s + b, 0) / abs.length) - 10;
    const gated = abs.filter((b) => lufs(b) > rel);
    if (gated.length === 0) return Number.NEGATIVE_INFINITY;
    return lufs(gated.reduce((s, b) => s + b, 0) / gated.length);
  }

  /** True peak in dBTP (the larger of the sample peak and the 4× interpolated peak). */
  truePeak(): number {
    const p = Math.max(this.peak, this.samplePeak);
    return p > 0 ? 20 * Math.log10(p) : Number.NEGATIVE_INFINITY;
  }

  samplePeakDb(): number {
    return this.samplePeak > 0 ? 20 * Math.log10(this.samplePeak) : Number.NEGATIVE_INFINITY;
  }
}
