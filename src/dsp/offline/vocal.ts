import FFT from 'fft.js';
import { RadError } from '../../core/errors.ts';
import { lowpassZeroPhase } from './filters.ts';
import { WavReader, WavWriter } from './wav.ts';

export type VocalOptions = {
  /** Split-band de-esser (the sibilance frequency found from the take). */
  deess: boolean;
  /** De-esser: how far the sibilant band may be pulled down at most (dB). */
  deessMaxDb: number;
  /** Breaths between phrases lowered by this many dB (negative), or null for none. */
  breathsDb: number | null;
  /** Stationary noise reduction from a noise print learned from the take's quietest stretches. */
  denoise: boolean;
  /** Denoise: the most any bin is lowered (dB); more removes more noise and risks artefacts. */
  denoiseDb: number;
};
export const VOCAL_DEFAULTS: VocalOptions = {
  deess: false,
  deessMaxDb: 10,
  breathsDb: null,
  denoise: false,
  denoiseDb: 15,
};

export type Span = { start_s: number; end_s: number };
export type VocalReport = {
  denoise?: { noise_dbfs: number; after_dbfs: number; reduced_db: number; print_s: number };
  breaths?: { count: number; lowered_db: number; spans: Span[] };
  deess?: { frequency_hz: number; crossover_hz: number; events: number; max_reduction_db: number; spans: Span[] };
};

/** Longest take processed in memory (per channel). */
const MAX_SECONDS = 30 * 60;
const db = (p: number) => 10 * Math.log10(Math.max(p, 1e-20));
const r1 = (x: number) => Math.round(x * 10) / 10;
const r2 = (x: number) => Math.round(x * 100) / 100;

/**
 * Stationary noise reduction: STFT (2048, hop 512, √Hann both ways), a noise print from the
 * quietest 10 % of frames, Wiener gains with decision-directed smoothing of the a-priori SNR
 * (Ephraim–Malah), which keeps the residual noise from turning into "musical noise" tones,
 * floored at −maxDb.
 */
export function denoise(x: Float32Array, fs: number, maxDb: number): NonNullable<VocalReport['denoise']> {
  const N = 2048;
  const H = 512;
  const fft = new FFT(N);
  const win = new Float64Array(N).map((_, i) => Math.sqrt(0.5 - 0.5 * Math.cos((2 * Math.PI * i) / N)));
  const frames = Math.max(0, Math.floor((x.length - N) / H) + 1);
  if (frames < 20) return { noise_dbfs: 0, after_dbfs: 0, reduced_db: 0, print_s: 0 };
  const bins = N / 2 + 1;
  const inBuf = new Array<number>(N);
  const spec = fft.createComplexArray() as number[];
  const outBuf = fft.createComplexArray() as number[];
  // pass 1: the energy of every frame, to find the quietest (the noise print)
  const energy = new Float64Array(frames);
  for (let f = 0; f < frames; f++) {
    let e = 0;
    for (let i = 0; i < N; i++) e += (x[f * H + i]! * win[i]!) ** 2;
    energy[f] = e;
  }
  const order = Array.from(energy.keys()).sort((a, b) => energy[a]! - energy[b]!);
  const quiet = order.slice(0, Math.max(10, Math.floor(frames * 0.1)));
  const noise = new Float64Array(bins);
  for (const f of quiet) {
    for (let i = 0; i < N; i++) inBuf[i] = x[f * H + i]! * win[i]!;
    fft.realTransform(spec, inBuf);
    fft.completeSpectrum(spec);
    for (let k = 0; k < bins; k++) noise[k]! += spec[2 * k]! ** 2 + spec[2 * k + 1]! ** 2;
  }
  for (let k = 0; k < bins; k++) noise[k] = Math.max(noise[k]! / quiet.length, 1e-20);
  const gMin = 10 ** (-maxDb / 20);
  const prevS = new Float64Array(bins); // |Ŝ|² of the previous frame
  const out = new Float32Array(x.length);
  const alpha = 0.98;
  for (let f = 0; f < frames; f++) {
    for (let i = 0; i < N; i++) inBuf[i] = x[f * H + i]! * win[i]!;
    fft.realTransform(spec, inBuf);
    fft.completeSpectrum(spec);
    for (let k = 0; k < bins; k++) {
      const p = spec[2 * k]! ** 2 + spec[2 * k + 1]! ** 2;
      const gamma = p / noise[k]!;
      const xi = alpha * (prevS[k]! / noise[k]!) + (1 - alpha) * Math.max(gamma - 1, 0);
      const g = Math.max(gMin, xi / (1 + xi));
      prevS[k] = g * g * p;
      spec[2 * k]! *= g;
      spec[2 * k + 1]! *= g;
      if (k > 0 && k < N / 2) {
        spec[2 * (N - k)] = spec[2 * k]!;
        spec[2 * (N - k) + 1] = -spec[2 * k + 1]!;
      }
    }
    fft.inverseTransform(outBuf, spec);
    // √Hann twice at 75 % overlap sums to 2
    for (let i = 0; i < N; i++) out[f * H + i]! += (outBuf[2 * i]! * win[i]!) / 2;
  }
  // the edges the frames do not cover stay as they were (fades of the first and last frame)
  const covered = (frames - 1) * H + N;
  for (let i = covered; i < x.length; i++) out[i] = x[i]!;
  let before = 0;
  let after = 0;
  for (const f of quiet)
    for (let i = N / 4; i < (3 * N) / 4; i++) {
      before += x[f * H + i]! ** 2;
      after += out[f * H + i]! ** 2;
    }
  const n = quiet.length * (N / 2);
  x.set(out);
  return {
    noise_dbfs: r1(db(before / n)),
    after_dbfs: r1(db(after / n)),
    reduced_db: r1(db(before / n) - db(after / n)),
    print_s: r1((quiet.length * H) / fs),
  };
}

