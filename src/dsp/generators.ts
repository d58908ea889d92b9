import { mulberry32 } from '../core/random.ts';
import { rawRmsFor, sinePeak } from './units.ts';

/** What an output plays. Levels are AES17 dBFS (a full-scale sine is 0 dBFS). */
export type SignalSpec =
  | { kind: 'sine'; freq: number; level_dbfs: number; phase?: number }
  | { kind: 'multitone'; tones: Array<{ freq: number; level_dbfs: number; phase?: number }> }
  | { kind: 'white' | 'pink'; level_dbfs: number; seed?: number }
  | { kind: 'sweep'; f1: number; f2: number; seconds: number; level_dbfs: number; gap_seconds?: number }
  | { kind: 'ident'; pattern: 'glits' | 'ebu'; leg: 'left' | 'right'; freq?: number; level_dbfs: number };

export const MAX_LEVEL_DBFS = 0;
export const MIN_LEVEL_DBFS = -120;

/** Returns a reason when a spec cannot be played (out-of-range level or frequency), else undefined. */
export function checkSignal(spec: SignalSpec, sampleRate: number): string | undefined {
  const nyq = sampleRate / 2;
  const lvl = (l: number, what = 'level_dbfs') =>
    !(l >= MIN_LEVEL_DBFS && l <= MAX_LEVEL_DBFS)
      ? `${what} ${l} is outside ${MIN_LEVEL_DBFS}..${MAX_LEVEL_DBFS} dBFS`
      : undefined;
  const freq = (f: number) =>
    !(f > 0 && f < nyq) ? `frequency ${f} Hz is outside 0..${nyq} Hz (Nyquist at ${sampleRate} Hz)` : undefined;
  switch (spec.kind) {
    case 'sine':
      return lvl(spec.level_dbfs) ?? freq(spec.freq);
    case 'multitone': {
      if (spec.tones.length === 0 || spec.tones.length > 256) return 'multitone needs 1..256 tones';
      for (const t of spec.tones) {
        const r = lvl(t.level_dbfs) ?? freq(t.freq);
        if (r) return r;
      }
      const peak = spec.tones.reduce((s, t) => s + sinePeak(t.level_dbfs), 0);
      return peak > 1.0001
        ? `multitone peaks could reach ${(20 * Math.log10(peak)).toFixed(1)} dBFS (> 0): lower the tone levels`
        : undefined;
    }
    case 'white':
    case 'pink':
      return (
        lvl(spec.level_dbfs) ??
        (spec.level_dbfs > -6
          ? `noise at ${spec.level_dbfs} dBFS RMS would clip (crest factor ~12 dB); use <= -6`
          : undefined)
      );
    case 'sweep':
      return (
        lvl(spec.level_dbfs) ??
        freq(spec.f1) ??
        freq(spec.f2) ??
        (spec.seconds > 0 && spec.seconds <= 60 ? undefined : `sweep seconds ${spec.seconds} outside 0..60`)
      );
    case 'ident':
      return lvl(spec.level_dbfs) ?? freq(spec.freq ?? 1000);
  }
}

const RAMP_SECONDS = 0.005;

/**
 * One output's generator: fills preallocated blocks sample by sample, no allocation in fill().
 * Starts and stops with a 5 ms linear ramp so switching never clicks.
 */
export class Generator {
  private gain = 0;
  private target = 1;
  private readonly step: number;
  private t = 0; // samples since start
  // oscillator bank: complex rotators (cos, sin) per tone
  private readonly re: Float64Array;
  private readonly im: Float64Array;
  private readonly cr: Float64Array;
  private readonly ci: Float64Array;
  private readonly amp: Float64Array;
  private readonly rng: () => number;
  private readonly pink = new Float64Array(7);
  private noiseGain = 0;

  constructor(
    readonly spec: SignalSpec,
    readonly sampleRate: number,
  ) {
    this.step = 1 / Math.max(1, Math.round(RAMP_SECONDS * sampleRate));
    const tones =
      spec.kind === 'sine'
        ? [{ freq: spec.freq, level_dbfs: spec.level_dbfs, phase: spec.phase ?? 0 }]
        : spec.kind === 'multitone'
          ? spec.tones
          : spec.kind === 'ident'
            ? [{ freq: spec.freq ?? 1000, level_dbfs: spec.level_dbfs, phase: 0 }]
            : [];
    const n = tones.length;
    this.re = new Float64Array(n);
    this.im = new Float64Array(n);
    this.cr = new Float64Array(n);
    this.ci = new Float64Array(n);
    this.amp = new Float64Array(n);
    tones.forEach((tone, i) => {
      const w = (2 * Math.PI * tone.freq) / sampleRate;
      const ph = tone.phase ?? 0;
      this.re[i] = Math.cos(ph);
      this.im[i] = Math.sin(ph);
      this.cr[i] = Math.cos(w);
      this.ci[i] = Math.sin(w);
      this.amp[i] = sinePeak(tone.level_dbfs);
    });
    this.rng = mulberry32(spec.kind === 'white' || spec.kind === 'pink' ? (spec.seed ?? 12345) : 1);
    if (spec.kind === 'white') this.noiseGain = rawRmsFor(spec.level_dbfs) * Math.sqrt(3) * 2; // uniform [-0.5,0.5) has RMS 1/sqrt(12)
    if (spec.kind === 'pink') this.noiseGain = rawRmsFor(spec.level_dbfs) / PINK_RMS_PER_UNIT;
  }

