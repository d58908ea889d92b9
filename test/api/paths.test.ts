// Files a caller names over REST: only inside the folders settings allow, never replacing a file
// rad did not write, and OS refusals as coded 4xx. The three cases a hostile caller used to win
// (prep bounce over any file, backup to any folder, mix book anywhere) are refused here.
import { existsSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.ts';
import { WavWriter } from '../../src/dsp/offline/wav.ts';
import { startSimApp, tempDir, waitFor } from '../helpers.ts';

describe('paths over REST', () => {
  let app: App;
  const data = tempDir('rad-paths-data-');
  const media = tempDir('rad-paths-media-');
  const outside = tempDir('rad-paths-outside-');
  const victim = join(outside, 'victim.conf');
  const take = join(media, 'take.wav');

  const post = (url: string, payload: object) => app.inject({ method: 'POST', url, payload });

  beforeAll(async () => {
    writeFileSync(victim, 'precious = true\n');
    const w = new WavWriter(take, { sampleRate: 48000, channels: 1, format: 'int24' });
    w.write([new Float32Array(4800).map((_, i) => 0.3 * Math.sin(i / 10))]);
    w.close();
    symlinkSync(outside, join(media, 'escape'));
    app = await startSimApp({ data_dir: data, paths: { media: [media] } });
  });
  afterAll(async () => app.stop());

  it('a bounce onto a file outside the roots is 403 E_PATH_OUTSIDE naming the roots; the file is untouched', async () => {
    const r = await post('/api/v1/prep/jobs', { kind: 'bounce', inputs: [take], out: victim });
    expect(r.statusCode).toBe(403);
    expect(r.json()).toMatchObject({ error: 'E_PATH_OUTSIDE', details: { path: victim } });
    expect(r.json().message).toContain(media);
    expect(readFileSync(victim, 'utf8')).toBe('precious = true\n');
  });

  it('a symlink out of a root, relative climbing and inputs anywhere are refused before any file is looked at', async () => {
    for (const out of [join(media, 'escape', 'x.wav'), '../../../../tmp/x.wav', join(media, '..', 'x.wav')]) {
      const r = await post('/api/v1/prep/jobs', { kind: 'bounce', inputs: [take], out });
      expect(r.statusCode, out).toBe(403);
    }
    // no existence oracle: a path outside answers the same whether or not it exists
    for (const input of ['/etc/passwd', '/etc/no-such-file', join(media, 'escape', 'victim.conf')]) {
      const r = await post('/api/v1/prep/jobs', { kind: 'declick', inputs: [input] });
      expect(r.statusCode, input).toBe(403);
      expect(r.json().error).toBe('E_PATH_OUTSIDE');
    }
  });

  it("an output never replaces a file rad did not write; rad's own with overwrite: true", async () => {
    writeFileSync(join(media, 'mine.wav'), 'the engineer made this');
    const r = await post('/api/v1/prep/jobs', { kind: 'bounce', inputs: [take], out: join(media, 'mine.wav') });
    expect(r.statusCode).toBe(409);
    expect(r.json().error).toBe('E_PATH_EXISTS');
    expect(readFileSync(join(media, 'mine.wav'), 'utf8')).toBe('the engineer made this');
    // relative outputs land in the exports folder
    const first = await post('/api/v1/prep/jobs', { kind: 'bounce', inputs: [take], out: 'stems/mix.wav' });
    expect(first.statusCode, first.body).toBe(202);
    const file = join(data, 'exports', 'stems', 'mix.wav');
    await waitFor(() => existsSync(file), 10000);
    await waitFor(
      async () =>
        (await app.inject({ method: 'GET', url: `/api/v1/prep/jobs/${first.json().job}` })).json().state === 'done',
      10000,
    );
    const again = await post('/api/v1/prep/jobs', { kind: 'bounce', inputs: [take], out: 'stems/mix.wav' });
    expect(again.statusCode).toBe(409);
    expect(again.json().message).toMatch(/overwrite: true/);
    const over = await post('/api/v1/prep/jobs', {
      kind: 'bounce',
      inputs: [take],
      out: 'stems/mix.wav',
      overwrite: true,
    });
    expect(over.statusCode).toBe(202);
  });

  it('backups go only to the allowed folders; relative targets land in the first', async () => {
    const bad = await post('/api/v1/backup', { target: outside });
    expect(bad.statusCode).toBe(403);
    expect(bad.json().error).toBe('E_PATH_OUTSIDE');
    expect(existsSync(join(outside, 'manifest.json'))).toBe(false);
    const ok = await post('/api/v1/backup', { target: 'nightly' });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(existsSync(join(data, 'backups', 'nightly', 'manifest.json'))).toBe(true);
    const manifest = JSON.parse(readFileSync(join(data, 'backups', 'nightly', 'manifest.json'), 'utf8'));
    const names = manifest.files.map((f: { path: string }) => f.path);
    expect(names).not.toContain('token'); // the API token stays on this machine
    expect(names.some((n: string) => n.startsWith('backups/'))).toBe(false); // not into itself
    expect((await post('/api/v1/backup/verify', { target: '/etc' })).statusCode).toBe(403);
  });

  it('the mix book is written only inside the exports folder', async () => {
    const bad = await post('/api/v1/mixbook', { project: 'P', out: join(outside, 'book') });
    expect(bad.statusCode).toBe(403);
    expect(existsSync(join(outside, 'book'))).toBe(false);
  });

  it('what the OS refuses is a coded 4xx with the path, never a 500', async () => {
    // a folder that is a file (ENOTDIR); CI runs as root, so EACCES cannot be provoked there
    const notDir = await post('/api/v1/prep/jobs', {
      kind: 'declick',
      inputs: [take],
      out: join(media, 'take.wav', 'sub'),
    });
    expect(notDir.statusCode, notDir.body).toBe(400);
    expect(notDir.json()).toMatchObject({ error: 'E_PATH_INVALID', details: { path: join(media, 'take.wav', 'sub') } });
    const long = await post('/api/v1/prep/jobs', { kind: 'bounce', inputs: [take], out: `${'n'.repeat(300)}/x.wav` });
    expect(long.statusCode).toBe(400);
    expect(long.json().error).toBe('E_PATH_INVALID');
  });

  it('a body nested 100 000 deep is 400 in the one error shape', async () => {
    const deep = `${'['.repeat(100000)}${']'.repeat(100000)}`;
    const r = await app.inject({
      method: 'POST',
      url: '/api/v1/snapshots',
      headers: { 'content-type': 'application/json' },
      payload: deep,
    });
    expect(r.statusCode).toBe(400);
    expect(Object.keys(r.json()).sort()).toEqual(['error', 'message']);
  });
});

describe('OS errors on a path', () => {
  it('map to coded errors that name the path', async () => {
    const { osError } = await import('../../src/core/paths.ts');
    const e = (code: string) => Object.assign(new Error(`${code}: x`), { code });
    expect(osError(e('EACCES'), '/p')).toMatchObject({
      code: 'E_PATH_DENIED',
      kind: 'forbidden',
      details: { path: '/p' },
    });
    expect(osError(e('ENOENT'), '/p')).toMatchObject({ code: 'E_PATH_NOT_FOUND', kind: 'not_found' });
    expect(osError(e('EEXIST'), '/p')).toMatchObject({ code: 'E_PATH_EXISTS', kind: 'conflict' });
    expect(osError(e('ENAMETOOLONG'), '/p')).toMatchObject({ code: 'E_PATH_INVALID', kind: 'invalid' });
    expect(osError(e('ENOSPC'), '/p')).toMatchObject({ code: 'E_DISK_FULL' });
  });
});
