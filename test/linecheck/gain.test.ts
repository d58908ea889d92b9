// Gain staging on the simulated studio: a band plays into the X32's inputs (each programme at a
// set level before the preamp); rad listens, proposes, applies in ≤ 3 dB steps and listens again.
// Inputs 1–6 come back to the interface (direct outs), input 7 only on the console's own meter.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.ts';
import type { GainApplyReport, GainListen } from '../../src/linecheck/gain.ts';
import { runRad, startSimApp } from '../helpers.ts';

let app: App;
beforeAll(async () => {
  app = await startSimApp({
    audio: { backend: 'sim', inputs: 8, outputs: 8 },
    wiring: [
      { from: 'x32-main:in:1-6', to: 'iface:in:1-6', name: 'direct outs' },
      { from: 'tie:7', to: 'x32-main:in:7' },
    ],
    sim: {
      enabled: true,
      band: {
        playing: true,
        players: [
          { input: 'x32-main:in:1', programme: 'kick', level_dbfs: -40 },
          { input: 'x32-main:in:2', programme: 'snare', level_dbfs: -31 },
          { input: 'x32-main:in:3', programme: 'bass', level_dbfs: -22 },
          { input: 'x32-main:in:4', programme: 'vocal', level_dbfs: -47 },
          { input: 'x32-main:in:5', programme: 'guitar', level_dbfs: 4 },
          { input: 'x32-main:in:7', programme: 'keys', level_dbfs: -35 },
        ],
      },
    },
  });
}, 30000);
afterAll(() => app?.stop());

const post = (url: string, payload: Record<string, unknown>) => app.inject({ method: 'POST', url, payload });

describe('gain staging from the sound check', () => {
  it('listens, proposes gains, flags the clipped input and the one that never played', async () => {
    const res = await post('/api/v1/gain/listen', { seconds: 4, inputs: [1, 2, 3, 4, 5, 6, 7] });
    expect(res.statusCode).toBe(200);
    const r = res.json() as GainListen;
    const at = (k: number) => r.inputs.find((i) => i.input === k)!;
    // the preamps are at 0 dB: peaks read the programme levels
    expect(at(1)).toMatchObject({ source: 'interface', played: true, clipped: false, gain_db: 0, phantom: false });
    expect(at(1).peak_dbfs!).toBeCloseTo(-40, 0);
    expect(at(1).proposed_gain_db).toBeCloseTo(28, 0);
    expect(at(1).crest_db!).toBeGreaterThan(at(3).crest_db!); // a kick is peakier than a bass
    expect(at(4).proposed_gain_db).toBeCloseTo(35, 0);
    expect(at(7)).toMatchObject({ source: 'console-meter', played: true, rms_dbfs: null });
    expect(at(7).peak_dbfs!).toBeCloseTo(-35, 0);
    expect(at(5)).toMatchObject({ clipped: true, codes: expect.arrayContaining(['E_GAIN_CLIPPED']) });
    expect(at(5).proposed_gain_db).toBe(-12); // 6 dB more than the peak says, held at the preamp's floor
    expect(at(6)).toMatchObject({ played: false, proposed_gain_db: null, codes: ['E_GAIN_SILENT'] });
    expect(r.never_played).toEqual([6]);
    expect(r.clipped).toEqual([5]);
  }, 30000);

  it('applies in steps of at most 3 dB and every playing input lands within ±1.5 dB of the target', async () => {
    const moves: number[] = [];
    const owner = {};
    app.services.bus.on('device.write', owner, (w) => {
      if (w.target === '/headamp/000/gain') moves.push(Number(w.value));
    });
    const res = await post('/api/v1/gain/apply', { seconds: 4, inputs: [1, 2, 3, 4, 7] });
    app.services.bus.removeOwner(owner);
    expect(res.statusCode).toBe(200);
    const r = res.json() as GainApplyReport;
    expect(r.results.map((x) => x.input)).toEqual([1, 2, 3, 4, 7]);
    for (const x of r.results) expect(Math.abs(x.error_db!), `input ${x.input}`).toBeLessThanOrEqual(1.5);
    expect(r.ok).toBe(true);
    // input 1 went 0 → +28 dB in ten steps, none larger than 3 dB
    expect(moves.length).toBeGreaterThanOrEqual(10);
    const path = [0, ...moves];
    for (let i = 1; i < path.length; i++) expect(Math.abs(path[i]! - path[i - 1]!)).toBeLessThanOrEqual(3.01);
    expect(r.after.never_played).toEqual([6]);
    // nothing muted, phantom untouched
    const con = app.services.consoles.get('x32-main');
    expect(con.get('input/1/mute')).toBe(false);
    expect(con.get('input/1/phantom')).toBe(false);
  }, 60000);

  it('refuses a target outside −40…−1 dBFS, an input that does not exist, and apply before any listen on SQ-less studios', async () => {
    const bad = await post('/api/v1/gain/listen', { seconds: 1, target_peak_dbfs: 3 });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ error: 'E_GAIN_TARGET', details: { value: 3 } });
    const missing = await post('/api/v1/gain/listen', { seconds: 1, inputs: [40] });
    expect(missing.json()).toMatchObject({ error: 'E_VALUE_RANGE', details: { value: 40 } });
    const last = (await app.inject({ method: 'GET', url: '/api/v1/gain' })).json();
    expect(last.apply.ok).toBe(true);
  }, 30000);

  it('the CLI prints the proposals; the simulated band can be stopped', async () => {
    const r = runRad(['gain', 'listen', '--seconds', '2', '--inputs', '1-3,6', '--url', app.apiUrl()], {
      RAD_TOKEN: app.token,
    });
    expect((await r.exit).code).toBe(0);
    expect(r.stdout()).toMatch(/never played: 6/);
    const bad = runRad(['gain', 'listen', '--inputs', '3-1', '--url', app.apiUrl()], { RAD_TOKEN: app.token });
    expect((await bad.exit).code).toBe(2);
    const off = runRad(['band', 'off', '--url', app.apiUrl()], { RAD_TOKEN: app.token });
    expect((await off.exit).code).toBe(0);
    expect(off.stdout()).toMatch(/band stopped \(6 players\)/);
    const quiet = (await post('/api/v1/gain/listen', { seconds: 1, inputs: [1, 2] })).json() as GainListen;
    expect(quiet.never_played).toEqual([1, 2]);
  }, 30000);
});
