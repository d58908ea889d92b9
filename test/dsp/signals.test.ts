import { describe, expect, it } from 'vitest';
import { checkSignal, Generator } from '../../src/dsp/generators.ts';
import { goertzel, amplitudeFromPower } from '../../src/dsp/goertzel.ts';
import { LevelAccumulator } from '../../src/dsp/levels.ts';
import { checkPlan, planTones } from '../../src/dsp/plan.ts';
import { ToneBank } from '../../src/dsp/tonebank.ts';
import { ampToDb } from '../../src/dsp/units.ts';
import { correlate, FftCorrelator } from '../../src/dsp/xcorr.ts';
import { noteOf, Yin } from '../../src/dsp/yin.ts';
import { mulberry32 } from '../../src/core/random.ts';

const FS = 48000;

function render(spec: ConstructorParameters<typeof Generator>[0], n: number, skip = 480): Float32Array {
  const g = new Generator(spec, FS);
  const buf = new Float32Array(n + skip);
  g.fill(buf, 0, n + skip);
  return buf.subarray(skip);
}

function level(x: Float32Array): LevelAccumulator {
  const a = new LevelAccumulator();
  a.add(x);
  return a;
}

describe('generators and level meters (AES17)', () => {
  it.each([-18, -20, -6, -60])('a %s dBFS sine reads its level within 0.1 dB', (db) => {
    const a = level(render({ kind: 'sine', freq: 1000, level_dbfs: db }, 48000));
    expect(Math.abs(a.rmsDbfs - db)).toBeLessThan(0.1);
    expect(Math.abs(a.peakDbfs - db)).toBeLessThan(0.1); // sine: AES17 RMS level = peak level
  });

  it('a full-scale square reads +3.01 dBFS; DC and clipping are counted', () => {
    const x = new Float32Array(4800).map((_, i) => (i % 48 < 24 ? 1 : -1));
    const a = level(x);
    expect(a.rmsDbfs).toBeCloseTo(3.01, 2);
    expect(a.clipped).toBe(4800);
    const dc = level(new Float32Array(100).fill(0.01));
    expect(dc.dcDbfs).toBeCloseTo(-40, 6);
    expect(level(new Float32Array(100)).digitalSilence).toBe(true);
  });

  it.each(['white', 'pink'] as const)('%s noise at -20 dBFS RMS reads within 0.2 dB', (kind) => {
    const a = level(render({ kind, level_dbfs: -20, seed: 5 }, 480000, 48000));
    expect(Math.abs(a.rmsDbfs - -20)).toBeLessThan(0.2);
  });

  it('starts and stops with a ramp: no step larger than the waveform allows', () => {
    const g = new Generator({ kind: 'sine', freq: 1000, level_dbfs: 0, phase: Math.PI / 2 }, FS); // starts at the peak
    const buf = new Float32Array(480);
    g.fill(buf, 0, 480);
    expect(Math.abs(buf[0]!)).toBeLessThan(0.01);
    g.stop();
    g.fill(buf, 0, 480);
    expect(g.done).toBe(true);
    expect(Math.abs(buf[479]!)).toBe(0);
  });

  it('GLITS ident: left silent 0–250 ms, right silent 500–750 and 1000–1250 ms of each 4 s', () => {
    const rms = (x: Float32Array, a: number, b: number) => level(x.subarray((a * FS) / 1000, (b * FS) / 1000)).rmsDbfs;
    const left = render({ kind: 'ident', pattern: 'glits', leg: 'left', level_dbfs: -18 }, 4 * FS, 0);
    const right = render({ kind: 'ident', pattern: 'glits', leg: 'right', level_dbfs: -18 }, 4 * FS, 0);
    expect(rms(left, 10, 240)).toBe(Number.NEGATIVE_INFINITY);
    expect(rms(left, 300, 450)).toBeCloseTo(-18, 1);
    expect(rms(right, 510, 740)).toBe(Number.NEGATIVE_INFINITY);
    expect(rms(right, 800, 950)).toBeCloseTo(-18, 1);
    expect(rms(right, 1010, 1240)).toBe(Number.NEGATIVE_INFINITY);
  });

  it('refuses a level above 0 dBFS and frequencies past Nyquist', () => {
    expect(checkSignal({ kind: 'sine', freq: 1000, level_dbfs: 3 }, FS)).toMatch(/outside -120\.\.0 dBFS/);
    expect(checkSignal({ kind: 'sine', freq: 30000, level_dbfs: -18 }, FS)).toMatch(/Nyquist/);
    expect(
      checkSignal(
        { kind: 'multitone', tones: Array.from({ length: 8 }, (_, i) => ({ freq: 300 + i * 100, level_dbfs: -6 })) },
        FS,
      ),
    ).toMatch(/lower the tone levels/);
    expect(checkSignal({ kind: 'sine', freq: 1000, level_dbfs: -18 }, FS)).toBeUndefined();
  });
});

