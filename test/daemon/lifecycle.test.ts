import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readyUrl, ROOT, runNode, runRad, tempDir, waitFor, writeConfig } from '../helpers.ts';

const simStudio = (dir: string, extra: Record<string, unknown> = {}) =>
  writeConfig(dir, {
    api: { port: 0 },
    data_dir: join(dir, 'data'),
    consoles: [{ id: 'x32-main', family: 'x32', host: '127.0.0.1', port: 0 }],
    sim: { enabled: true },
    ...extra,
  });

describe('daemon lifecycle (real process)', () => {
  it('reaches READY on the simulated studio and lists its devices', async () => {
    const dir = tempDir();
    const cfg = simStudio(dir);
    const p = runRad(['start', '--config', cfg]);
    try {
      const url = await readyUrl(p);
      const token = readFileSync(join(dir, 'data', 'token'), 'utf8').trim();
      const headers = { authorization: `Bearer ${token}` };
      expect((await fetch(`${url}/api/v1/status`)).status).toBe(401);
      const st = (await (await fetch(`${url}/api/v1/status`, { headers })).json()) as {
        ready: boolean;
        devices: Array<{ id: string; kind: string; state: string }>;
      };
      expect(st.ready).toBe(true);
      expect(st.devices).toContainEqual(expect.objectContaining({ id: 'x32-main', kind: 'console', state: 'online' }));
      expect(st.devices).toContainEqual(expect.objectContaining({ id: 'sim-x32-main', kind: 'simulator' }));
      // the daemon's own user needs nothing: the CLI reads the token from the data directory
      const status = runRad(['status', '--url', url, '--config', cfg]);
      expect((await status.exit).code).toBe(0);
      expect(status.stdout()).toMatch(/x32-main\s+console\s+online/);
    } finally {
      p.child.kill('SIGTERM');
      await p.exit;
    }
  });

  it('exits 0 within 5 s of SIGTERM even with a hung device', async () => {
    const dir = tempDir();
    const p = runNode(['--import', 'tsx', join(ROOT, 'test/fixtures/hung-daemon.ts'), simStudio(dir)]);
    await readyUrl(p);
    const t0 = Date.now();
    p.child.kill('SIGTERM');
    const { code } = await p.exit;
    const ms = Date.now() - t0;
    expect(code).toBe(0);
    expect(ms).toBeLessThan(5000);
    expect(p.stderr()).toContain('device hung-device');
  });

  it('on a non-loopback bind, too, every route but health needs the token made at the first start', async () => {
    const dir = tempDir();
    const p = runRad([
      'start',
      '--config',
      writeConfig(dir, { api: { bind: '0.0.0.0', port: 0 }, data_dir: join(dir, 'd') }),
    ]);
    try {
      const url = (await readyUrl(p)).replace('0.0.0.0', '127.0.0.1');
      const token = readFileSync(join(dir, 'd', 'token'), 'utf8').trim();
      expect((await fetch(`${url}/api/v1/health`)).status).toBe(200);
      expect((await fetch(`${url}/api/v1/status`)).status).toBe(401);
      expect((await fetch(`${url}/api/v1/status`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    } finally {
      p.child.kill('SIGTERM');
      await p.exit;
    }
  });

  it('kill -9 leaves no child behind: the simulated serial cables (socat) die with the daemon', async () => {
    const children = (pid: number) =>
      readdirSync('/proc')
        .filter((d) => /^\d+$/.test(d))
        .filter((d) => {
          try {
            return readFileSync(`/proc/${d}/stat`, 'utf8').split(') ')[1]!.split(' ')[1] === String(pid);
          } catch {
            return false;
          }
        })
        .map(Number);
    const pattern = (dir: string) => (pid: number) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(dir);
      } catch {
        return false;
      }
    };
    for (let round = 0; round < 3; round++) {
      const dir = tempDir();
      const relays = (n: number) => ({
        id: `relays${n}`,
        protocol: 'numato-relay',
        serial: { path: join(dir, `tty-relays${n}`) },
        inputs: 1,
        outputs: 1,
        relay_count: 8,
        relays: [{ relay: 0, input: 1, output: 1 }],
      });
      const p = runRad(['start', '--config', simStudio(dir, { patchbays: [relays(1), relays(2)] })]);
      await readyUrl(p);
      const socats = children(p.child.pid!).filter(pattern(dir));
      expect(socats.length, p.stderr().slice(-800)).toBe(2);
      p.child.kill('SIGKILL');
      await p.exit;
      await waitFor(() => socats.every((pid) => !existsSync(`/proc/${pid}`) || !pattern(dir)(pid)), 3000, 20);
    }
  });

  it('reports a port in use with a code and exits 1', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as { port: number }).port;
    const dir = tempDir();
    try {
      const p = runRad(['start', '--config', writeConfig(dir, { api: { port }, data_dir: join(dir, 'd') })]);
      expect((await p.exit).code).toBe(1);
      expect(p.stderr()).toContain(`E_API_PORT_IN_USE: 127.0.0.1:${port} is already in use`);
    } finally {
      blocker.close();
    }
  });

  it('reports an unwritable data dir with a code and exits 2', async () => {
    const dir = tempDir();
    const p = runRad(['start', '--config', writeConfig(dir, { api: { port: 0 }, data_dir: '/proc/version/data' })]);
    expect((await p.exit).code).toBe(2);
    expect(p.stderr()).toContain('E_DATA_DIR');
  });

  it('never falls back to the simulated studio when no config exists', async () => {
    const p = runRad(['start'], { RAD_CONFIG: '/nonexistent/studio.yaml' });
    expect((await p.exit).code).toBe(2);
    expect(p.stderr()).toContain('/nonexistent/studio.yaml');
  });

  it('tells systemd READY=1 and STOPPING=1 over NOTIFY_SOCKET', async () => {
    const unix = createRequire(import.meta.url)('unix-dgram') as {
      createSocket(t: string, cb: (msg: Buffer) => void): { bind(p: string): void; close(): void };
    };
    const dir = tempDir();
    const sockPath = join(dir, 'notify.sock');
    const got: string[] = [];
    const server = unix.createSocket('unix_dgram', (msg) => got.push(msg.toString()));
    server.bind(sockPath);
    try {
      const p = runRad(['start', '--config', simStudio(dir)], { NOTIFY_SOCKET: sockPath, WATCHDOG_USEC: '200000' });
      await readyUrl(p);
      await waitFor(() => got.some((m) => m.includes('READY=1')));
      await waitFor(() => got.some((m) => m.includes('WATCHDOG=1')));
      p.child.kill('SIGTERM');
      expect((await p.exit).code).toBe(0);
      await waitFor(() => got.some((m) => m.includes('STOPPING=1')));
    } finally {
      server.close();
    }
  });
});
