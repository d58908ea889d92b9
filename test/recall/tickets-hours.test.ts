// The gear bench, second half: repair tickets opened from a line check's findings (path, verdict,
// measurements and the device and port the tracer blames), closed with what was done; hour
// counters that run while a unit is powered and gain the length of every print through it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.ts';
import { runRad, startSimApp, waitFor } from '../helpers.ts';

let app: App;
beforeAll(async () => {
  app = await startSimApp({
    audio: { backend: 'sim', inputs: 8, outputs: 8, print_inputs: [1, 2] },
    bays: [{ id: 'bay-a', points: 8, normal: 'full' }],
    wiring: [
      { from: 'iface:out:1-4', to: 'tie:1-4' },
      { from: 'tie:1-4', to: 'bay-a:top:1-4' },
      { from: 'bay-a:bottom:1-4', to: 'x32-main:in:1-4' },
      { from: 'x32-main:in:1-4', to: 'iface:in:1-4' },
    ],
    linecheck: { plan: [{ source: 'tie:1-4', input: 'x32-main:in:1-4' }] },
    sim: {
      enabled: true,
      faults: [
        { path: 'tie:2', kind: 'polarity' },
        { path: 'tie:3', kind: 'dead' },
      ],
    },
  });
}, 30000);
afterAll(() => app?.stop());
const req = (method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown) =>
  app.inject({ method, url, ...(payload !== undefined ? { payload: payload as never } : {}) });

describe('repair tickets from a line check', () => {
  it('one ticket per failing path, with the verdict, measurements and the blamed device and port', async () => {
    const run = await app.services.linecheck.start({}).done;
    const failing = run.results.filter((r) => r.verdict !== 'pass');
    expect(failing.map((r) => r.verdict).sort()).toEqual(['dead', 'polarity']);
    const r = await req('POST', `/api/v1/linecheck/${run.id}/tickets`, {});
    expect(r.statusCode, r.body).toBe(201);
    const tickets = r.json().tickets;
    expect(tickets).toHaveLength(2);
    const pol = tickets.find((t: { detail: { verdict: string } }) => t.detail.verdict === 'polarity');
    expect(pol).toMatchObject({ state: 'open', device: 'tie', port: '2', source: { run: run.id } });
    expect(pol.detail.chain).toEqual(['tie:2', 'bay-a:top:2', 'bay-a:bottom:2', 'x32-main:in:2']);
    expect(pol.detail.polarity).toBe(-1);
    const dead = tickets.find((t: { detail: { verdict: string } }) => t.detail.verdict === 'dead');
    expect(dead).toMatchObject({ device: 'bay-a', port: 'top:3' });
    expect(dead.title).toMatch(/dead .* check bay-a top:3/);
    // a path that passed has nothing to repair; an unknown run or path is named
    const passed = run.results.find((x) => x.verdict === 'pass')!.path;
    const none = await req('POST', `/api/v1/linecheck/${run.id}/tickets`, { paths: [passed] });
    expect(none.statusCode).toBe(400);
    expect(none.json()).toMatchObject({ error: 'E_TICKET_NO_FAULT' });
    expect((await req('POST', '/api/v1/linecheck/nope/tickets', {})).json()).toMatchObject({ error: 'E_UNKNOWN_RUN' });
  }, 60000);

  it('rad linecheck --ticket opens them and exits 1; tickets are listed and closed with what was done', async () => {
    const r = runRad(['linecheck', '--ticket', '--url', app.apiUrl()], { RAD_TOKEN: app.token });
    expect((await r.exit).code).toBe(1);
    expect(r.stderr()).toMatch(/ticket T-0003: .*polarity/);
    const open = (await req('GET', '/api/v1/tickets')).json().tickets;
    expect(open).toHaveLength(4);
    const closeNoText = await req('POST', '/api/v1/tickets/T-0001/close', { resolution: '' });
    expect(closeNoText.statusCode).toBe(400);
    const closed = await req('POST', '/api/v1/tickets/T-0001/close', { resolution: 'XLR on tie 2 rewired' });
    expect(closed.json()).toMatchObject({ state: 'closed', resolution: 'XLR on tie 2 rewired' });
    expect((await req('GET', '/api/v1/tickets')).json().tickets).toHaveLength(3);
    expect((await req('GET', '/api/v1/tickets?all=true')).json().tickets).toHaveLength(4);
    expect((await req('POST', '/api/v1/tickets/T-9999/close', { resolution: 'x' })).json()).toMatchObject({
      error: 'E_UNKNOWN_TICKET',
      details: { value: 'T-9999' },
    });
    const list = runRad(['gear', 'tickets', '--url', app.apiUrl()], { RAD_TOKEN: app.token });
    expect((await list.exit).code).toBe(0);
    expect(list.stdout()).toMatch(/T-0004 +open/);
    // a ticket for a unit that does not exist
    const bad = await req('POST', '/api/v1/tickets', { title: 'hum', unit: 'Nobody 1' });
    expect(bad.json()).toMatchObject({ error: 'E_UNKNOWN_GEAR' });
  }, 60000);
});

