import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Bus, type BusEvents } from '../../src/core/bus.ts';
import { silentLogger } from '../../src/core/logger.ts';
import { AudioEngine } from '../../src/dsp/engine/engine.ts';
import type { Measurement } from '../../src/dsp/engine/protocol.ts';
import type { SimFault } from '../../src/settings/schema.ts';
import { loopTopology } from '../../src/sim/audio.ts';
import { waitFor } from '../helpers.ts';

const CH = 12;
const FREQS = [270, 330, 630, 1230, 2070, 3270, 5430, 8970, 570, 2130, 2370, 2430]; // bin-centred, plan-checked

/** Each loop has its own fault; every loop plays its own tone; one measurement reads them all. */
const FAULTS: SimFault[] = [
  { path: 'loop-2', kind: 'dead' },
  { path: 'loop-3', kind: 'polarity' },
  { path: 'loop-4', kind: 'gain-db', db: -6 },
  { path: 'loop-5', kind: 'crosstalk-from', from: 'loop-1', db: -50 },
  { path: 'loop-6', kind: 'hum', db: -50 },
  { path: 'loop-7', kind: 'noise', db: -40 },
  { path: 'loop-8', kind: 'clip', db: -24 },
  { path: 'loop-9', kind: 'latency-samples', value: 96 },
  { path: 'loop-11', kind: 'swap-with', with: 'loop-12' },
];

describe('audio engine in its worker, against the simulated loop', () => {
  let engine: AudioEngine;
  const bus = new Bus();
  let m: Measurement[];
  const byCh = (c: number) => m.find((x) => x.channel === c)!;
  const tone = (c: number, f: number) => byCh(c).tones.find((t) => t.freq === f)!.level_dbfs;

  beforeAll(async () => {
    engine = new AudioEngine(
      'audio',
      { backend: 'sim', sampleRate: 48000, block: 480, window: 4800, inputs: CH, outputs: CH, meterHz: 20 },
      { bus, log: silentLogger() },
    );
    engine.setTopology(loopTopology(CH, CH, FAULTS, 24));
    await engine.start();
    expect(engine.status().state).toBe('online');
    for (let i = 0; i < FREQS.length; i++) engine.play(i + 1, { kind: 'sine', freq: FREQS[i]!, level_dbfs: -18 });
    m = await engine.measure({ channels: FREQS.map((_, i) => i + 1), windows: 2, settleMs: 30 });
  });
  afterAll(async () => engine.stop());

  it('a healthy loop passes its own tone at the alignment level', () => {
    expect(tone(1, 270)).toBeCloseTo(-18, 1);
    expect(byCh(1).clipped_samples).toBe(0);
    for (const f of FREQS.slice(1)) expect(tone(1, f)).toBeLessThan(-100);
  });

  it('dead: no tone and near silence', () => {
    expect(tone(2, 330)).toBeLessThan(-100);
    expect(byCh(2).rms_dbfs).toBeLessThan(-100);
  });

  it('gain-db: the level is 6 dB low', () => {
    expect(tone(4, 1230)).toBeCloseTo(-24, 1);
  });

  it('crosstalk-from: the other loop’s tone leaks in at -50 dB relative', () => {
    expect(tone(5, 270) - tone(1, 270)).toBeCloseTo(-50, 0);
    expect(tone(5, 2070)).toBeCloseTo(-18, 1);
  });

  it('hum: the 50 Hz family rises to the injected level', () => {
    expect(byCh(6).hum.hz).toBe(50);
    expect(byCh(6).hum.harmonics_dbfs[0]).toBeCloseTo(-50, 0);
    expect(byCh(1).hum.level_dbfs).toBeLessThan(-100);
  });

  it('noise: the noise floor rises', () => {
    expect(byCh(7).noise_floor_dbfs).toBeGreaterThan(byCh(1).noise_floor_dbfs + 30);
  });

  it('clip: samples at the clip ceiling, the tone level drops, harmonics appear', () => {
    expect(byCh(8).peak_dbfs).toBeCloseTo(-24, 1);
    expect(tone(8, 8970)).toBeLessThan(-18.5);
  });

  it('swap-with: loops 11 and 12 carry each other’s tone and not their own', () => {
    expect(tone(11, 2430)).toBeCloseTo(-18, 1);
    expect(tone(11, 2370)).toBeLessThan(-100);
    expect(tone(12, 2370)).toBeCloseTo(-18, 1);
    expect(tone(10, 2130)).toBeCloseTo(-18, 1);
  });

  it('latency and polarity come from cross-correlation against the played signal, exact to the sample', async () => {
    engine.play(3, { kind: 'white', level_dbfs: -20, seed: 4 });
    engine.play(9, { kind: 'white', level_dbfs: -20, seed: 8 });
    const [three] = await engine.measure({ channels: [3], reference: { output: 3, maxLagSamples: 480 }, settleMs: 20 });
    const [nine] = await engine.measure({ channels: [9], reference: { output: 9, maxLagSamples: 480 }, settleMs: 20 });
    expect(three).toMatchObject({ latency_samples: 24, polarity: -1 });
    expect(three!.correlation).toBeLessThan(-0.99);
    expect(nine).toMatchObject({ latency_samples: 24 + 96, polarity: 1 });
  });

  it('publishes meters on the bus and a tuner reading', async () => {
    const meters = await new Promise<BusEvents['audio.meters']>((r) => bus.on('audio.meters', {}, (e) => r(e)));
    expect(meters.channels).toHaveLength(CH);
    engine.play(4, {
      kind: 'multitone',
      tones: [
        { freq: 110, level_dbfs: -20 },
        { freq: 220, level_dbfs: -26 },
        { freq: 330, level_dbfs: -30 },
      ],
    });
    const readings: Array<BusEvents['audio.tuner']> = [];
    bus.on('audio.tuner', {}, (e) => readings.push(e));
    engine.tuner(4);
    await waitFor(() => readings.filter((r) => r.hz !== null && Math.abs(r.hz - 110) < 1).length >= 2, 3000);
    const last = readings[readings.length - 1]!;
    expect(last.note).toBe('A2');
    expect(Math.abs(last.cents!)).toBeLessThan(5); // -6 dB gain loop: still A2 (gain does not move pitch)
    engine.tuner(null);
  });

  it('refuses bad input with codes: unknown channels, levels above 0 dBFS', async () => {
    expect(() => engine.play(CH + 1, { kind: 'sine', freq: 1000, level_dbfs: -18 })).toThrow(
      expect.objectContaining({ code: 'E_AUDIO_CHANNEL' }),
    );
    expect(() => engine.play(1, { kind: 'sine', freq: 1000, level_dbfs: 1 })).toThrow(
      expect.objectContaining({ code: 'E_SIGNAL' }),
    );
    await expect(engine.measure({ channels: [0] })).rejects.toMatchObject({ code: 'E_AUDIO_CHANNEL' });
  });
});

