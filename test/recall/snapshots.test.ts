import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.ts';
import { startSimApp } from '../helpers.ts';

describe('recall snapshots on the simulated studio', () => {
  let app: App;
  const sim = () => app.services.studio!;
  const snaps = () => app.services.snapshots;
  const con = () => app.services.consoles.get('x32-main');
  beforeAll(async () => {
    app = await startSimApp({
      patchbays: [{ id: 'sw-a', protocol: 'extron-sis', tcp: { host: '127.0.0.1', port: 0 }, inputs: 8, outputs: 8 }],
    });
  });
  afterAll(async () => app.stop());

  it('snapshot → change → diff in words → restore → the console and patchbay hold the snapshot again', async () => {
    await con().write([
      { path: 'input/3/name', value: 'Snare Top' },
      { path: 'input/3/fader', value: -5 },
      { path: '/ch/03/eq/2/g', value: 2 },
    ]);
    await app.services.patchbays.get('sw-a')!.route([{ output: 2, input: 5 }]);
    const a = await snaps().take('verse mix');
    expect(a).toMatchObject({ lines: 2117, missing: [], patchbays: ['sw-a'] });
    // the session moves on
    await con().write([
      { path: 'input/3/fader', value: -3.5 },
      { path: '/ch/03/eq/2/g', value: 3 },
      { path: 'input/7/mute', value: true },
    ]);
    await app.services.patchbays.get('sw-a')!.route([{ output: 2, input: 6 }]);
    const d = snaps().diff(a.id, 'live');
    expect(d.strips.map((s) => s.text)).toEqual([
      'Ch 03 Snare Top: EQ 2 gain +2.0 dB → +3.0 dB; fader -5.0 dB → -3.5 dB',
      'Ch 07: mute on → muted',
    ]);
    expect(d.patchbays).toEqual([{ id: 'sw-a', output: 2, from: 5, to: 6 }]);
    const r = await snaps().restore(a.id);
    expect(r.console).toMatchObject({ mismatched: 0, failed: 0, not_taken: [] });
    expect(r.console.applied).toBe(3); // only the lines that differ
    expect(r.patchbays).toEqual([{ id: 'sw-a', verified: true }]);
    expect(sim().x32.get('x32-main')!.state.get('/ch/03/mix/fader')).toBe(Math.round(((-5 + 30) / 40) * 1023) / 1023);
    expect(sim().patchbays.get('sw-a')!.map[1]).toBe(5);
    // captured again, the console equals the snapshot
    expect(snaps().diff(a.id, 'live').strips).toEqual([]);
  });

  it('exports the snapshot as a .scn byte for byte, and imports it back as an equal snapshot', async () => {
    const a = snaps().list()[0]!;
    const text = snaps().exportScene(a.id).text;
    expect(text.split('\n')[0]).toHaveLength(127);
    const b = snaps().importScene(text, 'imported copy');
    expect(snaps().exportScene(b.id).text).toBe(text);
    expect(snaps().diff(a.id, b.id).strips).toEqual([]);
  });

  it('refuses a corrupt .scn naming the line, and an unknown snapshot with 404', async () => {
    const text = snaps()
      .exportScene(snaps().list()[0]!.id)
      .text.replace(/^\/ch\/05\/mix .*$/m, '/ch/05/mix ON LOUD');
    const r = await app.inject({ method: 'POST', url: '/api/v1/scenes/import', payload: { text, label: 'bad' } });
    expect(r.statusCode).toBe(400);
    expect(r.json()).toMatchObject({ error: 'E_SCENE_INVALID' });
    expect(r.json().message).toMatch(/line \d+: \/ch\/05\/mix\/fader/);
    expect((await app.inject({ method: 'GET', url: '/api/v1/snapshots/nope' })).statusCode).toBe(404);
  });
});
