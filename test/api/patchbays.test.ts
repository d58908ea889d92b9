import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.ts';
import { startSimApp } from '../helpers.ts';

describe('patchbay REST routes on the simulated studio', () => {
  let app: App;
  const sim = (id: string) => app.services.studio!.patchbays.get(id)!;
  beforeAll(async () => {
    app = await startSimApp({
      patchbays: [
        { id: 'sw-a', protocol: 'extron-sis', tcp: { host: '127.0.0.1', port: 0 }, inputs: 8, outputs: 8 },
        { id: 'hub', protocol: 'videohub', tcp: { host: '127.0.0.1', port: 0 }, inputs: 4, outputs: 4 },
      ],
      bays: [{ id: 'bay-a', points: 8, normal: 'half' }],
      wiring: [
        { from: 'tie:1-8', to: 'bay-a:top:1-8' },
        { from: 'bay-a:bottom:1-8', to: 'sw-a:in:1-8' },
        { from: 'sw-a:out:1-8', to: 'x32-main:in:1-8' },
      ],
      sim: { enabled: true, faults: [{ device: 'sw-a', kind: 'stuck-crosspoint', output: 6 }] },
    });
  });
  afterAll(async () => app.stop());
  const inject = (method: 'GET' | 'PUT' | 'POST', url: string, payload?: unknown) =>
    app.inject({ method, url, payload: payload as never });

  it('lists patchbays with status and map', async () => {
    const r = (await inject('GET', '/api/v1/patchbays')).json();
    expect(r.patchbays.map((p: { id: string; state: string }) => [p.id, p.state])).toEqual([
      ['sw-a', 'online'],
      ['hub', 'online'],
    ]);
    expect(r.patchbays[0].map).toHaveLength(8);
  });

  it('sets ties, verified; the simulator holds them; null disconnects', async () => {
    const r = await inject('PUT', '/api/v1/patchbays/sw-a/ties', {
      ties: [
        { output: 3, input: 5 },
        { output: 4, input: null },
      ],
    });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ verified: true });
    expect(sim('sw-a').map.slice(2, 4)).toEqual([5, null]);
  });

  it('names the output a stuck crosspoint did not take (502)', async () => {
    const r = await inject('PUT', '/api/v1/patchbays/sw-a/ties', { ties: [{ output: 6, input: 2 }] });
    expect(r.statusCode).toBe(502);
    expect(r.json()).toMatchObject({ error: 'E_PATCH_TIE_NOT_TAKEN' });
    expect(r.json().message).toContain('output 6');
  });

  it('refuses bad ties with coded 4xx errors', async () => {
    expect(
      (await inject('PUT', '/api/v1/patchbays/sw-a/ties', { ties: [{ output: 9, input: 1 }] })).json(),
    ).toMatchObject({ error: 'E_PATCH_OUTPUT_RANGE' });
    expect(
      (await inject('PUT', '/api/v1/patchbays/sw-a/ties', { ties: [{ output: 1, input: 'x' }] })).json(),
    ).toMatchObject({ error: 'E_PATCH_INPUT_RANGE' });
    expect(
      (await inject('PUT', '/api/v1/patchbays/hub/ties', { ties: [{ output: 1, input: null }] })).json(),
    ).toMatchObject({ error: 'E_PATCH_NO_DISCONNECT' });
    expect((await inject('PUT', '/api/v1/patchbays/nope/ties', { ties: [{ output: 1, input: 1 }] })).statusCode).toBe(
      404,
    );
    expect((await inject('PUT', '/api/v1/patchbays/sw-a/ties', { ties: [] })).statusCode).toBe(400);
  });

  it('traces what reaches a console input through the bay and the switcher', async () => {
    await inject('PUT', '/api/v1/patchbays/sw-a/ties', { ties: [{ output: 7, input: 2 }] });
    const r = (await inject('GET', '/api/v1/trace/x32-main:in:7')).json();
    expect(r.paths.map((p: { source: string }) => p.source)).toEqual(['tie:2']);
    await inject('PUT', '/api/v1/cords', { cords: [{ a: 'tie:9', b: 'bay-a:bottom:2' }] });
    const after = (await inject('GET', '/api/v1/trace?to=x32-main:in:7')).json();
    expect(after.paths.map((p: { source: string }) => p.source)).toEqual(['tie:9']);
    expect((await inject('GET', '/api/v1/trace')).statusCode).toBe(400);
  });

  it('saves and recalls presets', async () => {
    await inject('PUT', '/api/v1/patchbays/sw-a/ties', { ties: [{ output: 1, input: 8 }] });
    expect((await inject('POST', '/api/v1/patchbays/sw-a/presets', { name: 'session' })).statusCode).toBe(200);
    await inject('PUT', '/api/v1/patchbays/sw-a/ties', { ties: [{ output: 1, input: 1 }] });
    const r = await inject('POST', '/api/v1/patchbays/sw-a/presets/session/recall');
    // the preset includes stuck output 6 at its current value, so the recall verifies
    expect(r.statusCode).toBe(200);
    expect(sim('sw-a').map[0]).toBe(8);
  });
});
