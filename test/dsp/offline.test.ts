import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../src/core/random.ts';
import { bounce } from '../../src/dsp/offline/bounce.ts';
import { DECLICK_DEFAULTS, declickFile } from '../../src/dsp/offline/declick.ts';
import { GATE_DEFAULTS, gateFile } from '../../src/dsp/offline/gate.ts';
import { findRegions, hopPeaks, renderRegions, SILENCE_DEFAULTS } from '../../src/dsp/offline/silence.ts';
import { readWavInfo, type SampleFormat, WavReader, WavWriter } from '../../src/dsp/offline/wav.ts';
import { tempDir } from '../helpers.ts';

const FS = 48000;
const dir = tempDir('rad-prep-');
const hash = (f: string) => createHash('sha256').update(readFileSync(f)).digest('hex');

function writeWav(
  name: string,
  chans: Float32Array[],
  format: SampleFormat = 'float32',
  sampleRate = FS,
  extra?: Array<{ id: string; data: Buffer }>,
): string {
  const p = join(dir, name);
  const w = new WavWriter(p, { sampleRate, channels: chans.length, format, extraChunks: extra });
  w.write(chans);
  w.close();
  return p;
}

function readAll(p: string): Float32Array[] {
  const r = new WavReader(p);
  const out = Array.from({ length: r.info.channels }, () => new Float32Array(r.info.frames));
  let pos = 0;
  for (let b = r.read(10000); b; b = r.read(10000)) {
    for (const [i, c] of b.entries()) out[i]!.set(c, pos);
    pos += b[0]!.length;
  }
  r.close();
  return out;
}

const tone = (n: number, f: number, a: number, from = 0, to = n) =>
  new Float32Array(n).map((_, i) => (i >= from && i < to ? a * Math.sin((2 * Math.PI * f * i) / FS) : 0));

