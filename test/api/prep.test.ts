import { writeFileSync } from 'node:fs';
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
    app = await startSimApp({ paths: { media: [dir] } });
  });
  afterAll(async () => app.stop());

  it('runs a strip-silence job in a worker, with progress and a done event', async () => {
    const done: Array<BusEvents['job.done']> = [];
    app.services.bus.on('job.done', {}, (e) => done.push(e));
    const r = await app.inject({
      method: 'POST',
      url: '/api/v1/prep/jobs',
      payload: { kind: 'strip-silence', inputs: [src], options: { threshold: -40 } },
    });
    expect(r.statusCode).toBe(202);
    const { job } = r.json();
    await waitFor(() => done.find((d) => d.job === job), 10000);
    const state = (await app.inject({ method: 'GET', url: `/api/v1/prep/jobs/${job}` })).json();
    expect(state).toMatchObject({ state: 'done', fraction: 1 });
    expect(state.result[0]).toMatchObject({ regions: 1 });
    expect(readWavInfo(join(dir, 'take.stripped.wav')).frames).toBe(96000);
  });

  it('runs vocal cleanup as a job: the steps asked for, reported; no step asked is a failed job with its code', async () => {
    const post = (options: Record<string, unknown>) =>
      app.inject({
        method: 'POST',
        url: '/api/v1/prep/jobs',
        payload: { kind: 'vocal', inputs: [src], options, overwrite: true },
      });
    const state = async (job: string) => (await app.inject({ method: 'GET', url: `/api/v1/prep/jobs/${job}` })).json();
    const ok = (await post({ denoise: true, breaths: -12 })).json().job as string;
    const done = await waitFor(async () => {
      const s = await state(ok);
      return s.state !== 'running' && s.state !== 'queued' ? s : undefined;
    }, 15000);
    expect(done.state, JSON.stringify(done.error)).toBe('done');
    expect(done.result[0]).toMatchObject({ denoise: expect.any(Object), breaths: expect.any(Object) });
    expect(done.result[0].deess).toBeUndefined();
    expect(readWavInfo(join(dir, 'take.vocal.wav')).frames).toBe(96000);
    const none = (await post({})).json().job as string;
    const failed = await waitFor(async () => {
      const s = await state(none);
      return s.state === 'failed' ? s : undefined;
    }, 15000);
    expect(failed.error.code).toBe('E_PREP_OPTION');
  });

  it('reports bad input with a code: a missing input 404, a file that is not a WAV a failed job; unknown jobs 404; bad bodies 400', async () => {
    const missing = await app.inject({
      method: 'POST',
      url: '/api/v1/prep/jobs',
      payload: { kind: 'declick', inputs: [join(dir, 'missing.wav')] },
    });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error).toBe('E_PATH_NOT_FOUND');
    writeFileSync(join(dir, 'notes.wav'), 'not a wav');
    const r = await app.inject({
      method: 'POST',
      url: '/api/v1/prep/jobs',
      payload: { kind: 'declick', inputs: [join(dir, 'notes.wav')] },
    });
    const { job } = r.json();
    await waitFor(
      async () => (await app.inject({ method: 'GET', url: `/api/v1/prep/jobs/${job}` })).json().state === 'failed',
      10000,
    );
    expect((await app.inject({ method: 'GET', url: `/api/v1/prep/jobs/${job}` })).json().error.code).toMatch(/^E_WAV/);
    expect((await app.inject({ method: 'GET', url: '/api/v1/prep/jobs/nope' })).statusCode).toBe(404);
    expect(
      (await app.inject({ method: 'POST', url: '/api/v1/prep/jobs', payload: { kind: 'reverse', inputs: [src] } }))
        .statusCode,
    ).toBe(400);
  });
});