type Frame = { e: number; voiced: boolean; centroid: number; hf: number };

/** 10 ms frames: energy, voicing (normalised autocorrelation in the 70–400 Hz lag range), spectral centroid, share above 4 kHz. */
function analyse(x: Float32Array, fs: number): { frames: Frame[]; F: number } {
  const F = Math.round(fs / 100);
  const hp = highpassCopy(x, fs, 4000);
  const frames: Frame[] = [];
  // voicing is read at ~12 kHz (a voice's periodicity lives under 3 kHz)
  const D = Math.max(1, Math.floor(fs / 12000));
  const lpv = lowpassZeroPhase(Float64Array.from(x), fs, 3000);
  const v = new Float64Array(Math.floor(x.length / D));
  for (let i = 0; i < v.length; i++) v[i] = lpv[i * D]!;
  const fv = fs / D;
  const lagMin = Math.floor(fv / 400);
  const lagMax = Math.ceil(fv / 70);
  for (let s = 0; s + F <= x.length; s += F) {
    let e = 0;
    let eh = 0;
    let zc = 0;
    for (let i = s; i < s + F; i++) {
      e += x[i]! * x[i]!;
      eh += hp[i]! * hp[i]!;
      if (i > s && x[i]! >= 0 !== x[i - 1]! >= 0) zc++;
    }
    // voicing: the best normalised autocorrelation over a 20 ms window
    let voiced = false;
    const sv = Math.floor(s / D);
    const W = Math.round((2 * F) / D);
    if (e / F > 1e-7 && sv + W + lagMax < v.length) {
      let best = 0;
      let e0 = 0;
      for (let i = sv; i < sv + W; i++) e0 += v[i]! * v[i]!;
      for (let lag = lagMin; lag <= lagMax; lag++) {
        let c = 0;
        let e1 = 0;
        for (let i = sv; i < sv + W; i++) {
          c += v[i]! * v[i + lag]!;
          e1 += v[i + lag]! * v[i + lag]!;
        }
        const r = c / Math.sqrt(e0 * e1 + 1e-20);
        if (r > best) best = r;
      }
      voiced = best > 0.6;
    }
    frames.push({ e: e / F, voiced, centroid: (zc * fs) / (2 * F), hf: eh / Math.max(e, 1e-20) });
  }
  return { frames, F };
}

function highpassCopy(x: Float32Array, fs: number, fc: number): Float64Array {
  const lp = lowpassZeroPhase(Float64Array.from(x), fs, fc);
  for (let i = 0; i < lp.length; i++) lp[i] = x[i]! - lp[i]!;
  return lp;
}

/** The take's speech level: the 95th percentile of frame energy (dBFS). */
function speechLevel(frames: Frame[]): number {
  const e = frames.map((f) => f.e).sort((a, b) => a - b);
  return db(e[Math.floor(e.length * 0.95)] ?? 1e-20);
}

/**
 * Breaths between phrases: unvoiced stretches of 120–900 ms that sit 15–45 dB under the take's
 * speech level and 6 dB over its room noise, with most of their energy under 4 kHz (a sibilant has it above) and a noise-like
 * crossing rate. Each is lowered by `lowerDb` with 10 ms fades — never cut.
 */
