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
    const h = await app.inject({ method: 'GET', url: '/api/v1/health' });
    expect(h.statusCode).toBe(200);
    expect(h.json()).toMatchObject({ ok: true, ready: true });
    const s = await app.inject({ method: 'GET', url: '/api/v1/status' });
    expect(s.json()).toMatchObject({ ready: true, devices: [] });
  });

  it('serves an OpenAPI document naming every route', async () => {
    const r = await app.inject({ method: 'GET', url: '/api/docs/json' });
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
    const ui = await app.inject({ method: 'GET', url: '/api/docs/' });
    expect(ui.statusCode).toBe(200);
    expect(ui.body).toContain('<html');
  });

  it('answers unknown routes and bad bodies with coded errors', async () => {
    const nf = await app.inject({ method: 'GET', url: '/api/v1/nope' });
    expect(nf.statusCode).toBe(404);
    expect(nf.json()).toEqual({ error: 'E_NOT_FOUND', message: 'no route GET /api/v1/nope' });
    const bad = await app.inject({ method: 'PUT', url: '/api/v1/consoles/x/values', payload: { nope: 1 } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toBe('E_VALIDATION');
    const json = await app.inject({
      method: 'PUT',
      url: '/api/v1/consoles/x/values',
      headers: { 'content-type': 'application/json' },
      payload: '{"path":',
    });
    expect(json.statusCode).toBe(400);
    expect(json.json().error).toBe('E_BAD_JSON');
    const q = await app.inject({ method: 'GET', url: '/api/v1/audit?limit=0' });
    expect(q.statusCode).toBe(400);
    expect(q.json().message).toMatch(/^querystring\.limit: must be >= 1 \(got "?0"?\)$/);
  });

  it('names the allowed values and the offending one for a union of literals', async () => {
    const r = await app.inject({ method: 'POST', url: '/api/v1/linecheck', payload: { target: 'sideways' } });
    expect(r.statusCode).toBe(400);
    expect(r.json()).toEqual({
      error: 'E_VALIDATION',
      message: 'body.target: must be one of "inputs", "outputs" (got "sideways")',
    });
    const two = await app.inject({
      method: 'POST',
      url: '/api/v1/linecheck',
      payload: { mode: 'fast', extra: 1 },
    });
    expect(two.json().message).toContain('body.extra: unknown key');
  });

  it('refuses a body over 1 MiB with 413', async () => {
    const big = JSON.stringify({ path: 'input/1/name', value: 'x'.repeat(1024 * 1024 + 10) });
    const r = await app.inject({
      method: 'PUT',
      url: '/api/v1/consoles/x/values',
      headers: { 'content-type': 'application/json' },
      payload: big,
    });
    expect(r.statusCode).toBe(413);
    expect(r.json().error).toBe('E_BODY_TOO_LARGE');
  });

  it('names an unknown console', async () => {
    const r = await app.inject({
      method: 'PUT',
      url: '/api/v1/consoles/ghost/values',
      payload: { path: 'input/1/fader', value: 0 },
    });
    expect(r.statusCode).toBe(404);
    expect(r.json().error).toBe('E_UNKNOWN_CONSOLE');
  });
});

