// Recall on the MIDI consoles: an SQ or Qu snapshot is its synced key/value model (what the
// console confirmed), diffed per strip in words and restored through the console service with
// read-back; the simulators are asked what they hold afterwards.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.ts';
import { muteParam, sendParam } from '../../src/console/sq/codec.ts';
import { startSimApp, waitFor } from '../helpers.ts';

describe('recall snapshots on a simulated SQ', () => {
  let app: App;
  const sim = () => app.services.studio!.sq.get('sq-foh')!;
  const snaps = () => app.services.snapshots;
  const con = () => app.services.consoles.get('sq-foh');
  beforeAll(async () => {
    app = await startSimApp({ consoles: [{ id: 'sq-foh', family: 'sq', host: '127.0.0.1', port: 0 }] });
  });
  afterAll(async () => app.stop());

  it('snapshot → surface and rad change things → diff in words → restore → the SQ holds the snapshot again', async () => {
    const w = await con().write([
      { path: 'input/3/fader', value: -10 },
      { path: 'input/3/send/aux/2/level', value: -6 },
      { path: 'input/5/pan', value: -30 },
    ]);
    expect(w.ok).toBe(true);
    const a = await snaps().take('verse');
    expect(a).toMatchObject({ family: 'sq', lines: 4245, missing: [] });
    // the session moves on: someone mutes input 7 on the surface, rad moves a fader
    sim().surface(muteParam('input', 7), 1);
    await waitFor(() => con().get('input/7/mute') === true, 2000, 10);
    await con().write([{ path: 'input/3/fader', value: -4 }]);
    const d = snaps().diff(a.id, 'live');
    expect(d.strips.map((s) => s.text)).toEqual([
      'Input 3: send lr level -10.0 dB → -4.0 dB',
      'Input 7: mute on → muted',
    ]);
    const r = await snaps().restore(a.id);
    expect(r.console).toEqual({ applied: 2, verified: 2, mismatched: 0, failed: 0, not_taken: [] });
    expect(sim().state.get(muteParam('input', 7))).toBe(0);
    expect(sim().levelDb(sendParam('level', 'input', 3, 'lr', 1))).toBeCloseTo(-10, 1);
    expect(sim().levelDb(sendParam('level', 'input', 3, 'aux', 2))).toBeCloseTo(-6, 1);
    expect(snaps().diff(a.id, 'live').strips).toEqual([]);
  });

  it('exports the model as JSON and imports it back; refuses broken files and other families', async () => {
    const a = snaps().list()[0]!;
    const text = snaps().exportScene(a.id).text;
    expect(JSON.parse(text)).toMatchObject({
      family: 'sq',
      values: { 'input/3/send/aux/2/level': expect.closeTo(-6, 1) },
    });
    const b = snaps().importScene(text, 'copy');
    expect(b.family).toBe('sq');
    expect(snaps().diff(a.id, b.id).strips).toEqual([]);

    const broken = await app.inject({
      method: 'POST',
      url: '/api/v1/scenes/import',
      payload: { text: '{"family":"sq","values":{"input/1/mute":[1]}}', label: 'bad' },
    });
    expect(broken.statusCode).toBe(400);
    expect(broken.json()).toMatchObject({ error: 'E_SCENE_INVALID', message: expect.stringContaining('input/1/mute') });
    const notJson = await app.inject({
      method: 'POST',
      url: '/api/v1/scenes/import',
      payload: { text: '{"family": sq}', label: 'bad' },
    });
    expect(notJson.json().error).toBe('E_SCENE_INVALID');

    const qu = snaps().importScene(JSON.stringify({ family: 'qu', values: { 'input/1/mute': true } }), 'from the Qu');
    const before = sim().writes;
    const restore = await app.inject({ method: 'POST', url: `/api/v1/snapshots/${qu.id}/restore` });
    expect(restore.statusCode).toBe(409);
    expect(restore.json()).toMatchObject({ error: 'E_SNAPSHOT_FAMILY' });
    expect(sim().writes).toBe(before);
    const diff = await app.inject({ method: 'GET', url: `/api/v1/snapshots/diff?a=${qu.id}&b=live` });
    expect(diff.statusCode).toBe(409);
    expect(diff.json().error).toBe('E_SNAPSHOT_FAMILY');
  });

  it('an offline SQ cannot be snapshotted: 503 with the reason, nothing stored', async () => {
    const n = snaps().list().length;
    await sim().stop();
    await waitFor(() => con().status().state === 'offline', 5000, 20);
    const r = await app.inject({ method: 'POST', url: '/api/v1/snapshots', payload: { label: 'while down' } });
    expect(r.statusCode).toBe(503);
    expect(r.json().error).toBe('E_CONSOLE_OFFLINE');
    expect(snaps().list()).toHaveLength(n);
  });
});

describe('recall snapshots on a simulated Qu-16', () => {
  let app: App;
  const sim = () => app.services.studio!.qu.get('qu-mon')!;
  const snaps = () => app.services.snapshots;
  const con = () => app.services.consoles.get('qu-mon');
  beforeAll(async () => {
    app = await startSimApp({ consoles: [{ id: 'qu-mon', family: 'qu', host: '127.0.0.1', port: 0, model: 'Qu-16' }] });
  });
  afterAll(async () => app.stop());

  it('names, mutes and sends come back on restore', async () => {
    expect(
      (
        await con().write([
          { path: 'input/2/name', value: 'Snare' },
          { path: 'input/2/send/aux/3/level', value: -5 },
        ])
      ).ok,
    ).toBe(true);
    const a = await snaps().take('chorus');
    expect(a.family).toBe('qu');
    sim().surface('input/2/name', 'Tom');
    sim().surface('input/4/mute', true);
    await waitFor(() => con().get('input/2/name') === 'Tom' && con().get('input/4/mute') === true, 2000, 10);
    expect(
      snaps()
        .diff(a.id, 'live')
        .strips.map((s) => s.text),
    ).toEqual(['Input 2 Tom: name "Snare" → "Tom"', 'Input 4: mute on → muted']);
    const r = await snaps().restore(a.id);
    expect(r.console).toMatchObject({ applied: 2, verified: 2, mismatched: 0, failed: 0 });
    expect(sim().state.get(`${0x21}:name`)).toBe('Snare');
    expect(sim().state.get(`${0x23}:mute`)).toBe(0);
    expect(snaps().diff(a.id, 'live').strips).toEqual([]);
  });
});
