import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.ts';
import type { BusEvents } from '../../src/core/bus.ts';
import { readWavInfo, WavWriter } from '../../src/dsp/offline/wav.ts';
import { startSimApp, tempDir, waitFor } from '../helpers.ts';

describe('prep jobs over REST', () => {
  let app: App;
  const dir = tempDir('rad-prep-api-');
  const src = join(dir, 'take.wav');
  beforeAll(async () => {
    const w = new WavWriter(src, { sampleRate: 48000, channels: 1, format: 'int24' });
    w.write([
      new Float32Array(48000 * 2).map((_, i) =>
        i > 24000 && i < 72000 ? 0.3 * Math.sin((2 * Math.PI * 440 * i) / 48000) : 0,
      ),
    ]);
    w.close();
    app = await startSimApp();
  });
  afterAll(async () => app.stop());

  it('runs a strip-silence job in a worker, with progress and a done event', async () => {
    const done: Array<BusEvents['job.done']> = [];
    app.services.bus.on('job.done', {}, (e) => done.push(e));
    const r = await app.api!.inject({
      method: 'POST',
      url: '/api/v1/prep/jobs',
      payload: { kind: 'strip-silence', inputs: [src], options: { threshold: -40 } },
    });
    expect(r.statusCode).toBe(202);
    const { job } = r.json();
    await waitFor(() => done.find((d) => d.job === job), 10000);
    const state = (await app.api!.inject({ method: 'GET', url: `/api/v1/prep/jobs/${job}` })).json();
    expect(state).toMatchObject({ state: 'done', fraction: 1 });
    expect(state.result[0]).toMatchObject({ regions: 1 });
    expect(readWavInfo(join(dir, 'take.stripped.wav')).frames).toBe(96000);
  });

  it('reports bad input as a failed job with a code; unknown jobs are 404; bad bodies 400', async () => {
    const r = await app.api!.inject({
      method: 'POST',
      url: '/api/v1/prep/jobs',
      payload: { kind: 'declick', inputs: [join(dir, 'missing.wav')] },
    });
    const { job } = r.json();
    await waitFor(
      async () => (await app.api!.inject({ method: 'GET', url: `/api/v1/prep/jobs/${job}` })).json().state === 'failed',
      10000,
    );
    expect((await app.api!.inject({ method: 'GET', url: `/api/v1/prep/jobs/${job}` })).json().error.code).toBe(
      'E_WAV_OPEN',
    );
    expect((await app.api!.inject({ method: 'GET', url: '/api/v1/prep/jobs/nope' })).statusCode).toBe(404);
    expect(
      (await app.api!.inject({ method: 'POST', url: '/api/v1/prep/jobs', payload: { kind: 'reverse', inputs: [src] } }))
        .statusCode,
    ).toBe(400);
  });
});
