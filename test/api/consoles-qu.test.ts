import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.ts';
import { startSimApp, waitFor } from '../helpers.ts';

describe('console REST routes on a simulated Allen & Heath Qu-24', () => {
  let app: App;
  const sim = () => app.services.studio!.qu.get('qu-mon')!;
  beforeAll(async () => {
    app = await startSimApp({
      consoles: [{ id: 'qu-mon', family: 'qu', host: '127.0.0.1', port: 0, model: 'Qu-24', midi_channel: 2 }],
    });
  });
  afterAll(async () => app.stop());

  it('lists the Qu online with the model learned from the console', async () => {
    const r = (await app.inject({ method: 'GET', url: '/api/v1/consoles' })).json();
    expect(r.consoles[0]).toMatchObject({
      id: 'qu-mon',
      family: 'qu',
      state: 'online',
      caps: { inputs: 24, names: true, nameLength: 6 },
      info: { model: 'Qu-24', midi_channel: 2, firmware: '1.97' },
    });
  });

  it('a capture records the model, firmware and MIDI channel in the file', async () => {
    const r = await app.inject({ method: 'POST', url: '/api/v1/consoles/qu-mon/capture', payload: {} });
    expect(r.statusCode, r.body).toBe(200);
    const file = JSON.parse((r.json() as { text: string }).text);
    expect(file).toMatchObject({ family: 'qu', console: 'qu-mon', model: 'Qu-24', firmware: '1.97', midi_channel: 2 });
    expect(Object.keys(file.values).length).toBeGreaterThan(100);
  });

  it('sets a name, a mute and an aux send (neutral path → mix); the simulator holds them', async () => {
    const r = await app.inject({
      method: 'PUT',
      url: '/api/v1/consoles/qu-mon/values',
      payload: {
        changes: [
          { path: 'input/2/name', value: 'Snare' },
          { path: 'input/2/mute', value: true },
          { path: 'input/2/send/aux/3/level', value: -5 },
        ],
      },
    });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toMatchObject({
      ok: true,
      results: [
        { verdict: 'verified' },
        { verdict: 'verified' },
        { address: 'input/2/send/mix/3/level', verdict: 'verified' },
      ],
    });
    expect(sim().state.get(`${0x21}:name`)).toBe('Snare');
    expect(sim().state.get(`${0x21}:mute`)).toBe(1);
    expect(sim().state.get(`${0x21}:${0x20}:2`)).toBe(0x4f);
  });

  it('400 for a name too long, a strip the model lacks, or a colour', async () => {
    const long = await app.inject({
      method: 'PUT',
      url: '/api/v1/consoles/qu-mon/values',
      payload: { path: 'input/1/name', value: 'Lead Vocal' },
    });
    expect(long.statusCode).toBe(400);
    expect(long.json()).toMatchObject({ error: 'E_VALUE_RANGE', details: { value: 'Lead Vocal' } });
    expect(
      (
        await app.inject({
          method: 'PUT',
          url: '/api/v1/consoles/qu-mon/values',
          payload: { path: 'input/25/mute', value: true },
        })
      ).json().error,
    ).toBe('E_UNKNOWN_PATH');
    expect(
      (
        await app.inject({
          method: 'PUT',
          url: '/api/v1/consoles/qu-mon/values',
          payload: { path: 'input/1/colour', value: 'RD' },
        })
      ).json().error,
    ).toBe('E_CAPABILITY');
    const mask = await app.inject({
      method: 'PUT',
      url: '/api/v1/consoles/qu-mon/values',
      payload: { path: 'input/1/dca', value: 16 },
    });
    expect(mask.statusCode).toBe(400);
    expect(mask.json()).toMatchObject({
      error: 'E_VALUE_RANGE',
      message: expect.stringContaining('a bitmask 0..15 of 4 DCAs'),
    });
  });

  it('a neutral DCA bitmask lands as the four Qu assignment flags and reads back as a bitmask', async () => {
    const r = await app.inject({
      method: 'PUT',
      url: '/api/v1/consoles/qu-mon/values',
      payload: { path: 'input/5/dca', value: 0b1010 },
    });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toMatchObject({
      ok: true,
      results: [{ path: 'input/5/dca', address: 'input/5/dca/1..4', requested: 10, actual: 10, verdict: 'verified' }],
    });
    expect([1, 2, 3, 4].map((d) => sim().state.get(`${0x24}:dca:${d}`))).toEqual([0, 1, 0, 1]);
    expect(
      (await app.inject({ method: 'GET', url: '/api/v1/consoles/qu-mon/values?path=input/5/dca' })).json().value,
    ).toBe(10);
    expect(sim().state.get(`${0x20}:name`)).toBe('');
  });

  it('surface changes reach the bus', async () => {
    const seen: Array<{ path: string; value: unknown }> = [];
    const owner = {};
    app.services.bus.on('console.changed', owner, (e) => seen.push(e));
    sim().surface('lr/mute', true);
    await waitFor(() => seen.some((e) => e.path === 'lr/mute'), 1000);
    app.services.bus.removeOwner(owner);
  });
});