describe('hour counters', () => {
  it('run while the unit is powered, gain each print through it, and are due from 90 % of their life', async () => {
    const u = await req('POST', '/api/v1/gear', {
      make: 'Fairchild',
      model: '670',
      controls: [{ kind: 'knob', name: 'threshold', min: 0, max: 10 }],
    });
    expect(u.statusCode).toBe(200);
    const id = u.json().id as string;
    const set = await req('PUT', `/api/v1/gear/${id}/hours`, {
      counters: [{ name: 'tubes', replace_at_hours: 10, hours: 8.95 }],
    });
    expect(set.json().counters).toEqual([{ name: 'tubes', hours: 8.95, replace_at_hours: 10 }]);
    expect((await req('GET', '/api/v1/gear/due')).json().due).toEqual([]);
    // powered for a moment
    await req('POST', `/api/v1/gear/${id}/hours/start`);
    expect((await req('GET', `/api/v1/gear/${id}/hours`)).json().running_since).not.toBeNull();
    await new Promise((r) => setTimeout(r, 300));
    const stopped = (await req('POST', `/api/v1/gear/${id}/hours/stop`)).json();
    expect(stopped.running_since).toBeNull();
    expect(stopped.counters[0].hours).toBeGreaterThan(8.95);
    // a 2 s print of a version that uses it: +2 s on its tubes
    await req('POST', '/api/v1/versions', { name: 'Song B v1' });
    expect(
      (await req('PUT', `/api/v1/versions/Song%20B%20v1/gear/${id}`, { settings: { threshold: 4 } })).statusCode,
    ).toBe(200);
    const before = stopped.counters[0].hours as number;
    expect((await req('POST', '/api/v1/prints', { version: 'Song B v1', seconds: 2 })).statusCode).toBe(202);
    const after = await waitFor(async () => {
      const h = (await req('GET', `/api/v1/gear/${id}/hours`)).json();
      return h.counters[0].hours > before ? h : undefined;
    }, 15000);
    expect((after.counters[0].hours - before) * 3600).toBeCloseTo(2, 0);
    // 9 h of a 10 h life: due
    await req('PUT', `/api/v1/gear/${id}/hours`, { counters: [{ name: 'tubes', replace_at_hours: 10, hours: 9.2 }] });
    const due = (await req('GET', '/api/v1/gear/due')).json().due;
    expect(due).toEqual([
      expect.objectContaining({ what: 'hours', counter: 'tubes', overdue: false, due: '9 of 10 h' }),
    ]);
    const cli = runRad(['gear', 'hours', id, '--url', app.apiUrl()], { RAD_TOKEN: app.token });
    expect((await cli.exit).code).toBe(0);
    expect(cli.stdout()).toMatch(/tubes: 9\.2 h of 10/);
    const bad = await req('PUT', `/api/v1/gear/${id}/hours`, { counters: [{ name: 'tubes', hours: -1 }] });
    expect(bad.json()).toMatchObject({ error: 'E_SERVICE_INVALID' });
    expect((await req('GET', '/api/v1/gear/Nobody%201/hours')).statusCode).toBe(404);
  }, 60000);
});
