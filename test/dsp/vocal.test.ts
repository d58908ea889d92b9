// Vocal cleanup measured on a take made here (test/fixtures/corpus.ts): espeak-ng phrases with
// breaths in the pauses, some of the speech's own sibilants made harsh, and room noise, each
// known, so every step is scored against the take without it (the scorers are the bench's too).
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { lowpassZeroPhase } from '../../src/dsp/offline/filters.ts';
import { breaths, deess, denoise, VOCAL_DEFAULTS, vocalFile } from '../../src/dsp/offline/vocal.ts';
import { WavReader, WavWriter } from '../../src/dsp/offline/wav.ts';
import {
  FS,
  phrases,
  readMono,
  scoreBreaths,
  scoreDeess,
  scoreDenoise,
  type VocalCorpus,
  vocalTake,
  writeMono,
} from '../fixtures/corpus.ts';
import { tempDir } from '../helpers.ts';

let dir: string;
let take: VocalCorpus;
beforeAll(() => {
  dir = tempDir('rad-vocal-');
  take = vocalTake(phrases(dir, 40), 20);
}, 60000);

describe('vocal cleanup', () => {
  it('breaths: every inserted breath found and nothing else, each lowered by about the asked 12 dB, never cut', () => {
    const x = Float32Array.from(take.damaged);
    const r = breaths(x, FS, -12);
    const s = scoreBreaths(take, r.spans, x);
    console.log(`breaths: ${take.breaths.length} inserted, ${JSON.stringify(s)}`);
    expect(take.breaths.length).toBeGreaterThanOrEqual(8);
    expect(s.recall).toBeGreaterThanOrEqual(0.95);
    expect(s.precision).toBeGreaterThanOrEqual(0.95);
    expect(s.lowered_db_min).toBeGreaterThan(8);
    expect(s.lowered_db_mean).toBeLessThan(13.5);
    // the rest of the take is untouched
    let outside = 0;
    let changed = 0;
    for (let i = 0; i < x.length; i++) {
      if (r.spans.some((p) => i >= p.start_s * FS - 480 && i < p.end_s * FS + 480)) continue;
      outside += take.damaged[i]! ** 2;
      changed += (x[i]! - take.damaged[i]!) ** 2;
    }
    expect(changed).toBe(0);
    expect(outside).toBeGreaterThan(0);
  });

  it('de-esser: finds the sibilance frequency, pulls every harsh sibilant down, leaves the voice below the crossover', () => {
    const x = Float32Array.from(take.damaged);
    const r = deess(x, FS, 10);
    const s = scoreDeess(take, r, x, lowpassZeroPhase);
    console.log(`de-esser: ${r.frequency_hz} Hz, crossover ${r.crossover_hz} Hz, ${JSON.stringify(s)}`);
    expect(r.frequency_hz).toBeGreaterThan(4000);
    expect(r.frequency_hz).toBeLessThan(9500);
    expect(s.recall).toBeGreaterThanOrEqual(0.95);
    expect(s.precision).toBeGreaterThanOrEqual(0.95);
    expect(s.harsh_lowered_db).toBeGreaterThanOrEqual(6);
    expect(s.voice_change_db).toBeLessThan(-30);
  });

  it('denoise: the room noise in the pauses drops ≥ 10 dB, the speech keeps its signal-to-noise ratio', () => {
    const x = Float32Array.from(take.damaged);
    const r = denoise(x, FS, VOCAL_DEFAULTS.denoiseDb);
    const s = scoreDenoise(take, x);
    console.log(`denoise: ${JSON.stringify(r)} ${JSON.stringify(s)}`);
    expect(r.reduced_db).toBeGreaterThanOrEqual(10);
    expect(s.pause_noise_lowered_db).toBeGreaterThanOrEqual(10);
    expect(s.speech_snr_after_db).toBeGreaterThan(s.speech_snr_before_db - 1);
  });

  it('a stereo take: breaths and sibilance found on the mix move both sides together (the image stays)', () => {
    const input = join(dir, 'stereo.wav');
    const left = take.damaged;
    const right = left.map((v) => 0.5 * v); // panned left of centre
    const w = new WavWriter(input, { sampleRate: FS, channels: 2, format: 'float32' });
    w.write([left, right]);
    w.close();
    const out = join(dir, 'stereo.vocal.wav');
    const { report } = vocalFile(input, out, { ...VOCAL_DEFAULTS, deess: true, breathsDb: -12 });
    expect(report.breaths!.count).toBeGreaterThanOrEqual(8);
    const r = new WavReader(out);
    let worst = 0;
    let changed = 0;
    for (let b = r.read(FS); b; b = r.read(FS))
      for (let i = 0; i < b[0]!.length; i++) {
        worst = Math.max(worst, Math.abs(b[1]![i]! - 0.5 * b[0]![i]!));
        changed += b[0]![i]! !== left[r.position - b[0]!.length + i] ? 1 : 0;
      }
    r.close();
    expect(changed).toBeGreaterThan(0);
    expect(worst).toBeLessThan(1e-5);
  });

  it.each([
    { rate: 44100, format: 'int16' as const, channels: 2 },
    { rate: 96000, format: 'int32' as const, channels: 1 },
    { rate: 192000, format: 'int24' as const, channels: 1 },
  ])('$rate Hz $format × $channels: all three steps run, length and format kept', ({ rate, format, channels }) => {
    const input = join(dir, `fmt-${rate}.wav`);
    const n = Math.min(take.damaged.length, rate * 8);
    const w = new WavWriter(input, { sampleRate: rate, channels, format });
    w.write(Array.from({ length: channels }, () => take.damaged.subarray(0, n)));
    w.close();
    const out = join(dir, `fmt-${rate}.vocal.wav`);
    const { report, result } = vocalFile(input, out, { ...VOCAL_DEFAULTS, deess: true, breathsDb: -12, denoise: true });
    expect(result.frames).toBe(n);
    expect(Object.keys(report).sort()).toEqual(['breaths', 'deess', 'denoise']);
    const r = new WavReader(out);
    expect(r.info).toMatchObject({ sampleRate: rate, format, channels, frames: n });
    r.close();
  });

  it('a file: steps chosen by options, the input never modified, bad options and bad files refused with a code', () => {
    const input = join(dir, 'take.wav');
    writeMono(input, take.damaged);
    const hash = () => createHash('sha256').update(readFileSync(input)).digest('hex');
    const h0 = hash();
    const out = join(dir, 'take.vocal.wav');
    const { report, result } = vocalFile(input, out, { ...VOCAL_DEFAULTS, deess: true, breathsDb: -12, denoise: true });
    expect(hash()).toBe(h0);
    expect(Object.keys(report).sort()).toEqual(['breaths', 'deess', 'denoise']);
    expect(result.frames).toBe(take.damaged.length);
    expect(readMono(out).length).toBe(take.damaged.length);
    const code = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return (e as { code?: string }).code;
      }
      return undefined;
    };
    expect(code(() => vocalFile(input, out, VOCAL_DEFAULTS))).toBe('E_PREP_OPTION');
    expect(code(() => vocalFile(input, out, { ...VOCAL_DEFAULTS, breathsDb: 6 }))).toBe('E_PREP_OPTION');
    const empty = join(dir, 'empty.wav');
    writeMono(empty, new Float32Array(0));
    expect(code(() => vocalFile(empty, join(dir, 'e.vocal.wav'), { ...VOCAL_DEFAULTS, denoise: true }))).toBe(
      'E_WAV_EMPTY',
    );
    const junk = join(dir, 'junk.wav');
    writeFileSync(junk, 'not audio');
    expect(code(() => vocalFile(junk, join(dir, 'j.vocal.wav'), { ...VOCAL_DEFAULTS, denoise: true }))).toBe(
      'E_WAV_NOT_WAV',
    );
  });
});
