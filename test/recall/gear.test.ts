import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.ts';
import { startSimApp } from '../helpers.ts';

const LA2A = {
  make: 'Teletronix',
  model: 'LA-2A',
  serial: '10542',
  patched_at: 'bay-a:top:21',
  controls: [
    { name: 'gain', kind: 'knob', min: 0, max: 100 },
    { name: 'peak reduction', kind: 'knob', min: 0, max: 100 },
    { name: 'mode', kind: 'switch', positions: ['compress', 'limit'] },
  ],
};

describe('gear documentation over REST', () => {
  let app: App;
  beforeAll(async () => {
    app = await startSimApp();
  });
  afterAll(async () => app.stop());
  const req = (method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown) =>
    app.inject({ method, url, payload: payload as never });

  it('describes a unit once, records its settings per version, and prints a recall sheet', async () => {
    const unit = (await req('POST', '/api/v1/gear', LA2A)).json();
    expect(unit.id).toBeTruthy();
    await req('POST', '/api/v1/versions', { name: 'Song A mix 1' });
    const set = await req('PUT', `/api/v1/versions/Song A mix 1/gear/${unit.id}`, {
      settings: { gain: 42, 'peak reduction': 61.5, mode: 'compress' },
    });
    expect(set.statusCode).toBe(200);
    await req('PUT', '/api/v1/versions/Song A mix 1/gear/Teletronix LA-2A', { settings: { gain: 45 } });
    const sheet = (await req('GET', '/api/v1/versions/Song A mix 1/recall-sheet')).json();
    expect(sheet.units[0]).toMatchObject({
      unit: { model: 'LA-2A', patched_at: 'bay-a:top:21' },
      settings: { gain: 45, 'peak reduction': 61.5, mode: 'compress' },
    });
  });

  it('refuses an unknown control or a value out of its range, naming it', async () => {
    const bad = await req('PUT', '/api/v1/versions/Song A mix 1/gear/Teletronix LA-2A', { settings: { attack: 3 } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ error: 'E_GEAR_CONTROL' });
    const range = await req('PUT', '/api/v1/versions/Song A mix 1/gear/Teletronix LA-2A', { settings: { gain: 140 } });
    expect(range.json()).toMatchObject({ error: 'E_GEAR_RANGE', message: 'LA-2A gain: 140 is outside 0..100' });
    const pos = await req('PUT', '/api/v1/versions/Song A mix 1/gear/Teletronix LA-2A', { settings: { mode: 'fast' } });
    expect(pos.json().message).toContain('is not one of compress, limit');
    expect(
      (
        await req('POST', '/api/v1/gear', {
          make: 'X',
          model: 'Y',
          controls: [{ name: 'k', kind: 'knob', min: 5, max: 1 }],
        })
      ).json().error,
    ).toBe('E_GEAR_INVALID');
    expect((await req('POST', '/api/v1/versions', { name: 'Song A mix 1' })).statusCode).toBe(409);
  });
});
