import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.ts';
import { startSimApp, waitFor } from '../helpers.ts';

describe('console REST routes on the simulated studio', () => {
  let app: App;
  const sim = () => app.services.studio!.x32.get('x32-main')!;
  beforeAll(async () => {
    app = await startSimApp();
  });
  afterAll(async () => app.stop());

  it('lists consoles with status and capabilities', async () => {
    const r = (await app.inject({ method: 'GET', url: '/api/v1/consoles' })).json();
    expect(r.consoles[0]).toMatchObject({
      id: 'x32-main',
      family: 'x32',
      state: 'online',
      caps: { inputs: 32, nameLength: 12 },
    });
  });

  it('reads a subtree as node lines', async () => {
    const r = (await app.inject({ method: 'GET', url: '/api/v1/consoles/x32-main/nodes?prefix=ch/01' })).json();
    expect(r.nodes).toHaveLength(32);
    expect(r.nodes[0]).toEqual({ path: '/ch/01/config', text: '/ch/01/config "" 1 YE 1' });
  });

  it('sets values in units or raw, validated against the tree; the simulator holds them', async () => {
    const ok = await app.inject({
      method: 'PUT',
      url: '/api/v1/consoles/x32-main/values',
      payload: { path: 'input/2/fader', value: 0 },
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ ok: true, results: [{ address: '/ch/02/mix/fader', verdict: 'verified' }] });
    expect(sim().state.get('/ch/02/mix/fader')).toBe(767 / 1023);
    const raw = await app.inject({
      method: 'PUT',
      url: '/api/v1/consoles/x32-main/values',
      payload: { changes: [{ path: '/ch/02/mix/pan', value: 0.25, raw: true }] },
    });
    expect(raw.json().ok).toBe(true);
    expect(sim().state.get('/ch/02/mix/pan')).toBe(0.25);
    const get = (await app.inject({ method: 'GET', url: '/api/v1/consoles/x32-main/values?path=input/2/pan' })).json();
    expect(get.value).toBe(-50);
    // −∞ is a value: "-inf" in and out (null would mean unknown)
    const off = await app.inject({
      method: 'PUT',
      url: '/api/v1/consoles/x32-main/values',
      payload: { path: 'input/2/fader', value: '-inf' },
    });
    expect(off.json()).toMatchObject({ ok: true, results: [{ verdict: 'verified' }] });
    expect(sim().state.get('/ch/02/mix/fader')).toBe(0);
    const inf = (
      await app.inject({ method: 'GET', url: '/api/v1/consoles/x32-main/values?path=input/2/fader' })
    ).json();
    expect(inf.value).toBe('-inf');
  });

  it('answers an unknown path with 404 and an out-of-range value with 400 naming the range', async () => {
    const unknown = await app.inject({
      method: 'PUT',
      url: '/api/v1/consoles/x32-main/values',
      payload: { path: '/ch/01/mix/volume', value: 1 },
    });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error).toBe('E_UNKNOWN_PATH');
    const range = await app.inject({
      method: 'PUT',
      url: '/api/v1/consoles/x32-main/values',
      payload: { path: 'input/1/hpf', value: 1000 },
    });
    expect(range.statusCode).toBe(400);
    expect(range.json()).toMatchObject({ error: 'E_VALUE_RANGE', details: { allowed: '20..400' } });
    const rawRange = await app.inject({
      method: 'PUT',
      url: '/api/v1/consoles/x32-main/values',
      payload: { path: '/ch/01/mix/fader', value: 2, raw: true },
    });
    expect(rawRange.statusCode).toBe(400);
  });

  it('captures and applies scene text; broken text is refused with line numbers', async () => {
    const cap = (await app.inject({ method: 'POST', url: '/api/v1/consoles/x32-main/capture', payload: {} })).json();
    expect(cap.lines).toBe(2117);
    const text = cap.text.replace(/^\/ch\/08\/config .*$/m, '/ch/08/config "Bass DI" 40 BL 8');
    const ap = (
      await app.inject({
        method: 'POST',
        url: '/api/v1/consoles/x32-main/apply',
        payload: { text, only_changed: true },
      })
    ).json();
    expect(ap).toMatchObject({ applied: 1, verified: 1 });
    expect(sim().state.get('/ch/08/config/name')).toBe('Bass DI');
    const bad = await app.inject({
      method: 'POST',
      url: '/api/v1/consoles/x32-main/apply',
      payload: { text: `${text}/ch/01/mix LOUD\n` },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toBe('E_SCENE_INVALID');
    expect(bad.json().details.problems[0].line).toBe(2119);
  });

  it('reports a console that stops answering as 503 on writes, never a crash', async () => {
    sim().silent = true;
    const con = app.services.consoles.get('x32-main');
    try {
      const r = await app.inject({
        method: 'PUT',
        url: '/api/v1/consoles/x32-main/values',
        payload: { path: 'input/1/fader', value: -5 },
      });
      // read-back times out: the write is reported failed, not verified
      expect(r.statusCode).toBe(200);
      expect(r.json().results[0].verdict).toBe('failed');
      expect(r.json().results[0].error).toContain('E_CONSOLE_TIMEOUT');
      await waitFor(() => con.status().state === 'offline', 5000, 50);
      const off = await app.inject({
        method: 'PUT',
        url: '/api/v1/consoles/x32-main/values',
        payload: { path: 'input/1/fader', value: -5 },
      });
      expect(off.statusCode).toBe(503);
      expect(off.json().error).toBe('E_CONSOLE_OFFLINE');
    } finally {
      sim().silent = false;
    }
  });
});