describe('WAV I/O', () => {
  it.each(['int16', 'int24', 'int32', 'float32'] as const)('%s round-trips (stereo), keeps a BWF bext chunk', (fmt) => {
    const l = tone(4800, 1000, 0.5);
    const r = tone(4800, 500, -0.25);
    const bext = Buffer.from('rad test description'.padEnd(256, '\0'));
    const p = writeWav(`rt-${fmt}.wav`, [l, r], fmt, 44100, [{ id: 'bext', data: bext }]);
    const info = readWavInfo(p);
    expect(info).toMatchObject({ channels: 2, sampleRate: 44100, format: fmt, frames: 4800 });
    expect(info.extraChunks.find((c) => c.id === 'bext')!.data.equals(bext)).toBe(true);
    const [l2, r2] = readAll(p);
    const tol = fmt === 'int16' ? 1 / 32768 : 1e-6;
    for (let i = 0; i < 4800; i += 37) {
      expect(Math.abs(l2![i]! - l[i]!)).toBeLessThanOrEqual(tol);
      expect(Math.abs(r2![i]! - r[i]!)).toBeLessThanOrEqual(tol);
    }
    // sox agrees on what the file holds
    expect(execFileSync('soxi', ['-s', p], { encoding: 'utf8' }).trim()).toBe('4800');
  });

  it('RF64 (over 4 GB): the writer turns its JUNK placeholder into ds64, the reader follows ds64; sox agrees', () => {
    // a small file made RF64 the way a 5 GB print becomes one (the threshold lowered for the test)
    const l = tone(9600, 1000, 0.5);
    const p = join(dir, 'rf64.wav');
    const w = new WavWriter(p, { sampleRate: FS, channels: 1, format: 'int24', rf64Above: 0 });
    w.write([l]);
    w.close();
    const raw = readFileSync(p);
    expect(raw.toString('latin1', 0, 4)).toBe('RF64');
    expect(raw.readUInt32LE(4)).toBe(0xffffffff);
    expect(raw.toString('latin1', 12, 16)).toBe('ds64');
    expect(raw.readUInt32LE(12 + 8 + 8)).toBe(9600 * 3); // ds64 data size (low word)
    const info = readWavInfo(p);
    expect(info).toMatchObject({ frames: 9600, format: 'int24', channels: 1 });
    expect(info.extraChunks.map((c) => c.id)).not.toContain('ds64');
    const [back] = readAll(p);
    expect(Math.abs(back![1234]! - l[1234]!)).toBeLessThan(1e-6);
    expect(execFileSync('soxi', ['-s', p], { encoding: 'utf8' }).trim()).toBe('9600');
    // an ordinary file keeps RIFF, its placeholder a JUNK chunk nothing carries over
    const q = writeWav('plain.wav', [l], 'int16');
    expect(readFileSync(q).toString('latin1', 12, 16)).toBe('JUNK');
    expect(readWavInfo(q).extraChunks).toEqual([]);
  });

  it('a float WAV is written as WAVE asks of a non-PCM format: an 18-byte fmt (cbSize 0) and a fact chunk with the frames; sox reads it without a warning', () => {
    const l = tone(4801, 1000, 0.5);
    const p = join(dir, 'float.wav');
    const w = new WavWriter(p, { sampleRate: FS, channels: 1, format: 'float32' });
    w.write([l]);
    w.close();
    const raw = readFileSync(p);
    const fmtAt = raw.indexOf('fmt ', 12, 'latin1');
    expect(raw.readUInt32LE(fmtAt + 4)).toBe(18);
    expect(raw.readUInt16LE(fmtAt + 8)).toBe(3);
    expect(raw.readUInt16LE(fmtAt + 8 + 16)).toBe(0); // cbSize
    expect(raw.toString('latin1', fmtAt + 26, fmtAt + 30)).toBe('fact');
    expect(raw.readUInt32LE(fmtAt + 34)).toBe(4801);
    const soxi = spawnSync('soxi', ['-s', p], { encoding: 'utf8' });
    expect(soxi.stdout.trim()).toBe('4801');
    expect(soxi.stderr).toBe('');
    expect(readWavInfo(p)).toMatchObject({ frames: 4801, format: 'float32' });
    expect(readWavInfo(p).extraChunks).toEqual([]);
    // RF64: the fact count says "see ds64", whose sample count holds it
    const q = join(dir, 'float-rf64.wav');
    const w2 = new WavWriter(q, { sampleRate: FS, channels: 1, format: 'float32', rf64Above: 0 });
    w2.write([l]);
    w2.close();
    const r2 = readFileSync(q);
    const f2 = r2.indexOf('fmt ', 12, 'latin1');
    expect(r2.readUInt32LE(f2 + 34)).toBe(0xffffffff);
    expect(r2.readUInt32LE(12 + 8 + 16)).toBe(4801); // ds64 sampleCount (low word)
    expect(readWavInfo(q)).toMatchObject({ frames: 4801, format: 'float32' });
    expect(execFileSync('soxi', ['-s', q], { encoding: 'utf8' }).trim()).toBe('4801');
  });

  it('refuses what is not a WAV, a truncated file (lying header) and an empty one, with codes', () => {
    const txt = join(dir, 'not.wav');
    writeFileSync(txt, 'hello, I am not audio at all');
    expect(() => readWavInfo(txt)).toThrow(expect.objectContaining({ code: 'E_WAV_NOT_WAV' }));
    const p = writeWav('trunc.wav', [tone(48000, 1000, 0.5)], 'int16');
    truncateSync(p, 20000);
    expect(() => readWavInfo(p)).toThrow(expect.objectContaining({ code: 'E_WAV_TRUNCATED' }));
    const empty = writeWav('empty.wav', [new Float32Array(0)]);
    expect(() => readWavInfo(empty)).toThrow(expect.objectContaining({ code: 'E_WAV_EMPTY' }));
  });
});

