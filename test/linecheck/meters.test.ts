// Meters-only fallback: paths whose console input does not come back to the interface are checked
// one at a time on the X32 simulator's input meters, which follow the simulated audio at the
// console's own inputs (computed sample by sample from what the interface played).
import { afterAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.ts';
import { lineCheckHtml } from '../../src/linecheck/report.ts';
import type { RunRecord } from '../../src/linecheck/service.ts';
import { startSimApp } from '../helpers.ts';

function studio(faults: unknown[], extra: Record<string, unknown> = {}) {
  return {
    wiring: [
      { from: 'iface:out:1-8', to: 'tie:1-8' },
      { from: 'tie:1-8', to: 'x32-main:in:1-8' },
      // only inputs 1-4 have a direct out back to the interface
      { from: 'x32-main:in:1-4', to: 'iface:in:1-4' },
    ],
    audio: { backend: 'sim', inputs: 4, outputs: 8 },
    linecheck: { plan: [{ source: 'tie:1-8', input: 'x32-main:in:1-8' }] },
    sim: { enabled: true, faults },
    ...extra,
  };
}

const apps: App[] = [];
afterAll(async () => {
  for (const a of apps) await a.stop();
});

async function run(faults: unknown[], extra: Record<string, unknown> = {}): Promise<RunRecord> {
  const app = await startSimApp(studio(faults, extra));
  apps.push(app);
  return app.services.linecheck.start({}).done;
}

describe('line check, meters-only fallback', () => {
  it('paths without a return are measured on the console meters, the rest at the interface; all pass when healthy', async () => {
    const rec = await run([]);
    expect(rec.state).toBe('done');
    expect(rec.results.map((r) => [r.path, r.method, r.verdict])).toEqual([
      ['tie-01', 'interface', 'pass'],
      ['tie-02', 'interface', 'pass'],
      ['tie-03', 'interface', 'pass'],
      ['tie-04', 'interface', 'pass'],
      ['tie-05', 'console-meters', 'pass'],
      ['tie-06', 'console-meters', 'pass'],
      ['tie-07', 'console-meters', 'pass'],
      ['tie-08', 'console-meters', 'pass'],
    ]);
    const m = rec.results[5]!;
    expect(m.level_dbfs).toBeCloseTo(-18, 1);
    expect(m.not_measured).toEqual(['polarity', 'latency', 'hum', 'noise']);
    const html = lineCheckHtml(rec);
    expect(html).toContain('<td>console meters</td><td>not measured: polarity, latency, hum, noise</td>');
    expect(html).toContain('<td>interface</td>');
  });

  it('names a dead path, a swapped pair and a low one on the meters; polarity still found at the interface', async () => {
    const rec = await run([
      { path: 'tie-02', kind: 'polarity' },
      { path: 'tie-05', kind: 'gain-db', db: -6 },
      { path: 'tie-06', kind: 'dead' },
      { path: 'tie-07', kind: 'swap-with', with: 'tie-08' },
    ]);
    const v = Object.fromEntries(rec.results.filter((r) => r.verdict !== 'pass').map((r) => [r.path, r]));
    expect(Object.keys(v).sort()).toEqual(['tie-02', 'tie-05', 'tie-06', 'tie-07', 'tie-08']);
    expect(v['tie-02']).toMatchObject({ verdict: 'polarity', method: 'interface' });
    expect(v['tie-05']).toMatchObject({ verdict: 'level', method: 'console-meters' });
    expect(v['tie-05']!.level_dbfs).toBeCloseTo(-24, 1);
    expect(v['tie-06']).toMatchObject({ verdict: 'dead', method: 'console-meters' });
    expect(v['tie-07']).toMatchObject({ verdict: 'wrong-source', arrived_from: 'tie-08', swapped_with: 'tie-08' });
    expect(v['tie-08']).toMatchObject({ verdict: 'wrong-source', arrived_from: 'tie-07', swapped_with: 'tie-07' });
  });

  it('an SQ sends no meters and takes no oscillator over MIDI: such paths and outputs are untestable with that reason', async () => {
    const app = await startSimApp({
      consoles: [{ id: 'sq-foh', family: 'sq', host: '127.0.0.1', port: 0 }],
      wiring: [
        { from: 'iface:out:1-2', to: 'tie:1-2' },
        { from: 'tie:1-2', to: 'sq-foh:in:1-2' },
        { from: 'sq-foh:in:1', to: 'iface:in:1' },
        { from: 'sq-foh:bus:1', to: 'iface:in:2' },
      ],
      audio: { backend: 'sim', inputs: 2, outputs: 2 },
      linecheck: { plan: [{ source: 'tie:1-2', input: 'sq-foh:in:1-2' }] },
      sim: { enabled: true, faults: [] },
    });
    apps.push(app);
    const rec = await app.services.linecheck.start({}).done;
    expect(rec.results.map((r) => [r.path, r.verdict])).toEqual([
      ['tie-01', 'pass'],
      ['tie-02', 'untestable'],
    ]);
    expect(rec.results[1]!.reason).toMatch(
      /sq-foh:in:2 does not come back to an interface input and an SQ sends no input meters over its protocol/,
    );
    // nor can rad drive an SQ's oscillator: its outputs are untestable in the console-oscillator mode
    const out = await app.services.linecheck.start({ target: 'outputs' }).done;
    expect(out.results.map((r) => [r.path, r.verdict, r.reason])).toEqual([
      ['sq-foh-bus-01', 'untestable', 'an SQ has no oscillator control over its protocol'],
    ]);
  });
});
