import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.ts';
import { muteParam, sendParam } from '../../src/console/sq/codec.ts';
import { startSimApp, waitFor } from '../helpers.ts';

describe('console REST routes on a simulated Allen & Heath SQ', () => {
  let app: App;
  const sim = () => app.services.studio!.sq.get('sq-foh')!;
  beforeAll(async () => {
    app = await startSimApp({
      consoles: [{ id: 'sq-foh', family: 'sq', host: '127.0.0.1', port: 0, midi_channel: 3 }],
    });
  });
  afterAll(async () => app.stop());

  it('lists the SQ online with its capability flags', async () => {
    const r = (await app.inject({ method: 'GET', url: '/api/v1/consoles' })).json();
    expect(r.consoles[0]).toMatchObject({
      id: 'sq-foh',
      family: 'sq',
      state: 'online',
      caps: { inputs: 48, names: false, sceneRead: true, sceneText: false, oscillator: false, raw: true },
      info: { midi_channel: 3, parameters: 4245 },
    });
  });

  it('sets neutral and family paths; the simulator holds them; reads come from the model', async () => {
    const r = await app.inject({
      method: 'PUT',
      url: '/api/v1/consoles/sq-foh/values',
      payload: {
        changes: [
          { path: 'input/3/mute', value: true },
          { path: 'input/3/fader', value: -10 },
          { path: 'input/3/send/aux/2/level', value: -6 },
        ],
      },
    });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({
      ok: true,
      results: [
        { verdict: 'verified' },
        { address: 'input/3/send/lr/level', verdict: 'verified' },
        { verdict: 'verified' },
      ],
    });
    expect(sim().state.get(muteParam('input', 3))).toBe(1);
    expect(sim().levelDb(sendParam('level', 'input', 3, 'lr', 1))).toBeCloseTo(-10, 1);
    expect(sim().levelDb(sendParam('level', 'input', 3, 'aux', 2))).toBeCloseTo(-6, 1);
    const get = (await app.inject({ method: 'GET', url: '/api/v1/consoles/sq-foh/values?path=input/3/fader' })).json();
    expect(get.value).toBeCloseTo(-10, 1);
    const nodes = (
      await app.inject({ method: 'GET', url: '/api/v1/consoles/sq-foh/nodes?prefix=input/3/send/aux/2' })
    ).json();
    expect(nodes.nodes).toEqual(expect.arrayContaining([{ path: 'input/3/send/aux/2/level', value: -6 }]));
  });

  it('−∞ is a value ("-inf"), not null (unknown): written, read back and reported as "-inf"; FX send balance too', async () => {
    const r = await app.inject({
      method: 'PUT',
      url: '/api/v1/consoles/sq-foh/values',
      payload: {
        changes: [
          { path: 'input/4/fader', value: '-inf' },
          { path: 'fxsend/2/balance', value: 30 },
        ],
      },
    });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toMatchObject({ ok: true, results: [{ verdict: 'verified' }, { verdict: 'verified' }] });
    expect(sim().state.get(sendParam('level', 'input', 4, 'lr', 1))).toBe(0);
    const get = (await app.inject({ method: 'GET', url: '/api/v1/consoles/sq-foh/values?path=input/4/fader' })).json();
    expect(get.value).toBe('-inf');
    const bal = (
      await app.inject({ method: 'GET', url: '/api/v1/consoles/sq-foh/values?path=fxsend/2/balance' })
    ).json();
    expect(bal.value).toBeCloseTo(30, 0);
    const bad = await app.inject({
      method: 'PUT',
      url: '/api/v1/consoles/sq-foh/values',
      payload: { changes: [{ path: 'input/4/fader', value: 'loud' }] },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ error: 'E_VALUE_RANGE', details: { value: 'loud' } });
  });

  it('refuses what an SQ cannot take, out-of-range values and unknown paths with 400 and touches nothing', async () => {
    const before = sim().writes;
    const name = await app.inject({
      method: 'PUT',
      url: '/api/v1/consoles/sq-foh/values',
      payload: { path: 'input/1/name', value: 'Kick' },
    });
    expect(name.statusCode).toBe(400);
    expect(name.json().error).toBe('E_CAPABILITY');
    const range = await app.inject({
      method: 'PUT',
      url: '/api/v1/consoles/sq-foh/values',
      payload: {
        changes: [
          { path: 'input/1/mute', value: true },
          { path: 'input/1/fader', value: 40 },
        ],
      },
    });
    expect(range.statusCode).toBe(400);
    expect(range.json()).toMatchObject({ error: 'E_VALUE_RANGE', details: { value: 40 } });
    const unknown = await app.inject({
      method: 'PUT',
      url: '/api/v1/consoles/sq-foh/values',
      payload: { path: 'input/49/mute', value: true },
    });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error).toBe('E_UNKNOWN_PATH');
    expect(sim().writes).toBe(before);
    expect(sim().state.get(muteParam('input', 1))).toBe(0);
  });

  it('a change on the surface reaches the bus as console.changed from the device', async () => {
    const seen: Array<{ path: string; value: unknown; source: string }> = [];
    const owner = {};
    app.services.bus.on('console.changed', owner, (e) => seen.push(e));
    sim().surface(muteParam('aux', 4), 1);
    await waitFor(() => seen.some((e) => e.path === 'aux/4/mute'), 1000);
    app.services.bus.removeOwner(owner);
    expect(seen.find((e) => e.path === 'aux/4/mute')).toMatchObject({ value: true, source: 'device' });
  });
});
