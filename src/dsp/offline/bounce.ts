import { RadError } from '../../core/errors.ts';
import { type SampleFormat, WavReader, WavWriter } from './wav.ts';

export type BounceTrack = { path: string; gainDb?: number; pan?: number };

/**
 * Sums tracks into a stereo (or mono) stem: per-track gain, constant-power pan (−1 … +1) for mono
 * tracks, stereo tracks kept left/right. Sample rates must match (refused otherwise: resampling
 * would silently change the sound). Reports the peak and clipped samples of the result.
 */
export function bounce(
  tracks: BounceTrack[],
  out: string,
  opts: { channels?: 1 | 2; format?: SampleFormat; onProgress?: (f: number) => void } = {},
) {
  if (tracks.length === 0) throw new RadError('E_BOUNCE_EMPTY', 'nothing to bounce');
  const readers = tracks.map((t) => new WavReader(t.path));
  try {
    const rate = readers[0]!.info.sampleRate;
    const odd = readers.filter((r) => r.info.sampleRate !== rate);
    if (odd.length > 0) {
      throw new RadError(
        'E_BOUNCE_RATE',
        `sample rates differ: ${readers.map((r) => `${r.path} ${r.info.sampleRate} Hz`).join(', ')}; refused (convert first, e.g. sox in.wav -r ${rate} out.wav)`,
        {
          details: { rates: readers.map((r) => ({ file: r.path, sample_rate: r.info.sampleRate })) },
        },
      );
    }
    for (const r of readers)
      if (r.info.channels > 2)
        throw new RadError(
          'E_BOUNCE_CHANNELS',
          `${r.path}: ${r.info.channels} channels; bounce takes mono or stereo tracks`,
        );
    const outCh = opts.channels ?? 2;
    const frames = Math.max(...readers.map((r) => r.info.frames));
    const w = new WavWriter(out, { sampleRate: rate, channels: outCh, format: opts.format ?? 'float32' });
    const B = 65536;
    const gains = tracks.map((t, i) => {
      const g = 10 ** ((t.gainDb ?? 0) / 20);
      const p = Math.max(-1, Math.min(1, t.pan ?? 0));
      const angle = ((p + 1) * Math.PI) / 4; // constant power: −3 dB each side at centre
      return readers[i]!.info.channels === 1
        ? { l: g * Math.cos(angle), r: g * Math.sin(angle), mono: g }
        : { l: g, r: g, mono: g * Math.SQRT1_2 };
    });
    try {
      for (let done = 0; done < frames; done += B) {
        const n = Math.min(B, frames - done);
        const mix = Array.from({ length: outCh }, () => new Float32Array(n));
        readers.forEach((r, i) => {
          const blk = r.read(n);
          if (!blk) return;
          const g = gains[i]!;
          const m = blk[0]!.length;
          if (outCh === 1) for (const ch of blk) for (let j = 0; j < m; j++) mix[0]![j]! += g.mono * ch[j]!;
          else if (blk.length === 1) {
            const x = blk[0]!;
            for (let j = 0; j < m; j++) {
              mix[0]![j]! += g.l * x[j]!;
              mix[1]![j]! += g.r * x[j]!;
            }
          } else
            for (let j = 0; j < m; j++) {
              mix[0]![j]! += g.l * blk[0]![j]!;
              mix[1]![j]! += g.r * blk[1]![j]!;
            }
        });
        w.write(mix);
        opts.onProgress?.((done + n) / frames);
      }
    } catch (e) {
      w.abort();
      throw e;
    }
    return { out, sample_rate: rate, channels: outCh, ...w.close() };
  } finally {
    for (const r of readers) r.close();
  }
}
