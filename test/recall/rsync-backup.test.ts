// Off-machine backups through the system rsync, to an rsync daemon on a free port (a second local
// folder stands in for the NAS): same manifest, verify fetches the copy back and re-hashes it, a
// corrupted file is named, an unlisted destination is refused, a dead destination is a coded error.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.ts';
import { nextDailyAt } from '../../src/recall/backup.ts';
import { isRemoteTarget } from '../../src/recall/rsync.ts';
import { freePort } from '../facility/broker.ts';
import { runRad, startSimApp, tempDir, waitFor } from '../helpers.ts';

let daemon: ChildProcess;
let port: number;
let store: string;
let app: App;
let remote: string;

async function startRsyncd(): Promise<void> {
  const dir = tempDir('rad-rsyncd-');
  store = join(dir, 'store');
  mkdirSync(store);
  port = await freePort();
  const conf = join(dir, 'rsyncd.conf');
  writeFileSync(
    conf,
    [
      `pid file = ${join(dir, 'rsyncd.pid')}`,
      'use chroot = false',
      ...(process.getuid?.() === 0 ? ['uid = root', 'gid = root'] : []),
      '[backups]',
      `path = ${store}`,
      'read only = false',
      '',
    ].join('\n'),
  );
  daemon = spawn('rsync', ['--daemon', '--no-detach', `--config=${conf}`, `--port=${port}`, '--address=127.0.0.1'], {
    stdio: 'ignore',
  });
  await waitFor(async () => {
    const probe = spawn('rsync', [`rsync://127.0.0.1:${port}/`], { stdio: 'ignore' });
    return new Promise<boolean>((res) => probe.on('close', (c) => res(c === 0)));
  }, 10000);
}

beforeAll(async () => {
  await startRsyncd();
  remote = `rsync://127.0.0.1:${port}/backups/studio-a`;
  app = await startSimApp({ paths: { backup_targets: ['backups', `rsync://127.0.0.1:${port}/backups`] } });
}, 30000);

afterAll(async () => {
  await app?.stop();
  daemon?.kill();
});

const post = (url: string, body: unknown) => app.inject({ method: 'POST', url, payload: body as object });

describe('backup to an rsync destination', () => {
  it('copies the database and files with the manifest; the remote has no in-progress marker; incremental', async () => {
    expect((await post('/api/v1/snapshots', { label: 'before rsync' })).statusCode).toBe(200);
    const prints = join(app.settings.data_dir, 'prints');
    mkdirSync(prints, { recursive: true });
    writeFileSync(join(prints, 'mix-v1.wav'), Buffer.alloc(200_000, 7));
    const r = await post('/api/v1/backup', { target: remote });
    expect(r.statusCode, r.body).toBe(200);
    const rep = r.json() as { files: number; copied: number; target: string };
    expect(rep.target).toBe(remote);
    expect(rep.files).toBeGreaterThanOrEqual(2);
    const there = join(store, 'studio-a');
    expect(existsSync(join(there, 'rad.sqlite'))).toBe(true);
    expect(readFileSync(join(there, 'prints/mix-v1.wav')).length).toBe(200_000);
    const manifest = JSON.parse(readFileSync(join(there, 'manifest.json'), 'utf8')) as {
      files: Array<{ path: string }>;
    };
    expect(manifest.files.map((f) => f.path)).toEqual(expect.arrayContaining(['rad.sqlite', 'prints/mix-v1.wav']));
    expect(existsSync(join(there, '.backup-in-progress'))).toBe(false);
    expect(existsSync(join(there, 'token'))).toBe(false);
    // the second run copies only what changed (the print is unchanged)
    const again = (await post('/api/v1/backup', { target: remote })).json() as { skipped: number };
    expect(again.skipped).toBeGreaterThanOrEqual(1);
    const last = (await app.inject({ method: 'GET', url: '/api/v1/backup/last' })).json() as { last: { ok: boolean } };
    expect(last.last).toMatchObject({ ok: true, target: remote, trigger: 'api' });
  }, 30000);

  it('verify fetches the copy and re-hashes it: ok, then a corrupted file is named (API and CLI)', async () => {
    const ok = await post('/api/v1/backup/verify', { target: remote });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toMatchObject({ ok: true, bad: [] });
    // bit rot on the NAS: same size, different bytes
    const f = join(store, 'studio-a', 'prints/mix-v1.wav');
    const buf = readFileSync(f);
    buf[1000] = 0;
    writeFileSync(f, buf);
    const bad = await post('/api/v1/backup/verify', { target: remote });
    expect(bad.json()).toMatchObject({
      ok: false,
      bad: [{ path: 'prints/mix-v1.wav', problem: expect.stringMatching(/SHA-256/) }],
    });
    const cli = runRad(['backup', 'verify', remote]);
    expect((await cli.exit).code).toBe(1);
    expect(cli.stdout()).toMatch(/BAD {2}prints\/mix-v1\.wav: SHA-256/);
  }, 30000);

  it('a destination not listed in paths.backup_targets is refused; a dead one is E_BACKUP_RSYNC and the last result says so', async () => {
    const outside = await post('/api/v1/backup', { target: 'backup@nas.example:/srv/elsewhere' });
    expect(outside.statusCode).toBe(403);
    expect(outside.json()).toMatchObject({ error: 'E_PATH_OUTSIDE' });
    const climbing = await post('/api/v1/backup', { target: `rsync://127.0.0.1:${port}/backups/../etc` });
    expect(climbing.statusCode).toBe(403);
    const dead = await startSimApp({ paths: { backup_targets: ['rsync://127.0.0.1:1/backups'] } });
    try {
      const r = await dead.inject({
        method: 'POST',
        url: '/api/v1/backup',
        payload: { target: 'rsync://127.0.0.1:1/backups/x' },
      });
      expect(r.statusCode).toBe(503);
      expect(r.json()).toMatchObject({ error: 'E_BACKUP_RSYNC' });
      const last = (await dead.inject({ method: 'GET', url: '/api/v1/backup/last' })).json() as { last: unknown };
      expect(last.last).toMatchObject({ ok: false, error: expect.stringMatching(/E_BACKUP_RSYNC/) });
    } finally {
      await dead.stop();
    }
  }, 30000);
});

describe('targets and the schedule', () => {
  it('tells rsync destinations from local folders as rsync does', () => {
    for (const t of ['rsync://nas/backups/a', 'backup@nas:/srv/rad', 'nas:rad', 'nas::backups/a', 'user@10.0.0.5:x'])
      expect(isRemoteTarget(t), t).toBe(true);
    for (const t of ['/srv/backups', './backups', 'backups', 'dir/with:colon', 'C:\\backups'])
      expect(isRemoteTarget(t), t).toBe(false);
  });

  it('the next daily run is the next HH:MM strictly after now (today or tomorrow)', () => {
    const now = new Date(2026, 11, 2, 3, 29, 0);
    expect(nextDailyAt('03:30', now)).toEqual(new Date(2026, 11, 2, 3, 30, 0));
    expect(nextDailyAt('03:29', now)).toEqual(new Date(2026, 11, 3, 3, 29, 0));
    expect(nextDailyAt('00:00', new Date(2026, 11, 31, 23, 59))).toEqual(new Date(2027, 0, 1, 0, 0));
  });
});