describe('strip silence', () => {
  // bursts with known edges (samples) over a -70 dBFS noise floor
  const N = FS * 4;
  const bursts: Array<[number, number]> = [
    [24000, 48000],
    [72000, 120000],
    [150000, 160000],
  ];
  const rng = mulberry32(2);
  const x = new Float32Array(N).map(
    (_, i) =>
      (rng() - 0.5) * 2 * 10 ** (-70 / 20) +
      (bursts.some(([a, b]) => i >= a && i < b) ? 0.3 * Math.sin((2 * Math.PI * 440 * i) / FS) : 0),
  );
  const src = writeWav('bursts.wav', [x], 'int24');

  it('finds region edges within 1 ms; short gaps are bridged, short regions dropped', () => {
    const { peaks, hop, info } = hopPeaks(src);
    const exact = findRegions(peaks, hop, info.sampleRate, info.frames, {
      ...SILENCE_DEFAULTS,
      preMs: 0,
      postMs: 0,
      minGapMs: 20,
      minRegionMs: 100,
    });
    expect(exact).toHaveLength(3);
    exact.forEach((r, i) => {
      expect(Math.abs(r.start - bursts[i]![0])).toBeLessThanOrEqual(48);
      expect(Math.abs(r.end - bursts[i]![1])).toBeLessThanOrEqual(48);
    });
    expect(
      findRegions(peaks, hop, info.sampleRate, info.frames, { ...SILENCE_DEFAULTS, minRegionMs: 300 }),
    ).toHaveLength(2); // the 208 ms burst goes
    expect(findRegions(peaks, hop, info.sampleRate, info.frames, { ...SILENCE_DEFAULTS, minGapMs: 550 })).toHaveLength(
      2,
    ); // the 500 ms gap is bridged, the 625 ms one is not
  });

  it('renders the same length with digital silence outside the regions; the input is untouched', () => {
    const before = hash(src);
    const { peaks, hop, info } = hopPeaks(src);
    const regions = findRegions(peaks, hop, info.sampleRate, info.frames, {
      ...SILENCE_DEFAULTS,
      preMs: 0,
      postMs: 0,
      minGapMs: 20,
    });
    const out = join(dir, 'bursts.stripped.wav');
    renderRegions(src, out, regions, 5);
    const [y] = readAll(out);
    expect(y!.length).toBe(N);
    expect(y!.subarray(0, 23000).every((v) => v === 0)).toBe(true);
    expect(Math.max(...y!.subarray(30000, 40000).map(Math.abs))).toBeGreaterThan(0.29);
    expect(hash(src)).toBe(before);
  });

  it('agrees with sox `silence` on the leading and trailing silence', () => {
    const { peaks, hop, info } = hopPeaks(src);
    const regions = findRegions(peaks, hop, info.sampleRate, info.frames, { ...SILENCE_DEFAULTS, preMs: 0, postMs: 0 });
    const trimmed = join(dir, 'sox-trim.wav');
    execFileSync('sox', [src, trimmed, 'silence', '1', '0', '-50d', 'reverse', 'silence', '1', '0', '-50d', 'reverse']);
    const soxFrames = Number(execFileSync('soxi', ['-s', trimmed], { encoding: 'utf8' }).trim());
    const ours = regions[regions.length - 1]!.end - regions[0]!.start;
    expect(Math.abs(ours - soxFrames)).toBeLessThanOrEqual(96); // 2 ms: both edges within 1 ms
  });
});

describe('prep jobs', () => {
  it('strip silence on a multitrack set takes a shared or a per-track threshold', async () => {
    const { runPrepJob } = await import('../../src/dsp/offline/jobs.ts');
    const loud = writeWav('set-loud.wav', [tone(FS, 440, 0.5, 12000, 36000)]);
    const quiet = writeWav('set-quiet.wav', [tone(FS, 440, 0.01, 12000, 36000)]); // -40 dBFS peak
    const shared = runPrepJob(
      'strip-silence',
      { inputs: [loud, quiet], options: { threshold: -30 }, render: false },
      () => {},
    ) as Array<{ regions: number }>;
    expect(shared.map((r) => r.regions)).toEqual([1, 0]);
    const per = runPrepJob(
      'strip-silence',
      { inputs: [loud, quiet], options: { threshold: -30 }, thresholds: { 'set-quiet': -50 }, render: false },
      () => {},
    ) as Array<{ regions: number }>;
    expect(per.map((r) => r.regions)).toEqual([1, 1]);
  });

  it('refuses an output folder that does not exist and never writes over an input', async () => {
    const { runPrepJob } = await import('../../src/dsp/offline/jobs.ts');
    const f = writeWav('keep.wav', [tone(4800, 440, 0.5)]);
    const before = hash(f);
    expect(() => runPrepJob('declick', { inputs: [f], out: join(dir, 'no-such-dir') }, () => {})).toThrow(
      expect.objectContaining({ code: 'E_OUTPUT_DIR' }),
    );
    expect(() => runPrepJob('bounce', { inputs: [f], out: f }, () => {})).toThrow(
      expect.objectContaining({ code: 'E_OUTPUT_IS_INPUT' }),
    );
    expect(hash(f)).toBe(before);
  });
});

