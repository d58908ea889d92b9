const NOTE_NAMES = ['C', 'C#', 'D', 'D#', 'E', 'F', 'F#', 'G', 'G#', 'A', 'A#', 'B'];

export type Pitch = { hz: number; note: string; cents: number; confidence: number };

/** Note name and cents off equal temperament (A4 = `a4` Hz). */
export function noteOf(hz: number, a4 = 440): { note: string; cents: number } {
  const midi = 69 + 12 * Math.log2(hz / a4);
  const nearest = Math.round(midi);
  return {
    note: `${NOTE_NAMES[((nearest % 12) + 12) % 12]}${Math.floor(nearest / 12) - 1}`,
    cents: Math.round((midi - nearest) * 1000) / 10,
  };
}

/**
 * YIN pitch estimator (de Cheveigné & Kawahara 2002): cumulative-mean-normalised difference,
 * absolute threshold, parabolic interpolation. Preallocated for a window size.
 */
export class Yin {
  private readonly d: Float64Array;

  constructor(
    readonly sampleRate: number,
    readonly window: number,
    readonly minHz = 30,
    readonly threshold = 0.1,
  ) {
    this.d = new Float64Array(Math.min(Math.floor(sampleRate / minHz), window) + 2);
  }

  /** Pitch of x[offset … offset+window+maxTau), or null when nothing periodic is found. */
  detect(x: Float32Array, offset = 0, a4 = 440): Pitch | null {
    const W = this.window;
    const maxTau = Math.min(this.d.length - 2, x.length - offset - W);
    if (maxTau < 4) return null;
    const d = this.d;
    d[0] = 1;
    let running = 0;
    let tauFound = -1;
    for (let tau = 1; tau <= maxTau; tau++) {
      let acc = 0;
      for (let i = offset; i < offset + W; i++) {
        const diff = x[i]! - x[i + tau]!;
        acc += diff * diff;
      }
      running += acc;
      d[tau] = running > 0 ? (acc * tau) / running : 1;
      if (tauFound < 0 && tau > 2 && d[tau - 1]! < this.threshold && d[tau - 1]! <= d[tau]!) {
        tauFound = tau - 1;
        break;
      }
    }
    if (tauFound < 0) return null;
    const t = tauFound;
    const y0 = d[t - 1]!;
    const y1 = d[t]!;
    const y2 = d[t + 1]!;
    const den = y0 - 2 * y1 + y2;
    const tau = den !== 0 ? t + (0.5 * (y0 - y2)) / den : t;
    const hz = this.sampleRate / tau;
    return { hz, ...noteOf(hz, a4), confidence: 1 - y1 };
  }
}
