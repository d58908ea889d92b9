// The gear bench's maintenance side over the API and the CLI: a service log per unit, due dates,
// what is due across the inventory; bad dates and unknown units refused with their codes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.ts';
import { runRad, startSimApp } from '../helpers.ts';

let app: App;
beforeAll(async () => {
  app = await startSimApp();
}, 30000);
afterAll(() => app?.stop());

const unit = (make: string, model: string) =>
  app.inject({
    method: 'POST',
    url: '/api/v1/gear',
    payload: { make, model, controls: [{ kind: 'knob', name: 'gain', min: 0, max: 100 }] },
  });
const day = (offset: number) => new Date(Date.now() + offset * 86400000).toISOString().slice(0, 10);

describe('maintenance', () => {
  it('a service is logged, due dates set; the due list has the overdue first and skips what is far off', async () => {
    expect((await unit('Teletronix', 'LA-2A')).statusCode).toBe(200);
    expect((await unit('Neve', '1073')).statusCode).toBe(200);
    expect((await unit('UREI', '1176')).statusCode).toBe(200);
    const log = await app.inject({
      method: 'POST',
      url: '/api/v1/gear/Teletronix%20LA-2A/service',
      payload: { fault: 'noisy T4 cell', work: 'T4 replaced, recalibrated', parts: 'T4B', who: 'Sam' },
    });
    expect(log.statusCode, log.body).toBe(200);
    expect(log.json()).toMatchObject({ date: day(0), work: 'T4 replaced, recalibrated', who: 'Sam' });
    for (const [u, plan] of [
      ['Teletronix%20LA-2A', { calibration_due: day(-3) }],
      ['Neve%201073', { service_due: day(10) }],
      ['UREI%201176', { service_due: day(200) }],
    ] as const)
      expect(
        (await app.inject({ method: 'PUT', url: `/api/v1/gear/${u}/service-plan`, payload: plan })).statusCode,
      ).toBe(200);
    const due = (await app.inject({ method: 'GET', url: '/api/v1/gear/due' })).json().due;
    expect(due).toEqual([
      expect.objectContaining({ name: 'Teletronix LA-2A', what: 'calibration', overdue: true, days: -3 }),
      expect.objectContaining({ name: 'Neve 1073', what: 'service', overdue: false, days: 10 }),
    ]);
    const hist = (await app.inject({ method: 'GET', url: '/api/v1/gear/Teletronix%20LA-2A/service' })).json();
    expect(hist.log).toHaveLength(1);
    expect(hist.plan).toEqual({ calibration_due: day(-3) });
    // the CLI: exit 1 while something is overdue
    const r = runRad(['gear', 'due', '--url', app.apiUrl()], { RAD_TOKEN: app.token });
    expect((await r.exit).code).toBe(1);
    expect(r.stdout()).toMatch(/^OVERDUE {2}\d{4}-\d\d-\d\d {2}Teletronix LA-2A: calibration \(3 days ago\)$/m);
    expect(r.stdout()).toMatch(/Neve 1073: service \(in 10 days\)/);
  }, 30000);

  it('bad input: an unknown unit, a date that is not one, a missing field', async () => {
    const none = await app.inject({
      method: 'POST',
      url: '/api/v1/gear/Nope/service',
      payload: { work: 'x', who: 'y' },
    });
    expect(none.statusCode).toBe(404);
    expect(none.json()).toMatchObject({ error: 'E_UNKNOWN_GEAR' });
    const bad = await app.inject({
      method: 'PUT',
      url: '/api/v1/gear/Neve%201073/service-plan',
      payload: { service_due: '2026-13-45' },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ error: 'E_SERVICE_INVALID', details: { value: '2026-13-45' } });
    const missing = await app.inject({
      method: 'POST',
      url: '/api/v1/gear/Neve%201073/service',
      payload: { work: 'x' },
    });
    expect(missing.statusCode).toBe(400);
    expect(missing.json()).toMatchObject({ error: 'E_SERVICE_INVALID' });
  });
});
