import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { App } from '../../src/app.ts';
import { silentLogger } from '../../src/core/logger.ts';
import { validateSettings } from '../../src/settings/load.ts';
import { tempDir } from '../helpers.ts';

const TOKEN = 'test-token-123456';

async function build(extra: Record<string, unknown> = {}): Promise<App> {
  const app = await App.build(validateSettings({ api: { port: 0 }, data_dir: tempDir(), ...extra }), {
    log: silentLogger(),
  });
  await app.start();
  return app;
}

describe('HTTP API (inject)', () => {
  let app: App;
  beforeAll(async () => {
    app = await build();
  });
  afterAll(async () => app.stop());

  it('serves health and status', async () => {
    const h = await app.api!.inject({ method: 'GET', url: '/api/v1/health' });
    expect(h.statusCode).toBe(200);
    expect(h.json()).toMatchObject({ ok: true, ready: true });
    const s = await app.api!.inject({ method: 'GET', url: '/api/v1/status' });
    expect(s.json()).toMatchObject({ ready: true, devices: [] });
  });

  it('serves an OpenAPI document naming every route', async () => {
    const r = await app.api!.inject({ method: 'GET', url: '/api/docs/json' });
    expect(r.statusCode).toBe(200);
    const doc = r.json() as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toMatch(/^3\./);
    for (const p of [
      '/api/v1/health',
      '/api/v1/status',
      '/api/v1/audit',
      '/api/v1/events',
      '/api/v1/consoles',
      '/api/v1/consoles/{id}/nodes',
      '/api/v1/consoles/{id}/values',
    ])
      expect(Object.keys(doc.paths)).toContain(p);
    const ui = await app.api!.inject({ method: 'GET', url: '/api/docs/' });
    expect(ui.statusCode).toBe(200);
    expect(ui.body).toContain('<html');
  });

  it('answers unknown routes and bad bodies with coded errors', async () => {
    const nf = await app.api!.inject({ method: 'GET', url: '/api/v1/nope' });
    expect(nf.statusCode).toBe(404);
    expect(nf.json()).toEqual({ error: 'E_NOT_FOUND', message: 'no route GET /api/v1/nope' });
    const bad = await app.api!.inject({ method: 'PUT', url: '/api/v1/consoles/x/values', payload: { nope: 1 } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toBe('E_VALIDATION');
    const json = await app.api!.inject({
      method: 'PUT',
      url: '/api/v1/consoles/x/values',
      headers: { 'content-type': 'application/json' },
      payload: '{"path":',
    });
    expect(json.statusCode).toBe(400);
    expect(json.json().error).toBe('E_BAD_JSON');
    const q = await app.api!.inject({ method: 'GET', url: '/api/v1/audit?limit=0' });
    expect(q.statusCode).toBe(400);
    expect(q.json().message).toMatch(/^querystring\.limit: must be >= 1 \(got "?0"?\)$/);
  });

  it('names the allowed values and the offending one for a union of literals', async () => {
    const r = await app.api!.inject({ method: 'POST', url: '/api/v1/linecheck', payload: { target: 'sideways' } });
    expect(r.statusCode).toBe(400);
    expect(r.json()).toEqual({
      error: 'E_VALIDATION',
      message: 'body.target: must be one of "inputs", "outputs" (got "sideways")',
    });
    const two = await app.api!.inject({
      method: 'POST',
      url: '/api/v1/linecheck',
      payload: { mode: 'fast', extra: 1 },
    });
    expect(two.json().message).toContain('body.extra: unknown key');
  });

  it('refuses a body over 1 MiB with 413', async () => {
    const big = JSON.stringify({ path: 'input/1/name', value: 'x'.repeat(1024 * 1024 + 10) });
    const r = await app.api!.inject({
      method: 'PUT',
      url: '/api/v1/consoles/x/values',
      headers: { 'content-type': 'application/json' },
      payload: big,
    });
    expect(r.statusCode).toBe(413);
    expect(r.json().error).toBe('E_BODY_TOO_LARGE');
  });

  it('names an unknown console', async () => {
    const r = await app.api!.inject({
      method: 'PUT',
      url: '/api/v1/consoles/ghost/values',
      payload: { path: 'input/1/fader', value: 0 },
    });
    expect(r.statusCode).toBe(404);
    expect(r.json().error).toBe('E_UNKNOWN_CONSOLE');
  });
});

describe('auth', () => {
  it('with a token, writes and the event stream need it; reads on loopback do not', async () => {
    const app = await build({ api: { port: 0, token: TOKEN } });
    try {
      expect((await app.api!.inject({ method: 'GET', url: '/api/v1/status' })).statusCode).toBe(200);
      const w = await app.api!.inject({
        method: 'PUT',
        url: '/api/v1/consoles/x/values',
        payload: { path: 'a', value: 1 },
      });
      expect(w.statusCode).toBe(401);
      expect(w.json().error).toBe('E_UNAUTHORIZED');
      const wrong = await app.api!.inject({
        method: 'PUT',
        url: '/api/v1/consoles/x/values',
        headers: { authorization: 'Bearer nope' },
        payload: { path: 'a', value: 1 },
      });
      expect(wrong.statusCode).toBe(401);
      const ok = await app.api!.inject({
        method: 'PUT',
        url: '/api/v1/consoles/x/values',
        headers: { authorization: `Bearer ${TOKEN}` },
        payload: { path: 'a', value: 1 },
      });
      expect(ok.statusCode).toBe(404); // past auth: the console does not exist
      const url = app.apiUrl().replace('http', 'ws');
      const denied = await new Promise<number>((resolve) => {
        const ws = new WebSocket(`${url}/api/v1/events`);
        ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        ws.on('open', () => resolve(101));
      });
      expect(denied).toBe(401);
      const allowed = await new Promise<number>((resolve) => {
        const ws = new WebSocket(`${url}/api/v1/events`, { headers: { authorization: `Bearer ${TOKEN}` } });
        ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        ws.on('open', () => {
          ws.close();
          resolve(101);
        });
      });
      expect(allowed).toBe(101);
    } finally {
      await app.stop();
    }
  });
});

describe('WebSocket events (real socket)', () => {
  let app: App;
  beforeAll(async () => {
    app = await build();
  });
  afterAll(async () => app.stop());

  it('streams only the topics asked for', async () => {
    const ws = new WebSocket(`${app.apiUrl().replace('http', 'ws')}/api/v1/events?topics=console.*`);
    const got: Array<{ topic: string; payload: unknown }> = [];
    await new Promise<void>((resolve) => {
      ws.on('message', (d) => {
        const m = JSON.parse(String(d));
        got.push(m);
        if (m.topic === 'hello') {
          app.services.bus.emit('device.status', { device: 'd', kind: 'console', state: 'online', since: '' });
          app.services.bus.emit('console.changed', {
            console: 'c',
            path: '/ch/01/mix/fader',
            value: -3,
            source: 'device',
          });
        }
        if (m.topic === 'console.changed') resolve();
      });
    });
    ws.close();
    expect(got.map((m) => m.topic)).toEqual(['hello', 'console.changed']);
    expect(got[1]!.payload).toEqual({ console: 'c', path: '/ch/01/mix/fader', value: -3, source: 'device' });
  });

  it('throttles meters to at most 20 Hz per client', async () => {
    const ws = new WebSocket(`${app.apiUrl().replace('http', 'ws')}/api/v1/events?topics=console.meters`);
    let meters = 0;
    await new Promise<void>((resolve) => {
      ws.on('message', (d) => {
        const m = JSON.parse(String(d));
        if (m.topic === 'console.meters') meters++;
        if (m.topic === 'hello') {
          const t0 = Date.now();
          const iv = setInterval(() => {
            app.services.bus.emit('console.meters', { console: 'c', bank: 1, values: [0] });
            if (Date.now() - t0 > 500) {
              clearInterval(iv);
              setTimeout(resolve, 50);
            }
          }, 2);
        }
      });
    });
    ws.close();
    expect(meters).toBeGreaterThanOrEqual(5);
    expect(meters).toBeLessThanOrEqual(12);
  });

  it('a plain HTTP GET on the event stream is told to upgrade (426)', async () => {
    const r = await app.api!.inject({ method: 'GET', url: '/api/v1/events' });
    expect(r.statusCode).toBe(426);
    expect(r.json().error).toBe('E_WS_UPGRADE');
  });

  it('refuses an unknown topic with 400 naming it', async () => {
    const res = await new Promise<{ status: number; body: string }>((resolve) => {
      const ws = new WebSocket(`${app.apiUrl().replace('http', 'ws')}/api/v1/events?topics=console.*,bogus`);
      ws.on('unexpected-response', (_req, r) => {
        let body = '';
        r.on('data', (d) => (body += d));
        r.on('end', () => resolve({ status: r.statusCode ?? 0, body }));
      });
      ws.on('open', () => resolve({ status: 101, body: '' }));
    });
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body)).toMatchObject({ error: 'E_UNKNOWN_TOPIC', message: 'unknown topic "bogus"' });
  });
});