describe('auth: a token on every route, whatever the spelling', () => {
  let app: App;
  let url: string;
  beforeAll(async () => {
    app = await build({ api: { port: 0, token: TOKEN } });
    url = app.apiUrl();
  });
  afterAll(async () => app.stop());

  const status = (method: string, path: string, headers: Record<string, string> = {}, body?: unknown) =>
    app.api
      .inject({
        method: method as 'GET',
        url: path,
        headers,
        ...(body === undefined ? {} : { payload: body as object }),
      })
      .then((r) => r.statusCode);
  const wsStatus = (path: string, headers: Record<string, string> = {}) =>
    new Promise<number>((resolve) => {
      const ws = new WebSocket(`${url.replace('http', 'ws')}${path}`, { headers });
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('open', () => {
        ws.close();
        resolve(101);
      });
      ws.on('error', () => resolve(-1));
    });

  it('every route of the OpenAPI document but health and the docs answers 401 without the token', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/api/docs/json' })).json() as {
      paths: Record<string, Record<string, unknown>>;
    };
    let checked = 0;
    for (const [path, ops] of Object.entries(doc.paths)) {
      const concrete = path.replace(/\{[^}]+\}/g, 'x');
      for (const method of Object.keys(ops)) {
        const m = method.toUpperCase();
        const code = await status(m, concrete, {}, m === 'GET' || m === 'DELETE' ? undefined : {});
        if (path === '/api/v1/health') expect(code, `${m} ${path}`).toBe(200);
        // the page's login: public by design, it checks the token itself (an empty body is 400)
        else if (path === '/api/v1/session' && m === 'POST') expect(code, `${m} ${path}`).toBe(400);
        else if (path === '/api/v1/session' && m === 'GET') expect(code, `${m} ${path}`).toBe(200);
        else if (path === '/api/v1/events') expect([401, 426], `${m} ${path}`).toContain(code);
        else expect(code, `${m} ${path}`).toBe(401);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(50);
    expect(await status('POST', '/api/v1/session', {}, { token: 'nope' })).toBe(401);
    const anon = await app.api.inject({ method: 'GET', url: '/api/v1/session' });
    expect(anon.json()).toEqual({ authenticated: false });
    expect(await status('GET', '/api/v1/status', { authorization: 'Bearer nope' })).toBe(401);
    expect(await status('GET', '/api/v1/status', { authorization: `Bearer ${TOKEN}` })).toBe(200);
    expect(await status('GET', `/api/v1/status?access_token=${TOKEN}`)).toBe(200);
    expect(await status('PUT', `/api/v1/audio/tuner?access_token=${TOKEN}`, {}, { input: 1 })).toBe(401); // writes: header only
  });

  it('percent-encoding, doubled slashes, case and a trailing slash do not skip it (HTTP and WS)', async () => {
    for (const p of [
      '/api/v1/%73tatus',
      '/api/v1/stat%75s',
      '/api//v1/status',
      '//api/v1/status',
      '/API/V1/STATUS',
      '/api/v1/status/',
      '/api/v1/status?',
      '/api/v1/./status',
      '/api/v1/x/../status',
      '/api/v1/%2e%2e/v1/status',
    ]) {
      expect([401, 404], p).toContain(await status('GET', p));
      expect([401, 404], p).toContain(await status('POST', p.replace('status', 'snapshots'), {}, {}));
    }
    for (const p of ['/api/v1/events', '/api/v1/%65vents', '/api/v1/even%74s', '/api//v1/events', '/api/v1/events/']) {
      expect([401, 404], p).toContain(await wsStatus(p));
    }
    expect(await wsStatus('/api/v1/%65vents', { authorization: `Bearer ${TOKEN}` })).toBe(101);
    expect(await wsStatus(`/api/v1/events?access_token=${TOKEN}`)).toBe(101);
  });

  it('DNS rebinding: a foreign Host is 421; a foreign Origin on a write or a WebSocket is 403', async () => {
    const auth = { authorization: `Bearer ${TOKEN}` };
    const r = await app.api.inject({
      method: 'GET',
      url: '/api/v1/status',
      headers: { ...auth, host: 'evil.example:8420' },
    });
    expect(r.statusCode).toBe(421);
    expect(r.json().error).toBe('E_HOST');
    expect(await status('GET', '/api/v1/health', { host: 'rebind.attacker.test' })).toBe(421);
    for (const host of ['localhost:8420', '127.0.0.1', '[::1]:8420', 'LOCALHOST.:80'])
      expect(await status('GET', '/api/v1/status', { ...auth, host }), host).toBe(200);
    const put = await app.api.inject({
      method: 'PUT',
      url: '/api/v1/audio/tuner',
      headers: { ...auth, origin: 'https://evil.example' },
      payload: { input: 1 },
    });
    expect(put.statusCode).toBe(403);
    expect(put.json().error).toBe('E_ORIGIN');
    expect(await status('GET', '/api/v1/status', { ...auth, origin: 'https://evil.example' })).toBe(200); // reads: CORS keeps the answer from the page
    expect(await wsStatus('/api/v1/events', { ...auth, origin: 'https://evil.example' })).toBe(403);
    expect(await wsStatus('/api/v1/events', { ...auth, origin: url })).toBe(101);
  });

  it('health answers without the token and tells nothing but liveness', async () => {
    const h = await app.api.inject({ method: 'GET', url: '/api/v1/health' });
    expect(h.json()).toEqual({ ok: true, ready: true });
    expect(h.headers['x-content-type-options']).toBe('nosniff'); // helmet
  });
});