describe('an audio device that cannot be opened', () => {
  it('is reported offline with the reason, never a crash', async () => {
    const engine = new AudioEngine(
      'audio',
      {
        backend: 'portaudio',
        device: 'No Such Interface',
        sampleRate: 48000,
        block: 480,
        window: 4800,
        inputs: 2,
        outputs: 2,
        meterHz: 10,
      },
      { bus: new Bus(), log: silentLogger() },
    );
    await engine.start();
    try {
      await waitFor(() => engine.status().state === 'offline', 5000);
      expect(engine.status().detail).toMatch(/No Such Interface|PortAudio/);
      expect(() => engine.play(1, { kind: 'sine', freq: 1000, level_dbfs: -18 })).toThrow(
        expect.objectContaining({ code: 'E_AUDIO_OFFLINE' }),
      );
    } finally {
      await engine.stop();
    }
  });
});

describe('an idle simulated studio costs nothing', () => {
  it('with nothing playing or measured the worker analyses no sample; meters still report the floors; a tone wakes it', async () => {
    const bus = new Bus();
    const meters: Array<BusEvents['audio.meters']> = [];
    bus.on('audio.meters', {}, (e) => meters.push(e));
    const engine = new AudioEngine(
      'audio',
      { backend: 'sim', sampleRate: 48000, block: 480, window: 4800, inputs: 4, outputs: 4, meterHz: 20 },
      { bus, log: silentLogger() },
    );
    engine.setTopology(loopTopology(4, 4, [{ path: 'loop-2', kind: 'hum', db: -50 }], 0));
    await engine.start();
    try {
      await waitFor(() => engine.work.idle_samples > 0, 3000, 20);
      const before = engine.work.processed_samples;
      const idleBefore = engine.work.idle_samples;
      await new Promise((r) => setTimeout(r, 1000));
      expect(engine.work.processed_samples).toBe(before);
      // a second of clock went by (the idle counter is reported with the floors, twice a second)
      expect(engine.work.idle_samples - idleBefore).toBeGreaterThanOrEqual(24000);
      const last = meters.at(-1)!.channels;
      expect(last[0]!.rms_dbfs).toBeLessThan(-110); // the -120 dBFS noise floor
      expect(last[1]!.rms_dbfs).toBeGreaterThan(-55); // the hum fault on loop 2 is still heard
      // a tone makes it work again, and what comes back is the tone (the history was cleared, not stale)
      engine.play(1, { kind: 'sine', freq: 1000, level_dbfs: -18 });
      const m = await engine.measure({ channels: [1], freqs: [1000], windows: 1, settleMs: 20 });
      expect(m[0]!.tones[0]!.level_dbfs).toBeCloseTo(-18, 1);
      await waitFor(() => engine.work.processed_samples > before, 2000, 20);
      engine.play(1, null);
    } finally {
      await engine.stop();
    }
  });
});