describe('tone identification', () => {
  it('reads 64 simultaneous bin-centred tones at -60 dBFS in noise; absent tones stay far below', async () => {
    const N = 4800;
    const bins = Array.from({ length: 64 }, (_, i) => 20 + 7 * i);
    const present = bins.filter((_, i) => i % 2 === 0);
    const x = new Float32Array(N);
    const rng = mulberry32(3);
    for (let n = 0; n < N; n++) {
      let v = (rng() - 0.5) * 2 * 10 ** (-60 / 20) * Math.sqrt(3) * Math.SQRT1_2; // white noise at -60 dBFS AES17: 0 dB broadband SNR per tone
      for (const k of present) v += 10 ** (-60 / 20) * Math.sin((2 * Math.PI * k * n) / N + k);
      x[n] = v;
    }
    const bank = await ToneBank.create(N, FS, bins);
    const r = bank.newResult();
    bank.analyse(x, 0, r);
    bins.forEach((k, i) => {
      const db = r.toneDbfs[i]!;
      if (present.includes(k)) expect(Math.abs(db - -60), `bin ${k}`).toBeLessThan(0.5);
      else expect(db, `bin ${k}`).toBeLessThan(-75);
    });
    expect(r.noiseFloorDbfs).toBeLessThan(-90); // -60 dBFS broadband spread over 2400 bins: about -94
    expect(r.noiseFloorDbfs).toBeGreaterThan(-98);
    bank.dispose();
  });

  it('Goertzel agrees with the FFT bank on level', () => {
    const x = render({ kind: 'sine', freq: 1230, level_dbfs: -18 }, 4800, 4800);
    const g = goertzel(x, 0, 4800, 1230, FS);
    expect(ampToDb(amplitudeFromPower(g.power, 4800))).toBeCloseTo(-18, 2);
  });

  it('measures hum at 50 Hz and harmonics', async () => {
    const N = 4800;
    const x = new Float32Array(N).map(
      (_, n) =>
        10 ** (-60 / 20) * Math.sin((2 * Math.PI * 50 * n) / FS) +
        10 ** (-70 / 20) * Math.sin((2 * Math.PI * 150 * n) / FS),
    );
    const bank = await ToneBank.create(N, FS, [27]);
    const r = bank.newResult();
    bank.analyse(x, 0, r);
    expect(r.hum50Dbfs[0]).toBeCloseTo(-60, 1);
    expect(r.hum50Dbfs[2]).toBeCloseTo(-70, 1);
    expect(r.hum60Dbfs[0]).toBeLessThan(-120);
    bank.dispose();
  });
});

describe('frequency plans', () => {
  it('keeps mains, harmonics and IMD off every tone; fits ~31 tones to 10 kHz and ~47 to 21.6 kHz', () => {
    const o = { sampleRate: FS, windowSize: 4800 };
    const p10 = planTones(64, o);
    const p21 = planTones(64, { ...o, fMax: 21600 });
    expect(checkPlan(p10, o)).toEqual([]);
    expect(checkPlan(p21, o)).toEqual([]);
    expect(p10.length).toBeGreaterThanOrEqual(30);
    expect(p21.length).toBeGreaterThanOrEqual(45);
    expect(checkPlan([27, 33, 63, 123, 207, 327, 543, 897], o)).toEqual([]); // the reference's checked plan
    expect(checkPlan([27, 54], o).some((v) => v.reason.includes('harmonic 2'))).toBe(true);
    expect(checkPlan([30], o).some((v) => v.reason.includes('mains'))).toBe(true);
  });
});

describe('latency and polarity by cross-correlation', () => {
  it.each([0, 1, 37, 480, 1999])('finds a delay of %s samples exactly, in noise, and its polarity', (delay) => {
    const sent = render({ kind: 'white', level_dbfs: -20, seed: 9 }, 4800, 0);
    const rng = mulberry32(delay + 1);
    const recv = new Float32Array(4800 + 2048).map(
      (_, n) => (n >= delay && n - delay < 4800 ? -0.5 * sent[n - delay]! : 0) + (rng() - 0.5) * 0.01,
    );
    const c = correlate(sent, recv, 2048);
    expect(c.lag).toBe(delay);
    expect(c.polarity).toBe(-1);
    expect(c.coefficient).toBeLessThan(-0.8);
  });

  it.each([0, 5, 480, 7999, 12000])(
    'the FFT correlator agrees with the direct form (delay %s, long lag range)',
    async (delay) => {
      const maxLag = 12000;
      const sent = render({ kind: 'pink', level_dbfs: -20, seed: 4 }, 9600, 0);
      const rng = mulberry32(delay + 7);
      const recv = new Float32Array(9600 + maxLag).map(
        (_, n) => (n >= delay && n - delay < 9600 ? 0.7 * sent[n - delay]! : 0) + (rng() - 0.5) * 0.02,
      );
      const fft = await FftCorrelator.create(9600, maxLag);
      const a = fft.correlate(sent, recv, maxLag);
      const b = correlate(sent, recv, maxLag);
      expect(a.lag).toBe(delay);
      expect(a.lag).toBe(b.lag);
      expect(a.polarity).toBe(1);
      expect(a.coefficient).toBeCloseTo(b.coefficient, 4);
      expect(a.lagFine).toBeCloseTo(b.lagFine, 2);
    },
  );
});

describe('tuner (YIN)', () => {
  it.each([82.41, 110, 196, 440, 659.26, 1046.5])('a harmonic tone at %s Hz reads within 1 cent', (f0) => {
    const yin = new Yin(FS, 2048, 30);
    const n = 2048 + 1700;
    const x = new Float32Array(n).map((_, i) => {
      const t = i / FS;
      return (
        0.3 * Math.sin(2 * Math.PI * f0 * t) +
        0.2 * Math.sin(2 * Math.PI * 2 * f0 * t + 1) +
        0.1 * Math.sin(2 * Math.PI * 3 * f0 * t + 2)
      );
    });
    const p = yin.detect(x)!;
    expect(p).not.toBeNull();
    const cents = 1200 * Math.log2(p.hz / f0);
    expect(Math.abs(cents)).toBeLessThan(1);
  });

  it('names notes and cents', () => {
    expect(noteOf(440)).toEqual({ note: 'A4', cents: 0 });
    expect(noteOf(261.63).note).toBe('C4');
    expect(noteOf(446).cents).toBeCloseTo(23.4, 1);
  });
});