describe('write rate limit', () => {
  it('over api.writes_per_minute a client gets 429 E_RATE_LIMIT; reads are not limited', async () => {
    const app = await build({ api: { port: 0, writes_per_minute: 3 } });
    try {
      const put = () =>
        app.inject({ method: 'PUT', url: '/api/v1/consoles/x/values', payload: { path: 'a', value: 1 } });
      const codes = [];
      for (let i = 0; i < 4; i++) codes.push((await put()).statusCode);
      expect(codes).toEqual([404, 404, 404, 429]);
      const r = await put();
      expect(r.json()).toMatchObject({ error: 'E_RATE_LIMIT', message: expect.stringMatching(/3 writes a minute/) });
      for (let i = 0; i < 5; i++)
        expect((await app.inject({ method: 'GET', url: '/api/v1/status' })).statusCode).toBe(200);
    } finally {
      await app.stop();
    }
  });
});

describe('the first start makes a token', () => {
  it('writes data_dir/token with mode 0600 and keeps it across starts', async () => {
    const dir = tempDir();
    const a = await build({ data_dir: dir });
    const t1 = a.token;
    await a.stop();
    expect(t1.length).toBeGreaterThanOrEqual(32);
    const { readFileSync, statSync } = await import('node:fs');
    expect(readFileSync(`${dir}/token`, 'utf8').trim()).toBe(t1);
    expect(statSync(`${dir}/token`).mode & 0o777).toBe(0o600);
    const b = await build({ data_dir: dir });
    expect(b.token).toBe(t1);
    expect((await b.api.inject({ method: 'GET', url: '/api/v1/status' })).statusCode).toBe(401);
    expect((await b.inject({ method: 'GET', url: '/api/v1/status' })).statusCode).toBe(200);
    await b.stop();
  });
});

describe('WebSocket events (real socket)', () => {
  let app: App;
  beforeAll(async () => {
    app = await build();
  });
  afterAll(async () => app.stop());

  it('streams only the topics asked for', async () => {
    const ws = new WebSocket(
      `${app.apiUrl().replace('http', 'ws')}/api/v1/events?access_token=${app.token}&topics=console.*`,
    );
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

  it('throttles meters per client to one in 40 ms (a 20 Hz source passes whole, a flood does not)', async () => {
    const ws = new WebSocket(
      `${app.apiUrl().replace('http', 'ws')}/api/v1/events?access_token=${app.token}&topics=console.meters`,
    );
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
    expect(meters).toBeLessThanOrEqual(14); // 500 ms / 40 ms, plus the first
  });

  it('a plain HTTP GET on the event stream is told to upgrade (426)', async () => {
    const r = await app.inject({ method: 'GET', url: '/api/v1/events' });
    expect(r.statusCode).toBe(426);
    expect(r.json().error).toBe('E_WS_UPGRADE');
  });

  it('refuses an unknown topic with 400 naming it', async () => {
    const res = await new Promise<{ status: number; body: string }>((resolve) => {
      const ws = new WebSocket(
        `${app.apiUrl().replace('http', 'ws')}/api/v1/events?access_token=${app.token}&topics=console.*,bogus`,
      );
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
