// The `rad` CLI as a user runs it: the real binary, spawned, against a daemon on a real port.
// Exit codes are the contract (0 done, 1 failure, 2 the caller's mistake), and --json prints one
// JSON document a script can parse.
import { realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.ts';
import { runRad, startSimApp, tempDir, writeConfig } from '../helpers.ts';

let app: App;
let url: string;

beforeAll(async () => {
  app = await startSimApp();
  url = app.apiUrl();
}, 30000);
afterAll(() => app?.stop());

async function rad(...args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return radWith({ RAD_TOKEN: app.token }, ...args);
}

async function radWith(env: NodeJS.ProcessEnv, ...args: string[]) {
  const p = runRad(args, env);
  const { code } = await p.exit;
  return { code, out: p.stdout(), err: p.stderr() };
}

describe('rad CLI against a running daemon', () => {
  it('status --json: ready, the version and every device with its state', async () => {
    const r = await rad('status', '--url', url, '--json');
    expect(r.code, r.err).toBe(0);
    const st = JSON.parse(r.out);
    expect(st).toMatchObject({ ready: true, version: expect.any(String) });
    expect(st.devices).toEqual(
      expect.arrayContaining([expect.objectContaining({ id: 'x32-main', kind: 'console', state: 'online' })]),
    );
  });

  it('console set then get: the value read back, as JSON and as text', async () => {
    const set = await rad('console', 'set', 'input/5/name', 'Snare Top', '--url', url, '--json');
    expect(set.code, set.err).toBe(0);
    expect(JSON.parse(set.out)).toMatchObject({ ok: true });
    const get = await rad('console', 'get', 'input/5/name', '--url', url, '--json');
    expect(get.code, get.err).toBe(0);
    expect(JSON.parse(get.out)).toEqual({ path: 'input/5/name', value: 'Snare Top' });
    const text = await rad('console', 'get', 'input/5/name', '--url', url);
    expect(text.out).toBe('Snare Top\n');
  });

  it("the caller's mistakes exit 2 with the code and the offending value", async () => {
    const [unknown, range, usage, noConsole] = await Promise.all([
      rad('console', 'get', 'input/99/name', '--url', url),
      rad('console', 'set', 'input/1/fader', '40', '--url', url),
      rad('console', 'frobnicate'),
      rad('console', 'get', 'input/1/name', '--url', url, '--console', 'nosuch'),
    ]);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(/^rad: E_UNKNOWN_PATH: .*input\/99\/name/m);
    expect(range.code).toBe(2);
    expect(range.err).toMatch(/E_VALUE_RANGE.*40/);
    expect(usage.code).toBe(2);
    expect(usage.err).toMatch(/^rad: E_USAGE: unknown command 'frobnicate'/m); // commander's own usage errors get the code too
    expect(noConsole.code).toBe(2);
    expect(noConsole.err).toMatch(/nosuch/);
  });

  it('a wrong token is refused (exit 2, E_UNAUTHORIZED); health needs none', async () => {
    const r = await radWith({ RAD_TOKEN: 'not-the-token' }, 'status', '--url', url);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/E_UNAUTHORIZED/);
  });

  it('a daemon that is not there is a failure (exit 1) that names the URL', async () => {
    const r = await rad('status', '--url', 'http://127.0.0.1:1', '--json');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/127\.0\.0\.1:1/);
    expect(r.out).toBe('');
  });

  it('snapshot take and list --json: the snapshot is listed with its id and label', async () => {
    const take = await rad('snapshot', 'take', '--label', 'cli test', '--url', url, '--json');
    expect(take.code, take.err).toBe(0);
    const taken = JSON.parse(take.out);
    expect(taken).toMatchObject({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), label: 'cli test' });
    const list = await rad('snapshot', 'list', '--url', url, '--json');
    expect(list.code, list.err).toBe(0);
    const rows = JSON.parse(list.out);
    expect((Array.isArray(rows) ? rows : rows.snapshots).map((s: { id: string }) => s.id)).toContain(taken.id);
  });

  it('rad token prints the token from the data directory; --rotate replaces it and the daemon follows', async () => {
    const cfg = writeConfig(tempDir(), { data_dir: app.settings.data_dir });
    const old = app.token;
    const shown = await radWith({}, 'token', '--config', cfg);
    expect(shown.code, shown.err).toBe(0);
    expect(shown.out.trim()).toBe(old);
    const rotated = await radWith({}, 'token', '--rotate', '--config', cfg);
    expect(rotated.code, rotated.err).toBe(0);
    const fresh = rotated.out.trim();
    expect(fresh).not.toBe(old);
    await new Promise((r) => setTimeout(r, 1100)); // the daemon re-reads the file at most once a second
    const withOld = await radWith({ RAD_TOKEN: old }, 'status', '--url', url);
    expect(withOld.code).toBe(2);
    const withNew = await radWith({}, 'status', '--url', url, '--config', cfg);
    expect(withNew.code, withNew.err).toBe(0);
  });

  it("print start --version X reaches the daemon (the program's own --version does not take it)", async () => {
    const r = await rad('print', 'start', '--version', 'Mix 1', '--url', url);
    expect(r.out).not.toMatch(/^\d+\.\d+\.\d+/);
    expect(r.err).toMatch(/^rad: E_AUDIO_OFFLINE: cannot print/); // this studio has no audio interface to print from
  });

  it('backup asks the running daemon: a relative name lands in its backup folder, a folder elsewhere is refused', async () => {
    const cfg = writeConfig(tempDir(), { data_dir: app.settings.data_dir, api: { port: Number(new URL(url).port) } });
    const ok = await radWith({}, 'backup', 'nightly', '--config', cfg, '--json');
    expect(ok.code, ok.err).toBe(0);
    expect(JSON.parse(ok.out).target).toBe(join(realpathSync(app.settings.data_dir), 'backups', 'nightly'));
    const outside = await radWith({}, 'backup', tempDir(), '--config', cfg);
    expect(outside.code).toBe(2);
    expect(outside.err).toMatch(/E_PATH_OUTSIDE/);
  });

  it('audit lists the writes made above, newest first; logs --file prints pino lines for people', async () => {
    const a = await rad('audit', '--url', url, '--json', '--limit', '5');
    expect(a.code, a.err).toBe(0);
    expect(JSON.parse(a.out).entries[0]).toMatchObject({ device: 'x32-main', actor: expect.any(String) });
    const f = join(tempDir(), 'rad.log');
    writeFileSync(
      f,
      `${JSON.stringify({ level: 40, time: Date.UTC(2026, 11, 2, 12, 3, 4, 120), part: 'api', msg: 'slow', ms: 12 })}\nplain text\n`,
    );
    const l = await rad('logs', '--file', f);
    expect(l.code, l.err).toBe(0);
    expect(l.out).toBe('12:03:04.120 WARN  [api] slow  ms=12\nplain text\n');
  });

  it('--version and --help exit 0', async () => {
    const [v, h] = await Promise.all([rad('--version'), rad('--help')]);
    expect(v.code).toBe(0);
    expect(v.out).toMatch(/^\d+\.\d+\.\d+/);
    expect(h.code).toBe(0);
    expect(h.out).toMatch(/Usage: rad/);
  });
});
