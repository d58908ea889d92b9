// Is the API there while rad works? The daemon on config/studio.yaml as shipped (spawned, built
// bundle): (1) GET /api/v1/health at 100 Hz from this process while a 64-path line check runs,
// p50/p99/max; (2) 500 WebSocket clients on console.changed while fader moves go in over REST:
// delivery latency from the event's timestamp to each client's receipt, p50/p99.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { report } from './_report.ts';

const root = new URL('..', import.meta.url).pathname;
const build = spawnSync(process.execPath, [join(root, 'scripts/build.mjs')], { stdio: 'inherit' });
if (build.status !== 0) throw new Error('build failed');
const dir = mkdtempSync(join(tmpdir(), 'rad-bench-resp-'));
const daemon = spawn(
  process.execPath,
  [join(root, 'bin/rad.mjs'), 'start', '--config', join(root, 'config/studio.yaml')],
  {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, RAD_DATA_DIR: join(dir, 'data'), RAD_API_PORT: '0' },
  },
);
const pct = (a: number[], p: number) => [...a].sort((x, y) => x - y)[Math.min(a.length - 1, Math.floor(a.length * p))]!;
const round = (x: number) => Math.round(x * 10) / 10;
try {
  let err = '';
  const url = await new Promise<string>((resolve, reject) => {
    daemon.stderr.on('data', (d) => {
      err += d;
      const m = /"api":"([^"]+)"[^\n]*"msg":"ready"/.exec(err);
      if (m) resolve(m[1]!);
    });
    daemon.on('exit', (c) => reject(new Error(`daemon exited ${c}: ${err.slice(-1500)}`)));
  });
  const token = readFileSync(join(dir, 'data', 'token'), 'utf8').trim();
  const auth = { authorization: `Bearer ${token}` };
  const api = async (method: string, path: string, body?: unknown) => {
    const r = await fetch(`${url}${path}`, {
      method,
      headers: { ...auth, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    return r.json() as Promise<Record<string, unknown>>;
  };

  // (1) health at 100 Hz during three line checks, one after the other
  const lat: number[] = [];
  const t0 = performance.now();
  for (let k = 0; k < 3; k++) {
    const { run } = (await api('POST', '/api/v1/linecheck', {})) as { run: string };
    let done = false;
    const poll = (async () => {
      for (;;) {
        const st = (await api('GET', `/api/v1/linecheck/${run}`)) as { state: string };
        if (st.state !== 'running') break;
        await new Promise((r) => setTimeout(r, 200));
      }
      done = true;
    })();
    const t1 = performance.now();
    let n = 0;
    while (!done) {
      const s = performance.now();
      await fetch(`${url}/api/v1/health`);
      lat.push(performance.now() - s);
      n++;
      await new Promise((r) => setTimeout(r, Math.max(0, t1 + n * 10 - performance.now())));
    }
    await poll;
  }
  const lcSeconds = (performance.now() - t0) / 1000 / 3;
  console.log(
    `health during three line checks of ${lcSeconds.toFixed(2)} s: ${lat.length} requests, p50 ${round(pct(lat, 0.5))} ms, p99 ${round(pct(lat, 0.99))} ms, max ${round(Math.max(...lat))} ms`,
  );

  // (2) 500 WebSocket clients on console.changed
  const CLIENTS = 500;
  const MOVES = 40;
  const delays: number[] = [];
  const ws = await Promise.all(
    Array.from(
      { length: CLIENTS },
      () =>
        new Promise<WebSocket>((resolve, reject) => {
          const c = new WebSocket(`${url.replace('http', 'ws')}/api/v1/events?topics=console.changed`, {
            headers: auth,
          });
          c.on('message', (d) => {
            const m = JSON.parse(String(d)) as { topic: string; at: string };
            if (m.topic === 'console.changed') delays.push(Date.now() - Date.parse(m.at));
          });
          c.once('open', () => resolve(c));
          c.once('error', reject);
        }),
    ),
  );
  for (let i = 0; i < MOVES; i++) {
    await api('PUT', '/api/v1/consoles/x32-main/values', { path: 'input/1/fader', value: -30 + (i % 20) });
    await new Promise((r) => setTimeout(r, 50));
  }
  await new Promise((r) => setTimeout(r, 500));
  for (const c of ws) c.close();
  console.log(
    `console.changed to ${CLIENTS} clients: ${delays.length} deliveries, p50 ${pct(delays, 0.5)} ms, p99 ${pct(delays, 0.99)} ms`,
  );
  report({
    bench: 'responsiveness',
    models:
      'the shipped studio under work: health at 100 Hz during a 64-path line check; 500 WS clients on fader moves',
    linecheck_s: round(lcSeconds),
    health_requests: lat.length,
    health_p50_ms: round(pct(lat, 0.5)),
    health_p99_ms: round(pct(lat, 0.99)),
    health_max_ms: round(Math.max(...lat)),
    ws_clients: CLIENTS,
    ws_deliveries: delays.length,
    ws_p50_ms: pct(delays, 0.5),
    ws_p99_ms: pct(delays, 0.99),
    goal: { health_p99_ms: 20, ws_p99_ms: 50 },
  });
} finally {
  daemon.kill('SIGTERM');
  await new Promise((r) => daemon.on('exit', r));
  rmSync(dir, { recursive: true, force: true });
}
