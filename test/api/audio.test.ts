import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.ts';
import { startSimApp } from '../helpers.ts';

describe('audio REST routes on the simulated loop', () => {
  let app: App;
  beforeAll(async () => {
    app = await startSimApp({
      audio: { backend: 'sim', inputs: 4, outputs: 4 },
      sim: { enabled: true, faults: [{ path: 'loop-2', kind: 'polarity' }] },
    });
  });
  afterAll(async () => app.stop());
  const inject = (method: 'GET' | 'PUT' | 'POST' | 'DELETE', url: string, payload?: unknown) =>
    app.inject({ method, url, payload: payload as never });

  it('reports the engine with its channels', async () => {
    const r = (await inject('GET', '/api/v1/audio')).json();
    expect(r).toMatchObject({ state: 'online', backend: 'sim', inputs: 4, outputs: 4, alignment_dbfs: -18 });
  });

  it('plays, measures and stops; the injected polarity fault shows', async () => {
    expect(
      (await inject('PUT', '/api/v1/audio/outputs/1', { signal: { kind: 'sine', freq: 1000, level_dbfs: -18 } }))
        .statusCode,
    ).toBe(200);
    expect(
      (await inject('PUT', '/api/v1/audio/outputs/2', { signal: { kind: 'pink', level_dbfs: -20 } })).statusCode,
    ).toBe(200);
    const m = (await inject('POST', '/api/v1/audio/measure', { channels: [1], freqs: [1000], windows: 1 })).json();
    expect(m.measurements[0].tones[0].level_dbfs).toBeCloseTo(-18, 1);
    const p = (
      await inject('POST', '/api/v1/audio/measure', { channels: [2], reference: { output: 2, maxLagSamples: 64 } })
    ).json();
    expect(p.measurements[0]).toMatchObject({ polarity: -1, latency_samples: 0 });
    expect((await inject('GET', '/api/v1/audio')).json().playing).toHaveLength(2);
    await inject('DELETE', '/api/v1/audio/outputs');
    expect((await inject('GET', '/api/v1/audio')).json().playing).toHaveLength(0);
  });

  it('refuses a level above 0 dBFS with the allowed range, an unknown output, an unknown kind', async () => {
    const hot = await inject('PUT', '/api/v1/audio/outputs/1', { signal: { kind: 'sine', freq: 1000, level_dbfs: 6 } });
    expect(hot.statusCode).toBe(400);
    expect(hot.json()).toMatchObject({ error: 'E_SIGNAL' });
    expect(hot.json().message).toContain('level_dbfs');
    const out = await inject('PUT', '/api/v1/audio/outputs/9', {
      signal: { kind: 'sine', freq: 1000, level_dbfs: -18 },
    });
    expect(out.statusCode).toBe(400);
    expect(out.json()).toMatchObject({ error: 'E_AUDIO_CHANNEL', message: 'output 9 does not exist (1..4)' });
    const kind = await inject('PUT', '/api/v1/audio/outputs/1', { signal: { kind: 'square', level_dbfs: -18 } });
    expect(kind.json()).toMatchObject({ error: 'E_SIGNAL' });
    const meas = await inject('POST', '/api/v1/audio/measure', { channels: [7] });
    expect(meas.statusCode).toBe(400);
  });

  it('without an audio section the routes answer 503 with a code', async () => {
    const bare = await startSimApp();
    try {
      const r = await bare.inject({ method: 'GET', url: '/api/v1/audio' });
      expect(r.statusCode).toBe(503);
      expect(r.json().error).toBe('E_NO_AUDIO');
    } finally {
      await bare.stop();
    }
  });
});