describe('click and pop repair', () => {
  function clickTest(name: string, clean: Float32Array, count: number, seed: number) {
    const rng = mulberry32(seed);
    const x = Float32Array.from(clean);
    const clicks: number[] = [];
    for (let k = 0; k < count; k++) {
      const pos = 4000 + Math.floor(rng() * (x.length - 8000));
      if (clicks.some((c) => Math.abs(c - pos) < 200)) continue;
      const len = 1 + Math.floor(rng() * 8);
      const amp = (rng() < 0.5 ? -1 : 1) * (0.15 + 0.4 * rng());
      for (let i = 0; i < len; i++) x[pos + i]! += amp * (1 - i / len);
      clicks.push(pos);
    }
    const inFile = writeWav(`${name}-clicked.wav`, [x]);
    const outFile = join(dir, `${name}-declicked.wav`);
    const { repairs } = declickFile(inFile, outFile, DECLICK_DEFAULTS);
    const [y] = readAll(outFile);
    const hit = (c: number) => repairs.some((r) => c >= r.start - 3 && c <= r.start + r.length);
    const recall = clicks.filter(hit).length / clicks.length;
    const precision =
      repairs.filter((r) => clicks.some((c) => c >= r.start - 3 && c <= r.start + r.length)).length /
      Math.max(1, repairs.length);
    let before = 0;
    let after = 0;
    for (const c of clicks)
      for (let i = c - 2; i < c + 12; i++) {
        before += (x[i]! - clean[i]!) ** 2;
        after += (y![i]! - clean[i]!) ** 2;
      }
    return { recall, precision, improvementDb: 10 * Math.log10(before / after), clicks: clicks.length };
  }

  it('speech (espeak-ng): precision and recall ≥ 95 %, repaired ≥ 20 dB closer to the clean original', () => {
    const wav = join(dir, 'speech22k.wav');
    execFileSync('espeak-ng', [
      '-w',
      wav,
      '-s',
      '150',
      'The recording assistant patches every input, tones it out and proves that it passes signal before the engineer arrives.',
    ]);
    const wav48 = join(dir, 'speech48k.wav');
    execFileSync('sox', [wav, '-r', '48000', '-b', '32', '-e', 'floating-point', wav48]);
    const [speech] = readAll(wav48);
    // a microphone recording has a noise floor; espeak-ng's render has none (-60 dBFS added)
    const nz = mulberry32(77);
    const real = speech!.map((v) => v + (nz() - 0.5) * 2 * 10 ** (-60 / 20));
    const r = clickTest('speech', real, 40, 11);
    console.log(
      `declick speech: ${r.clicks} clicks, recall ${r.recall}, precision ${r.precision.toFixed(3)}, improvement ${r.improvementDb.toFixed(1)} dB`,
    );
    expect(r.recall).toBeGreaterThanOrEqual(0.95);
    expect(r.precision).toBeGreaterThanOrEqual(0.95);
    expect(r.improvementDb).toBeGreaterThanOrEqual(20);
  });

  it('tones and noise: the same bars', () => {
    const rng = mulberry32(4);
    const n = FS * 6;
    const music = new Float32Array(n).map((_, i) => {
      const t = i / FS;
      return (
        0.2 * Math.sin(2 * Math.PI * 220 * t + 0.3 * Math.sin(2 * Math.PI * 5 * t)) +
        0.1 * Math.sin(2 * Math.PI * 660 * t) +
        0.02 * (rng() - 0.5)
      );
    });
    const r = clickTest('music', music, 60, 12);
    console.log(
      `declick tones+noise: ${r.clicks} clicks, recall ${r.recall}, precision ${r.precision}, improvement ${r.improvementDb.toFixed(1)} dB`,
    );
    expect(r.recall).toBeGreaterThanOrEqual(0.95);
    expect(r.precision).toBeGreaterThanOrEqual(0.95);
    expect(r.improvementDb).toBeGreaterThanOrEqual(20);
  });
});