export function breaths(
  x: Float32Array,
  fs: number,
  lowerDb: number,
  /** The channels to lower (found on x: a stereo take's mix, so both sides move together). */
  targets: Float32Array[] = [x],
): NonNullable<VocalReport['breaths']> {
  const { frames, F } = analyse(x, fs);
  const level = speechLevel(frames);
  // the room under the take: its 10th-percentile frame; a breath stands 6 dB over it
  const sorted = frames.map((f) => f.e).sort((a, b) => a - b);
  const room = db(sorted[Math.floor(sorted.length * 0.1)] ?? 1e-20);
  const isBreath = (f: Frame) => {
    const rel = db(f.e) - level;
    return !f.voiced && rel < -15 && rel > -45 && db(f.e) > room + 6 && f.hf < 0.5 && f.centroid > 800;
  };
  const spans: Span[] = [];
  const g = 10 ** (lowerDb / 20);
  const fade = Math.round(0.01 * fs);
  let i = 0;
  while (i < frames.length) {
    if (!isBreath(frames[i]!)) {
      i++;
      continue;
    }
    let j = i;
    while (j + 1 < frames.length && (isBreath(frames[j + 1]!) || (j + 2 < frames.length && isBreath(frames[j + 2]!))))
      j++;
    // the breath's soft edges: while the frames stay unvoiced, quieter than speech and over the room
    const edge = (f: Frame) => !f.voiced && db(f.e) > room + 1.5 && db(f.e) - level < -15;
    let a0 = i;
    while (a0 > 0 && i - a0 < 30 && edge(frames[a0 - 1]!)) a0--;
    let j0 = j;
    while (j0 + 1 < frames.length && j0 - j < 30 && edge(frames[j0 + 1]!)) j0++;
    const core = (j - i + 1) / 100;
    const dur = (j0 - a0 + 1) / 100;
    if (core >= 0.08 && dur >= 0.12 && dur <= 0.9) {
      const a = a0 * F;
      const b = Math.min(x.length, (j0 + 1) * F);
      for (let n = a; n < b; n++) {
        const t = Math.min(1, (n - a) / fade, (b - n) / fade);
        for (const y of targets) y[n]! *= 1 - (1 - g) * t;
      }
      spans.push({ start_s: r2(a / fs), end_s: r2(b / fs) });
    }
    i = j + 1;
  }
  return { count: spans.length, lowered_db: lowerDb, spans };
}

/**
 * Split-band de-esser: the sibilance frequency is the peak (4–11 kHz) of the average spectrum of
 * the take's sibilant frames (unvoiced, most energy above 4 kHz, near speech level); the band
 * above a crossover at 0.6× that frequency (x minus its zero-phase low-pass: the two bands sum
 * back exactly) is pulled down where it stands over the rest of the voice (over 15 ms), at 10:1,
 * at most `maxDb`, with 1 ms attack and 30 ms release.
 */
export function deess(
  x: Float32Array,
  fs: number,
  maxDb: number,
  /** The channels whose band is pulled down (the gain found on x: a stereo take's mix). */
  targets: Float32Array[] = [x],
): NonNullable<VocalReport['deess']> {
  const { frames, F } = analyse(x, fs);
  const level = speechLevel(frames);
  const sib = frames.map((f) => !f.voiced && f.hf > 0.6 && db(f.e) > level - 30);
  // the sibilance frequency: the peak of the sibilant frames' average spectrum
  const N = 1024;
  const fft = new FFT(N);
  const inBuf = new Array<number>(N).fill(0);
  const spec = fft.createComplexArray() as number[];
  const avg = new Float64Array(N / 2 + 1);
  let used = 0;
  for (let f = 0; f < frames.length && used < 400; f++) {
    if (!sib[f] || f * F + N > x.length) continue;
    for (let i = 0; i < N; i++) inBuf[i] = x[f * F + i]! * (0.5 - 0.5 * Math.cos((2 * Math.PI * i) / N));
    fft.realTransform(spec, inBuf);
    for (let k = 0; k <= N / 2; k++) avg[k]! += spec[2 * k]! ** 2 + spec[2 * k + 1]! ** 2;
    used++;
  }
  let peakK = Math.round((6500 * N) / fs);
  if (used > 0) {
    let best = -1;
    for (let k = Math.round((4000 * N) / fs); k <= Math.min(N / 2, Math.round((11000 * N) / fs)); k++)
      if (avg[k]! > best) {
        best = avg[k]!;
        peakK = k;
      }
  }
  const freq = (peakK * fs) / N;
  const cross = Math.max(3000, 0.6 * freq);
  const low = lowpassZeroPhase(Float64Array.from(x), fs, cross);
  // sidechain: the high band's level against the rest of the voice, per 1 ms
  const S = Math.max(1, Math.round(fs / 1000));
  const attack = 1 - Math.exp(-1 / 1);
  const release = 1 - Math.exp(-1 / 30);
  let gDb = 0;
  let maxRed = 0;
  const spans: Span[] = [];
  let inEvent = -1;
  const nb = Math.ceil(x.length / S);
  const gains = new Float32Array(nb + 1);
  const bh = new Float64Array(nb);
  const bl = new Float64Array(nb);
  for (let b = 0; b < nb; b++)
    for (let i = b * S; i < Math.min(x.length, (b + 1) * S); i++) {
      const h = x[i]! - low[i]!;
      bh[b]! += h * h;
      bl[b]! += low[i]! * low[i]!;
    }
  // the sidechain looks at 15 ms around each millisecond: a sibilant lasts (50–200 ms), the
  // burst of a t or k (a few ms) does not
  const W = 7;
  for (let b = 0; b < nb; b++) {
    let eh = 0;
    let el = 0;
    for (let k = Math.max(0, b - W); k <= Math.min(nb - 1, b + W); k++) {
      eh += bh[k]!;
      el += bl[k]!;
    }
    const over = db(eh) - db(el);
    const loud = db(eh / (S * (2 * W + 1))) > level - 30;
    // 10:1 above the rest of the voice: a sibilant is brought down to about the voice's own level
    const want = loud && over > 0 ? -Math.min(maxDb, over * 0.9) : 0;
    gDb += (want - gDb) * (want < gDb ? attack : release);
    gains[b] = gDb;
    if (gDb < -1 && inEvent < 0) inEvent = b;
    if (gDb >= -1 && inEvent >= 0) {
      if (b - inEvent >= 20) spans.push({ start_s: r2((inEvent * S) / fs), end_s: r2((b * S) / fs) });
      inEvent = -1;
    }
    maxRed = Math.min(maxRed, gDb);
  }
  for (const y of targets) {
    const yl = y === x ? low : lowpassZeroPhase(Float64Array.from(y), fs, cross);
    for (let i = 0; i < y.length; i++) {
      const b = i / S;
      const k = Math.floor(b);
      const gd = gains[k]! + (gains[Math.min(gains.length - 1, k + 1)]! - gains[k]!) * (b - k);
      y[i] = yl[i]! + (y[i]! - yl[i]!) * 10 ** (gd / 20);
    }
  }
  return {
    frequency_hz: Math.round(freq),
    crossover_hz: Math.round(cross),
    events: spans.length,
    max_reduction_db: r1(-maxRed),
    spans,
  };
}

