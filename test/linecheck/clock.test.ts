// The clock check against the simulated studio set to each mismatch: the console's rate, its clock
// source, a console that does not say, an SQ that cannot, and the line check that refuses to start
// on a mismatch unless forced.
import { afterAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.ts';
import { runRad, startSimApp } from '../helpers.ts';

const apps: App[] = [];
afterAll(async () => {
  for (const a of apps) await a.stop();
});

const plant = (extra: Record<string, unknown>) => ({
  wiring: [
    { from: 'iface:out:1-4', to: 'tie:1-4' },
    { from: 'tie:1-4', to: 'x32-main:in:1-4' },
    { from: 'x32-main:in:1-4', to: 'iface:in:1-4' },
  ],
  audio: { backend: 'sim', inputs: 4, outputs: 4 },
  linecheck: { plan: [{ source: 'tie:1-4', input: 'x32-main:in:1-4' }] },
  ...extra,
});

async function studio(extra: Record<string, unknown>): Promise<App> {
  const app = await startSimApp(plant(extra));
  apps.push(app);
  return app;
}

const clock = async (app: App) => (await app.inject({ method: 'GET', url: '/api/v1/clock' })).json();

describe('clock check', () => {
  it('a studio on one clock: ok, the console at 48 kHz on its internal clock', async () => {
    const app = await studio({ clock: { master: 'internal' } });
    expect(await clock(app)).toMatchObject({
      ok: true,
      expected: { rate: 48000, master: 'internal' },
      console: { id: 'x32-main', rate: 48000, source: 'internal' },
      interface: { backend: 'sim', rate: 48000, state: 'online' },
      mismatches: [],
    });
  });

  it('the console at 44.1 kHz on its internal clock, the plan AES50 A at 48 kHz: named; the line check refuses unless forced', async () => {
    const app = await studio({
      clock: { master: 'aes50a' },
      sim: { enabled: true, x32: { clock: { rate: 44100, source: 'internal' } } },
    });
    const c = await clock(app);
    expect(c.ok).toBe(false);
    expect(c.mismatches).toEqual([
      'console x32-main runs on its internal clock at 44.1 kHz, the plan says AES50 A at 48 kHz',
    ]);
    const refused = await app.inject({ method: 'POST', url: '/api/v1/linecheck', payload: {} });
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({ error: 'E_CLOCK_MISMATCH', details: { mismatches: c.mismatches } });
    const forced = await app.inject({ method: 'POST', url: '/api/v1/linecheck', payload: { force: true } });
    expect(forced.statusCode).toBe(202);
    // the CLI says it and exits 1
    const r = runRad(['clock', '--url', app.apiUrl()], { RAD_TOKEN: app.token });
    expect((await r.exit).code).toBe(1);
    expect(r.stdout()).toMatch(/MISMATCH {2}console x32-main runs on its internal clock at 44.1 kHz/);
  }, 30000);

  it('only the source off (locked to the card, the plan says internal); only the rate off (interface at 44.1 kHz)', async () => {
    const card = await studio({
      clock: { master: 'internal' },
      sim: { enabled: true, x32: { clock: { source: 'card' } } },
    });
    expect((await clock(card)).mismatches).toEqual([
      'console x32-main runs on its expansion card at 48 kHz, the plan says its internal clock at 48 kHz',
    ]);
    const iface = await studio({
      clock: { rate: 48000 },
      audio: { backend: 'sim', inputs: 4, outputs: 4, sample_rate: 44100 },
    });
    const c = await clock(iface);
    expect(c.mismatches).toEqual(['the audio interface (sim) runs at 44.1 kHz, the plan says 48 kHz']);
  });

  it('a console that does not report its clock: said, not guessed; an SQ cannot over MIDI', async () => {
    const silent = await studio({ sim: { enabled: true, x32: { clock: { silent: true } } } });
    const c = await clock(silent);
    expect(c).toMatchObject({ ok: true, console: { rate: null, source: null } });
    expect(c.cannot).toEqual([expect.stringMatching(/x32-main did not report its clock rate/)]);
    const sq = await startSimApp({
      consoles: [{ id: 'sq-foh', family: 'sq', host: '127.0.0.1', port: 0 }],
      audio: { backend: 'sim', inputs: 2, outputs: 2 },
    });
    apps.push(sq);
    expect((await clock(sq)).cannot).toEqual([expect.stringMatching(/an SQ does not report its clock over MIDI/)]);
  });
});