  /** Fades to silence; `done` is true once the ramp has finished. */
  stop(): void {
    this.target = 0;
  }

  get done(): boolean {
    return this.target === 0 && this.gain === 0;
  }

  /** Writes n samples into out[offset…]. */
  fill(out: Float32Array, offset: number, n: number): void {
    const spec = this.spec;
    for (let j = 0; j < n; j++) {
      // ramp
      if (this.gain !== this.target) {
        this.gain =
          this.gain < this.target
            ? Math.min(this.target, this.gain + this.step)
            : Math.max(this.target, this.gain - this.step);
      }
      let v = 0;
      switch (spec.kind) {
        case 'sine':
        case 'multitone':
        case 'ident':
          v = this.oscillators();
          if (spec.kind === 'ident') v *= this.identGate(spec.pattern, spec.leg);
          break;
        case 'white':
          v = (this.rng() - 0.5) * this.noiseGain;
          break;
        case 'pink':
          v = this.pinkSample() * this.noiseGain;
          break;
        case 'sweep':
          v = this.sweepSample(spec);
          break;
      }
      out[offset + j] = v * this.gain;
      this.t++;
    }
    // keep the rotators on the unit circle
    if ((this.t & 1023) < n)
      for (let i = 0; i < this.re.length; i++) {
        const m = Math.hypot(this.re[i]!, this.im[i]!);
        this.re[i]! /= m;
        this.im[i]! /= m;
      }
  }

  private oscillators(): number {
    let v = 0;
    const re = this.re;
    const im = this.im;
    for (let i = 0; i < re.length; i++) {
      const r = re[i]!;
      const m = im[i]!;
      v += this.amp[i]! * m;
      re[i] = r * this.cr[i]! - m * this.ci[i]!;
      im[i] = r * this.ci[i]! + m * this.cr[i]!;
    }
    return v;
  }

  /** GLITS (4 s cycle) and EBU Tech 3304 (3 s cycle) interruption patterns, 1 ms edges. */
  private identGate(pattern: 'glits' | 'ebu', leg: 'left' | 'right'): number {
    const fs = this.sampleRate;
    const cycle = pattern === 'glits' ? 4 : 3;
    const tc = (this.t % Math.round(cycle * fs)) / fs;
    const gaps: Array<[number, number]> =
      pattern === 'glits'
        ? leg === 'left'
          ? [[0, 0.25]]
          : [
              [0.5, 0.75],
              [1.0, 1.25],
            ]
        : leg === 'left'
          ? [[0, 0.25]]
          : [];
    const edge = 0.001;
    let g = 1;
    for (const [a, b] of gaps) {
      if (tc >= a && tc < b) {
        g = Math.min(1, Math.max(0, tc - a < edge ? 1 - (tc - a) / edge : b - tc < edge ? 1 - (b - tc) / edge : 0));
      }
    }
    return g;
  }

  // Paul Kellet's refined pink filter on white noise
  private pinkSample(): number {
    const w = this.rng() * 2 - 1;
    const b = this.pink;
    b[0] = 0.99886 * b[0]! + w * 0.0555179;
    b[1] = 0.99332 * b[1]! + w * 0.0750759;
    b[2] = 0.969 * b[2]! + w * 0.153852;
    b[3] = 0.8665 * b[3]! + w * 0.3104856;
    b[4] = 0.55 * b[4]! + w * 0.5329522;
    b[5] = -0.7616 * b[5]! - w * 0.016898;
    const out = b[0]! + b[1]! + b[2]! + b[3]! + b[4]! + b[5]! + b[6]! + w * 0.5362;
    b[6] = w * 0.115926;
    return out;
  }

  /** Exponential sweep (Farina) with 5 ms fades, repeating after an optional gap. */
  private sweepSample(spec: Extract<SignalSpec, { kind: 'sweep' }>): number {
    const fs = this.sampleRate;
    const len = Math.round(spec.seconds * fs);
    const period = len + Math.round((spec.gap_seconds ?? 0) * fs);
    const n = this.t % period;
    if (n >= len) return 0;
    const T = spec.seconds;
    const L = Math.log(spec.f2 / spec.f1);
    const t = n / fs;
    const phase = ((2 * Math.PI * spec.f1 * T) / L) * (Math.exp((t * L) / T) - 1);
    const fade = Math.round(RAMP_SECONDS * fs);
    const env = n < fade ? n / fade : len - n < fade ? (len - n) / fade : 1;
    return sinePeak(spec.level_dbfs) * env * Math.sin(phase);
  }
}

/** RMS of the Kellet pink filter's output for uniform white input in [-1, 1) (measured, 10 M samples). */
export const PINK_RMS_PER_UNIT = 1.7671;