describe('gate (bleed reduction)', () => {
  it('opens from the key track, attenuates bleed by the range, keeps length and alignment, no clicks', () => {
    const n = FS * 2;
    const hitAt = 48000;
    // tom mic: its own hit (loud) plus snare bleed (quiet) everywhere
    const tom = new Float32Array(n).map(
      (_, i) =>
        0.02 * Math.sin((2 * Math.PI * 200 * i) / FS) +
        (i >= hitAt && i < hitAt + 9600
          ? 0.5 * Math.exp(-(i - hitAt) / 3000) * Math.sin((2 * Math.PI * 90 * (i - hitAt)) / FS)
          : 0),
    );
    const key = new Float32Array(n).map((_, i) => (i >= hitAt && i < hitAt + 9600 ? 0.5 : 0));
    const src = writeWav('tom.wav', [tom]);
    const keyFile = writeWav('tom-key.wav', [key]);
    const out = join(dir, 'tom.gated.wav');
    gateFile(src, out, { ...GATE_DEFAULTS, thresholdDb: -30, rangeDb: 40 }, keyFile);
    const [y] = readAll(out);
    expect(y!.length).toBe(n);
    // bleed far from the hit is down by the range (40 dB)
    const rms = (a: Float32Array) => Math.sqrt(a.reduce((s, v) => s + v * v, 0) / a.length);
    expect(20 * Math.log10(rms(y!.subarray(10000, 30000)) / rms(tom.subarray(10000, 30000)))).toBeCloseTo(-40, 0);
    // the hit passes untouched and aligned (lookahead opened the gate in time)
    for (let i = hitAt + 480; i < hitAt + 4000; i += 97) expect(y![i]).toBeCloseTo(tom[i]!, 3);
    // and at the very onset the gate is already mostly open (lookahead): within 0.5 dB
    expect(Math.abs(y![hitAt + 24]!)).toBeGreaterThan(Math.abs(tom[hitAt + 24]!) * 0.944);
    // no clicks: the output never jumps more than the input's own largest step
    let maxIn = 0;
    let maxOut = 0;
    for (let i = 1; i < n; i++) {
      maxIn = Math.max(maxIn, Math.abs(tom[i]! - tom[i - 1]!));
      maxOut = Math.max(maxOut, Math.abs(y![i]! - y![i - 1]!));
    }
    expect(maxOut).toBeLessThanOrEqual(maxIn * 1.01);
  });
});

describe('bounce', () => {
  it('sums with gain and constant-power pan; reports peak and clipping', () => {
    const a = writeWav('a.wav', [new Float32Array(1000).fill(0.5)]);
    const b = writeWav('b.wav', [new Float32Array(500).fill(0.25)]);
    const out = join(dir, 'stem.wav');
    const r = bounce(
      [
        { path: a, gainDb: -6.0206, pan: -1 },
        { path: b, pan: 1 },
      ],
      out,
    );
    expect(r).toMatchObject({ frames: 1000, channels: 2, clipped_samples: 0 });
    const [l, rr] = readAll(out);
    expect(l![0]).toBeCloseTo(0.25, 4); // hard left: all of A at −6 dB
    expect(rr![0]).toBeCloseTo(0.25, 4); // hard right: all of B
    expect(rr![700]).toBeCloseTo(0, 6); // B has ended
    const centre = bounce([{ path: a, pan: 0 }], join(dir, 'centre.wav'));
    expect(centre.peak_dbfs).toBeCloseTo(-9.03, 1); // 0.5 at −3 dB each side
    const hot = bounce([{ path: a, gainDb: 12 }], join(dir, 'hot.wav'));
    expect(hot.clipped_samples).toBeGreaterThan(0);
  });

  it('refuses mismatched sample rates, naming the files', () => {
    const a = writeWav('r48.wav', [new Float32Array(100)], 'float32', 48000);
    const b = writeWav('r44.wav', [new Float32Array(100)], 'float32', 44100);
    expect(() => bounce([{ path: a }, { path: b }], join(dir, 'x.wav'))).toThrow(
      expect.objectContaining({ code: 'E_BOUNCE_RATE', message: expect.stringContaining('r44.wav 44100 Hz') }),
    );
  });
});
