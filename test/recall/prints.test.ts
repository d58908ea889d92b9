import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.ts';
import { LoudnessMeter } from '../../src/dsp/loudness.ts';
import { readWavInfo } from '../../src/dsp/offline/wav.ts';
import { sha256File } from '../../src/recall/backup.ts';
import { startSimApp } from '../helpers.ts';

const FS = 48000;
const sine = (db: number, f: number, secs: number, phase = 0) =>
  new Float32Array(FS * secs).map((_, i) => 10 ** (db / 20) * Math.sin((2 * Math.PI * f * i) / FS + phase));

describe('loudness and true peak (ITU-R BS.1770 / EBU R128)', () => {
  it.each([-23, -33, -18])('a stereo 1 kHz sine at %s dBFS reads that many LUFS (±0.1)', (db) => {
    const m = new LoudnessMeter(FS, 2);
    const x = sine(db, 1000, 20);
    m.add([x, x]);
    expect(Math.abs(m.integrated() - db)).toBeLessThan(0.1);
  });

  it('gates: -36 / -23 / -36 dBFS (10 s, 60 s, 10 s) reads -23 LUFS (EBU Tech 3341 case 3)', () => {
    const m = new LoudnessMeter(FS, 2);
    for (const [db, s] of [
      [-36, 10],
      [-23, 60],
      [-36, 10],
    ] as const) {
      const x = sine(db, 1000, s);
      m.add([x, x]);
    }
    expect(Math.abs(m.integrated() - -23)).toBeLessThan(0.1);
  });

  it('finds the inter-sample peak a sample meter misses', () => {
    const m = new LoudnessMeter(FS, 1);
    m.add([sine(0, 12000, 1, Math.PI / 4)]);
    expect(m.samplePeakDb()).toBeCloseTo(-3.01, 1);
    expect(m.truePeak()).toBeGreaterThan(-0.2);
    expect(m.truePeak()).toBeLessThan(0.3);
  });
});

describe('printing a version on the simulated studio', () => {
  let app: App;
  beforeAll(async () => {
    app = await startSimApp({ audio: { backend: 'sim', inputs: 4, outputs: 4, print_inputs: [1, 2] } });
  });
  afterAll(async () => app.stop());

  it('records the mix-bus inputs to a BWF, with loudness, true peak, checksum and a snapshot', async () => {
    const engine = app.services.engine!;
    engine.play(1, { kind: 'sine', freq: 1000, level_dbfs: -23 });
    engine.play(2, { kind: 'sine', freq: 1000, level_dbfs: -23 });
    const r = await app.inject({
      method: 'POST',
      url: '/api/v1/prints',
      payload: { version: 'Song A v1', seconds: 3 },
    });
    expect(r.statusCode).toBe(202);
    const { path } = r.json();
    const rec = app.services;
    const v = await (async () => {
      for (let i = 0; i < 100; i++) {
        const x = rec.gear.version('Song A v1');
        if (x.print) return x;
        await new Promise((res) => setTimeout(res, 100));
      }
      throw new Error('print did not finish');
    })();
    const p = v.print as {
      path: string;
      seconds: number;
      integrated_lufs: number;
      true_peak_dbtp: number;
      sha256: string;
      snapshot: string;
    };
    expect(p.path).toBe(path);
    expect(p.seconds).toBeCloseTo(3, 1);
    expect(Math.abs(p.integrated_lufs - -23)).toBeLessThan(0.2);
    expect(p.true_peak_dbtp).toBeCloseTo(-23, 0);
    expect(p.sha256).toBe(sha256File(path));
    expect(v.snapshot).toBe(p.snapshot);
    const info = readWavInfo(path);
    expect(info).toMatchObject({ channels: 2, format: 'int24', sampleRate: 48000 });
    const bext = info.extraChunks.find((c) => c.id === 'bext')!.data;
    expect(bext.toString('ascii', 0, 30)).toContain('Song A v1');
    expect(bext.toString('ascii', 256, 259)).toBe('rad');
    expect(readFileSync(path).length).toBeGreaterThan(3 * 48000 * 6);
    engine.stopAll();
  });

  it('a print runs until stopped; a second one at the same time is refused', async () => {
    const r = await app.inject({ method: 'POST', url: '/api/v1/prints', payload: { version: 'Song A v2' } });
    expect(r.statusCode).toBe(202);
    const busy = await app.inject({ method: 'POST', url: '/api/v1/prints', payload: { version: 'Song A v3' } });
    expect(busy.statusCode).toBe(409);
    await new Promise((res) => setTimeout(res, 500));
    const stopped = await app.inject({ method: 'POST', url: '/api/v1/prints/stop' });
    expect(stopped.json().seconds).toBeGreaterThan(0.3);
    expect(stopped.json().error).toBeUndefined();
    expect((await app.inject({ method: 'POST', url: '/api/v1/prints/stop' })).statusCode).toBe(404);
  });
});

describe('disk full while printing', () => {
  it('stops, keeps what was recorded as a valid WAV, and says so', async () => {
    const { execFileSync } = await import('node:child_process');
    const { mkdirSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tempDir } = await import('../helpers.ts');
    const data = tempDir();
    const prints = join(data, 'prints');
    mkdirSync(prints);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', prints]); // a 1 MB disk for the prints (CI runs as root)
    const app = await startSimApp({ data_dir: data, audio: { backend: 'sim', inputs: 2, outputs: 2 } });
    try {
      const engine = app.services.engine!;
      engine.play(1, { kind: 'sine', freq: 1000, level_dbfs: -20 });
      const rec = app.services;
      const started = await rec.prints.start('too long', { seconds: 20 });
      const result = await started.done;
      expect(result.error).toMatch(/^E_DISK_FULL/);
      expect(result.seconds).toBeGreaterThan(1);
      expect(result.seconds).toBeLessThan(20);
      const info = readWavInfo(result.path);
      expect(info.frames).toBe(result.frames);
      expect(result.sha256).toBe(sha256File(result.path));
    } finally {
      await app.stop();
      execFileSync('umount', [prints]);
    }
  }, 60000);
});
