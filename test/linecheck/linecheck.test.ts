import { afterAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.ts';
import { mulberry32 } from '../../src/core/random.ts';
import type { RunRecord } from '../../src/linecheck/service.ts';
import { startSimApp, waitFor } from '../helpers.ts';

/** The 64-path plant of config/studio.yaml, with a free port for everything. */
function plant(faults: unknown[]) {
  return {
    patchbays: [
      { id: 'sw-a', protocol: 'extron-sis', tcp: { host: '127.0.0.1', port: 0 }, inputs: 32, outputs: 32 },
      { id: 'sw-b', protocol: 'kramer-p3000', tcp: { host: '127.0.0.1', port: 0 }, inputs: 32, outputs: 32 },
    ],
    bays: [{ id: 'bay-a', points: 64, normal: 'half' }],
    wiring: [
      { from: 'iface:out:1-64', to: 'tie:1-64' },
      { from: 'tie:1-64', to: 'bay-a:top:1-64' },
      { from: 'bay-a:bottom:1-32', to: 'sw-a:in:1-32' },
      { from: 'bay-a:bottom:33-64', to: 'sw-b:in:1-32' },
      { from: 'sw-a:out:1-32', to: 'x32-main:in:1-32' },
      { from: 'sw-b:out:1-32', to: 'x32-main:in:33-64' },
      { from: 'x32-main:in:1-64', to: 'iface:in:1-64' },
    ],
    audio: { backend: 'sim', inputs: 64, outputs: 64, latency_samples: 24, monitor_mutes: ['main/lr/mute'] },
    linecheck: { plan: [{ source: 'tie:1-64', input: 'x32-main:in:1-64' }] },
    sim: { enabled: true, faults },
  };
}

const apps: App[] = [];
afterAll(async () => {
  for (const a of apps) await a.stop();
});

async function check(faults: unknown[], opts: Record<string, unknown> = {}): Promise<{ app: App; run: RunRecord }> {
  const app = await startSimApp(plant(faults));
  apps.push(app);
  const lc = app.services.linecheck;
  const run = await lc.start(opts).done;
  return { app, run };
}

const verdicts = (run: RunRecord) =>
  Object.fromEntries(run.results.filter((r) => r.verdict !== 'pass').map((r) => [r.path, r.verdict]));

describe('line check on the simulated 64-path plant', () => {
  it('names each fault kind, and nothing else', async () => {
    const { app, run } = await check([
      { path: 'tie-02', kind: 'dead' },
      { path: 'tie-03', kind: 'polarity' },
      { path: 'tie-04', kind: 'gain-db', db: -6 },
      { path: 'tie-05', kind: 'crosstalk-from', from: 'tie-06', db: -50 },
      { path: 'tie-07', kind: 'hum', db: -50 },
      { path: 'tie-08', kind: 'noise', db: -50 },
      { path: 'tie-09', kind: 'clip', db: -24 },
      { path: 'tie-10', kind: 'latency-samples', value: 96 },
      { path: 'tie-41', kind: 'swap-with', with: 'tie-42' },
    ]);
    expect(run.state).toBe('done');
    expect(verdicts(run)).toEqual({
      'tie-02': 'dead',
      'tie-03': 'polarity',
      'tie-04': 'level',
      'tie-05': 'crosstalk',
      'tie-07': 'hum',
      'tie-08': 'noise',
      'tie-09': 'clipping',
      'tie-10': 'latency',
      'tie-41': 'wrong-source',
      'tie-42': 'wrong-source',
    });
    const byPath = Object.fromEntries(run.results.map((r) => [r.path, r]));
    expect(byPath['tie-41']).toMatchObject({ arrived_from: 'tie-42', swapped_with: 'tie-42' });
    expect(byPath['tie-05']!.crosstalk).toMatchObject({ from: 'tie-06' });
    expect(byPath['tie-04']!.level_dbfs).toBeCloseTo(-24, 1);
    expect(byPath['tie-10']!.latency_samples).toBe(120);
    expect(byPath['tie-01']).toMatchObject({ verdict: 'pass', latency_samples: 24, polarity: 1 });
    // tones off afterwards, monitors restored, run stored
    expect(app.services.engine!.playingNow()).toEqual([]);
    expect(
      app.services.store.db.prepare('SELECT count(*) AS n FROM linecheck_results WHERE run = ?').get(run.id),
    ).toEqual({
      n: 64,
    });
    const mutes = app.services.store.audit.list({ device: 'x32-main' }).filter((a) => a.target === '/main/st/mix/on');
    expect(mutes.map((m) => m.value)).toEqual([false, true]); // newest first: muted, then restored
  });

  it('a random mix of 8 faults on 64 paths: every fault named, no false alarms', async () => {
    const rng = mulberry32(2026);
    const kinds = ['dead', 'polarity', 'gain-db', 'hum', 'noise', 'clip', 'latency-samples', 'crosstalk-from'] as const;
    const want: Record<string, string> = {
      dead: 'dead',
      polarity: 'polarity',
      'gain-db': 'level',
      hum: 'hum',
      noise: 'noise',
      clip: 'clipping',
      'latency-samples': 'latency',
      'crosstalk-from': 'crosstalk',
    };
    const used = new Set<number>();
    const faults: Array<Record<string, unknown>> = [];
    const expected: Record<string, string> = {};
    for (const kind of kinds) {
      let n: number;
      do n = 1 + Math.floor(rng() * 63);
      while (used.has(n) || used.has(n + 1));
      used.add(n);
      const path = `tie-${String(n).padStart(2, '0')}`;
      const f: Record<string, unknown> = { path, kind };
      if (kind === 'gain-db') f.db = -6;
      if (kind === 'crosstalk-from') {
        used.add(n + 1);
        f.from = `tie-${String(n + 1).padStart(2, '0')}`;
        f.db = -45;
      }
      faults.push(f);
      expected[path] = want[kind]!;
    }
    const { run } = await check(faults);
    expect(verdicts(run)).toEqual(expected);
  });

  it('--inject re-ties the switchers, names a stuck crosspoint, and restores the ties after', async () => {
    const { app, run } = await check([{ device: 'sw-b', kind: 'stuck-crosspoint', output: 5 }], {
      inject: true,
      paths: ['tie-36', 'tie-37'],
    });
    expect(verdicts(run)).toEqual({ 'tie-37': 'stuck-crosspoint' });
    expect(run.results.find((r) => r.path === 'tie-37')!.findings[0]).toContain('sw-b output 5');
    expect(app.services.patchbays.get('sw-b')!.map()[3]).toBe(4); // output 4 (tie-36) was right and stays
  });

  it('refuses unknown paths and a second run (409 with the running id); cancel keeps partial results and turns tones off', async () => {
    const app = await startSimApp(plant([]));
    apps.push(app);
    const lc = app.services.linecheck;
    const bad = await app.inject({ method: 'POST', url: '/api/v1/linecheck', payload: { paths: ['tie-99'] } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toBe('E_LINECHECK_PATH');
    const first = await app.inject({ method: 'POST', url: '/api/v1/linecheck', payload: { mode: 'sequential' } });
    expect(first.statusCode).toBe(202);
    const id = first.json().run as string;
    const second = await app.inject({ method: 'POST', url: '/api/v1/linecheck', payload: {} });
    expect(second.statusCode).toBe(409);
    expect(second.json()).toMatchObject({ error: 'E_LINECHECK_RUNNING', details: { running: id } });
    await new Promise((r) => setTimeout(r, 300));
    expect((await app.inject({ method: 'DELETE', url: `/api/v1/linecheck/${id}` })).statusCode).toBe(200);
    const rec = await waitFor(() => {
      const r = lc.get(id);
      return r && r.state !== 'running' ? r : undefined;
    }, 10000);
    expect(rec.state).toBe('cancelled');
    expect(app.services.engine!.playingNow()).toEqual([]);
    const html = await app.inject({ method: 'GET', url: `/api/v1/linecheck/${id}?format=html` });
    expect(html.body).toContain('<h1>Line check</h1>');
    // ident on request: on the path's injection output, then off
    const ident = await app.inject({ method: 'PUT', url: '/api/v1/linecheck/ident', payload: { path: 'tie-12' } });
    expect(ident.json()).toEqual({ path: 'tie-12', output: 12 });
    expect(app.services.engine!.playingNow()).toMatchObject([{ output: 12, spec: { kind: 'ident' } }]);
    await app.inject({ method: 'PUT', url: '/api/v1/linecheck/ident', payload: { path: 'tie-12', on: false } });
    expect(app.services.engine!.playingNow()).toEqual([]);
  });
});

describe('simulated console meters follow the simulated audio', () => {
  it('a tone on tie 3 shows on the X32 input-3 meter (bank 1)', async () => {
    const app = await startSimApp(plant([]));
    apps.push(app);
    const engine = app.services.engine!;
    engine.play(3, { kind: 'sine', freq: 1000, level_dbfs: -18 });
    const seen = await waitFor(
      () =>
        new Promise<number[] | undefined>((resolve) => {
          const owner = {};
          app.services.bus.on('console.meters', owner, (m) => {
            if (m.bank !== 1) return;
            app.services.bus.removeOwner(owner);
            resolve(m.values[2]! > 0.1 ? m.values : undefined);
          });
        }),
      5000,
    );
    expect(20 * Math.log10(seen[2]!)).toBeCloseTo(-18, 0);
    expect(seen[3]).toBeLessThan(0.001);
    engine.stopAll();
  });
});
