// The cable tester on the simulated interface, one simulated cable per fault: a good cable, an
// open leg (−6 dB), reversed polarity, hum pickup, an intermittent one (dropouts while flexed),
// and the refusals (an output the studio uses, a missing input).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.ts';
import { runRad, startSimApp } from '../helpers.ts';

let app: App;
beforeAll(async () => {
  app = await startSimApp({
    audio: { backend: 'sim', inputs: 8, outputs: 8 },
    wiring: [
      { from: 'iface:out:1', to: 'tie:1' },
      { from: 'tie:1', to: 'x32-main:in:1' },
    ],
    sim: {
      enabled: true,
      cables: [
        { out: 2, in: 2 },
        { out: 3, in: 3, gain_db: -6 },
        { out: 4, in: 4, reversed: true },
        { out: 5, in: 5, hum_dbfs: -50 },
        { out: 6, in: 6, dropouts: { every_ms: 400, length_ms: 120 } },
      ],
    },
  });
}, 30000);
afterAll(() => app?.stop());

const test = async (payload: Record<string, unknown>) =>
  app.inject({ method: 'POST', url: '/api/v1/cables/test', payload: { flex_seconds: 1.5, ...payload } });

describe('cable tester', () => {
  it('a good cable passes with its label line; an open leg is −6 dB; reversed polarity is named', async () => {
    const good = (await test({ out: 2, in: 2, label: 'XLR 10 m #23' })).json();
    expect(good).toMatchObject({ verdict: 'pass', continuity: true, polarity: 1, dropouts: 0, faults: [] });
    expect(Math.abs(good.loss_db)).toBeLessThan(0.5);
    expect(good.line).toMatch(/^XLR 10 m #23: pass, -?0\.\d dB, -\d+(\.\d)? dBFS noise, 0 dropouts$/);
    const open = (await test({ out: 3, in: 3 })).json();
    expect(open.verdict).toBe('fail');
    expect(open.loss_db).toBeCloseTo(6, 0);
    expect(open.faults).toEqual([expect.stringMatching(/level loss of 6\.0 dB \(an open leg\?\)/)]);
    const rev = (await test({ out: 4, in: 4 })).json();
    expect(rev.faults).toEqual(['reversed polarity (pins 2 and 3 swapped)']);
  }, 30000);

  it('hum pickup and an intermittent cable (dropouts while flexed) are named', async () => {
    const hum = (await test({ out: 5, in: 5 })).json();
    expect(hum.faults).toEqual([expect.stringMatching(/hum pickup at 50 Hz, -(4|5)\d(\.\d)? dBFS/)]);
    const flaky = (await test({ out: 6, in: 6, flex_seconds: 2 })).json();
    expect(flaky.verdict).toBe('fail');
    expect(flaky.dropouts).toBeGreaterThanOrEqual(2);
    expect(flaky.faults).toEqual(expect.arrayContaining([expect.stringMatching(/dropouts while flexed/)]));
  }, 30000);

  it('no cable: no continuity; an output the studio uses is refused unless forced; a missing input is refused', async () => {
    const none = (await test({ out: 8, in: 7, flex_seconds: 0 })).json();
    expect(none).toMatchObject({ verdict: 'fail', continuity: false, loss_db: null });
    const used = await test({ out: 1, in: 8 });
    expect(used.statusCode).toBe(409);
    expect(used.json()).toMatchObject({ error: 'E_CABLE_OUTPUT_IN_USE', details: { wired_to: 'tie:1' } });
    const missing = await test({ out: 2, in: 99 });
    expect(missing.statusCode).toBe(400);
    expect(missing.json()).toMatchObject({ error: 'E_VALUE_RANGE', details: { value: 99 } });
    // every result is kept with the inventory, newest first; the tone is off again
    const list = (await app.inject({ method: 'GET', url: '/api/v1/cables' })).json();
    expect(list.cables[0]).toMatchObject({ out: 8, in: 7, verdict: 'fail' });
    expect(list.cables.some((c: { label: string }) => c.label === 'XLR 10 m #23')).toBe(true);
  }, 30000);

  it('the CLI prints the label line and exits 1 on a failing cable', async () => {
    const r = runRad(['cable', 'test', '--out', '4', '--in', '4', '--flex', '0.5', '--url', app.apiUrl()], {
      RAD_TOKEN: app.token,
    });
    expect((await r.exit).code).toBe(1);
    expect(r.stdout()).toMatch(/cable out 4 → in 4: fail, .* reversed polarity/);
  }, 30000);
});
