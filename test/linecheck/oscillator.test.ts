// Console-oscillator mode: the X32 simulator's oscillator, sent to one bus/main at a time, comes
// out of the simulated plant (bus outputs wired to interface inputs) computed sample by sample;
// the line check names dead, swapped, low and leaking outputs and switches the oscillator off.
import { afterAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.ts';
import type { X32Console } from '../../src/console/x32/console.ts';
import type { RunRecord } from '../../src/linecheck/service.ts';
import { startSimApp } from '../helpers.ts';

function studio(faults: unknown[]) {
  return {
    wiring: [
      { from: 'iface:out:1-8', to: 'tie:1-8' },
      { from: 'tie:1-8', to: 'x32-main:in:1-8' },
      { from: 'x32-main:in:1-8', to: 'iface:in:1-8' },
      { from: 'x32-main:bus:1-8', to: 'iface:in:9-16', name: 'mix bus outputs back to the interface' },
      { from: 'x32-main:main:L', to: 'iface:in:17' },
      { from: 'x32-main:main:R', to: 'iface:in:18' },
    ],
    audio: { backend: 'sim', inputs: 18, outputs: 8, monitor_mutes: ['main/lr/mute'] },
    linecheck: { plan: [{ source: 'tie:1-8', input: 'x32-main:in:1-8' }] },
    sim: { enabled: true, faults },
  };
}

const apps: App[] = [];
afterAll(async () => {
  for (const a of apps) await a.stop();
});

async function run(faults: unknown[], paths?: string[]): Promise<{ app: App; rec: RunRecord }> {
  const app = await startSimApp(studio(faults));
  apps.push(app);
  const lc = app.services.linecheck;
  const rec = await lc.start({ target: 'outputs', paths }).done;
  return { app, rec };
}

describe('line check, console-oscillator mode (X32 simulator)', () => {
  it('lists the outputs it can check with their oscillator destinations', async () => {
    const app = await startSimApp(studio([]));
    apps.push(app);
    const r = (await app.inject({ method: 'GET', url: '/api/v1/linecheck/paths' })).json();
    expect(r.outputs.map((o: { name: string; dest: number; measure: number }) => [o.name, o.dest, o.measure])).toEqual([
      ...Array.from({ length: 8 }, (_, i) => [`x32-main-bus-${String(i + 1).padStart(2, '0')}`, i, 9 + i]),
      ['x32-main-main-L', 16, 17],
      ['x32-main-main-R', 17, 18],
    ]);
  });

  it('a healthy console: every output passes at the alignment level; oscillator off and monitors back afterwards', async () => {
    const { app, rec } = await run([]);
    expect(rec.state).toBe('done');
    expect(rec.results).toHaveLength(10);
    for (const r of rec.results) {
      expect(r.verdict, `${r.path}: ${r.findings.join('; ')}`).toBe('pass');
      expect(Math.abs(r.level_dbfs! - -18)).toBeLessThan(0.2);
    }
    const x32 = app.services.studio!.x32.get('x32-main')!;
    expect(x32.oscillator().on).toBe(false);
    expect(x32.state.get('/main/st/mix/on')).toBe(1); // main LR un-muted again
  });

  it('names a dead bus, a swapped pair, a low output and a leak, and nothing else', async () => {
    const { rec } = await run([
      { path: 'x32-main-bus-02', kind: 'dead' },
      { path: 'x32-main-bus-04', kind: 'swap-with', with: 'x32-main-bus-05' },
      { path: 'x32-main-main-R', kind: 'gain-db', db: -6 },
      { path: 'x32-main-bus-07', kind: 'crosstalk-from', from: 'x32-main-bus-06', db: -50 },
    ]);
    const v = Object.fromEntries(rec.results.filter((r) => r.verdict !== 'pass').map((r) => [r.path, r]));
    expect(Object.keys(v).sort()).toEqual([
      'x32-main-bus-02',
      'x32-main-bus-04',
      'x32-main-bus-05',
      'x32-main-bus-07',
      'x32-main-main-R',
    ]);
    expect(v['x32-main-bus-07']).toMatchObject({
      verdict: 'crosstalk',
      crosstalk: { from: 'x32-main-bus-06', db: expect.closeTo(-50, 0) },
    });
    expect(v['x32-main-bus-02']!.verdict).toBe('dead');
    expect(v['x32-main-bus-04']).toMatchObject({
      verdict: 'wrong-source',
      arrived_from: 'x32-main-bus-05',
      swapped_with: 'x32-main-bus-05',
    });
    expect(v['x32-main-bus-05']).toMatchObject({
      verdict: 'wrong-source',
      arrived_from: 'x32-main-bus-04',
      swapped_with: 'x32-main-bus-04',
    });
    expect(v['x32-main-main-R']!.verdict).toBe('level');
    expect(v['x32-main-main-R']!.level_dbfs).toBeCloseTo(-24, 0);
  });

  it('a subset by name; unknown names are 400; an offline console makes every output untestable', async () => {
    const { app, rec } = await run([], ['x32-main-bus-03']);
    expect(rec.results.map((r) => [r.path, r.verdict])).toEqual([['x32-main-bus-03', 'pass']]);
    const bad = await app.inject({
      method: 'POST',
      url: '/api/v1/linecheck',
      payload: { target: 'outputs', paths: ['x32-main-bus-99'] },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({
      error: 'E_LINECHECK_PATH',
      message: expect.stringContaining('x32-main-bus-99'),
    });
    const x32 = app.services.studio!.x32.get('x32-main')!;
    x32.silent = true;
    const con = app.services.consoles.get('x32-main') as X32Console;
    await import('../helpers.ts').then(({ waitFor }) => waitFor(() => con.status().state === 'offline', 8000, 50));
    const lc = app.services.linecheck;
    const off = await lc.start({ target: 'outputs', paths: ['x32-main-bus-01'] }).done;
    expect(off.results[0]).toMatchObject({
      verdict: 'untestable',
      reason: expect.stringMatching(/x32-main is offline/),
    });
  }, 20000);
});