describe('calls made while the engine starts', () => {
  it('wait for it instead of being refused; an engine that cannot come up says so after start_timeout_ms', async () => {
    const engine = new AudioEngine(
      'audio',
      { backend: 'sim', sampleRate: 48000, block: 480, window: 4800, inputs: 2, outputs: 2, meterHz: 20 },
      { bus: new Bus(), log: silentLogger() },
    );
    const starting = engine.start(); // not awaited: the worker is still loading
    try {
      expect(engine.status().state).toBe('starting');
      engine.setTopology(loopTopology(2, 2, [], 0));
      const m = await engine.measure({ channels: [1], windows: 1, settleMs: 10 });
      expect(m[0]!.channel).toBe(1);
    } finally {
      await starting;
      await engine.stop();
    }
    const broken = new AudioEngine(
      'audio',
      {
        backend: 'portaudio',
        device: 'no-such-device-anywhere',
        sampleRate: 48000,
        block: 480,
        window: 4800,
        inputs: 2,
        outputs: 2,
        meterHz: 20,
        startTimeoutMs: 300,
      },
      { bus: new Bus(), log: silentLogger() },
    );
    void broken.start();
    try {
      await expect(broken.measure({ channels: [1] })).rejects.toMatchObject({ code: 'E_AUDIO_OFFLINE' });
    } finally {
      await broken.stop();
    }
  });
});

describe('input meters only while someone wants them', () => {
  it('no listener: nothing computed or shown; a read turns them on and answers; a bus listener keeps them on', async () => {
    const bus = new Bus();
    const engine = new AudioEngine(
      'audio',
      { backend: 'sim', sampleRate: 48000, block: 480, window: 4800, inputs: 2, outputs: 2, meterHz: 20 },
      { bus, log: silentLogger() },
    );
    engine.setTopology(loopTopology(2, 2, [], 0));
    await engine.start();
    try {
      engine.play(1, { kind: 'sine', freq: 1000, level_dbfs: -18 }); // busy, so the loop is not idle
      await new Promise((r) => setTimeout(r, 300));
      expect(engine.lastMeters).toBeUndefined();
      const m = await engine.currentMeters(); // what GET /api/v1/audio/meters does
      expect(m!.rms[0]).toBeCloseTo(-18, 0);
      const got: number[] = [];
      bus.on('audio.meters', {}, (e) => got.push(e.channels[0]!.rms_dbfs));
      await waitFor(() => got.length > 3, 3000, 20);
      expect(got.at(-1)).toBeCloseTo(-18, 0);
    } finally {
      await engine.stop();
    }
  });
});

describe('a dropout while a tone is measured', () => {
  it('shows as the spread between windows, not only as a lower level; a steady tone has none', async () => {
    const engine = new AudioEngine(
      'audio',
      { backend: 'sim', sampleRate: 48000, block: 480, window: 4800, inputs: 2, outputs: 2, meterHz: 20 },
      { bus: new Bus(), log: silentLogger() },
    );
    const topo = loopTopology(2, 2, [], 0);
    // input 2 drops out for 50 ms every 700 ms: some 100 ms windows lose half the tone, others none
    topo.inputs[1]!.dropouts = { everyMs: 700, lengthMs: 50 };
    engine.setTopology(topo);
    await engine.start();
    try {
      engine.play(1, { kind: 'sine', freq: 1000, level_dbfs: -18 });
      engine.play(2, { kind: 'sine', freq: 1000, level_dbfs: -18 });
      const [steady, broken] = await engine.measure({ channels: [1, 2], freqs: [1000], windows: 14, settleMs: 20 });
      expect(steady!.tones[0]!.level_dbfs).toBeCloseTo(-18, 1);
      expect(steady!.tones[0]!.spread_db).toBeLessThan(0.05);
      // the average over 1.4 s hides it (-18.5 or so); the spread names it: a window with half the tone is ~6 dB down
      expect(broken!.tones[0]!.spread_db).toBeGreaterThan(3);
      const [one] = await engine.measure({ channels: [1], freqs: [1000], windows: 1, settleMs: 20 });
      expect(one!.tones[0]).not.toHaveProperty('spread_db'); // one window has no spread
    } finally {
      await engine.stop();
    }
  });
});