/** Vocal cleanup of a file: denoise, then breaths, then de-essing, each only when asked; every step reported. */
export function vocalFile(
  input: string,
  output: string,
  o: VocalOptions,
  onProgress?: (f: number) => void,
): { report: VocalReport; result: ReturnType<WavWriter['close']> } {
  if (!o.deess && o.breathsDb === null && !o.denoise)
    throw new RadError('E_PREP_OPTION', 'choose at least one step: deess, breaths or denoise');
  if (o.breathsDb !== null && !(o.breathsDb < 0 && o.breathsDb >= -40))
    throw new RadError('E_PREP_OPTION', `breaths: lower by −1…−40 dB (got ${o.breathsDb})`);
  const r = new WavReader(input);
  const { channels, frames, sampleRate } = r.info;
  if (frames / sampleRate > MAX_SECONDS) {
    r.close();
    throw new RadError(
      'E_PREP_TOO_LONG',
      `vocal cleanup works on takes up to ${MAX_SECONDS / 60} minutes (this one is ${Math.round(frames / sampleRate / 60)})`,
    );
  }
  const data = Array.from({ length: channels }, () => new Float32Array(frames));
  try {
    let pos = 0;
    for (let b = r.read(sampleRate * 10); b; b = r.read(sampleRate * 10)) {
      for (let c = 0; c < channels; c++) data[c]!.set(b[c]!, pos);
      pos += b[0]!.length;
    }
  } finally {
    r.close();
  }
  const report: VocalReport = {};
  // noise is each channel's own; breaths and sibilance are found on the mix and move every
  // channel together (a stereo take keeps its image)
  if (o.denoise)
    data.forEach((x, c) => {
      const d = denoise(x, sampleRate, o.denoiseDb);
      if (c === 0) report.denoise = d;
      onProgress?.((c + 1) / channels / 3);
    });
  const mix = () => {
    if (channels === 1) return data[0]!;
    const m = new Float32Array(frames);
    for (const x of data) for (let i = 0; i < frames; i++) m[i]! += x[i]! / channels;
    return m;
  };
  if (o.breathsDb !== null) report.breaths = breaths(mix(), sampleRate, o.breathsDb, data);
  onProgress?.(2 / 3);
  if (o.deess) report.deess = deess(mix(), sampleRate, o.deessMaxDb, data);
  onProgress?.(1);
  const w = new WavWriter(output, { sampleRate, channels, format: r.info.format, extraChunks: r.info.extraChunks });
  try {
    for (let pos = 0; pos < frames; pos += sampleRate * 10)
      w.write(data.map((x) => x.subarray(pos, Math.min(frames, pos + sampleRate * 10))));
  } catch (e) {
    w.abort();
    throw e;
  }
  return { report, result: w.close() };
}
