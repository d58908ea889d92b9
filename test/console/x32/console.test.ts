import { afterEach, describe, expect, it } from 'vitest';
import { Bus, type BusEvents } from '../../../src/core/bus.ts';
import { silentLogger } from '../../../src/core/logger.ts';
import { X32Console, type X32ConsoleOptions } from '../../../src/console/x32/console.ts';
import { X32Driver } from '../../../src/console/x32/driver.ts';
import { parseNodeLine } from '../../../src/console/x32/scene.ts';
import { X32Simulator } from '../../../src/sim/x32/simulator.ts';
import { Store } from '../../../src/store/db.ts';
import { waitFor } from '../../helpers.ts';

type Rig = {
  sim: X32Simulator;
  con: X32Console;
  bus: Bus;
  store: Store;
  events: Array<BusEvents['console.changed']>;
  statuses: string[];
};
const rigs: Rig[] = [];

async function rig(
  simOpts: ConstructorParameters<typeof X32Simulator>[0] = {},
  conOpts: X32ConsoleOptions = {},
): Promise<Rig> {
  const sim = new X32Simulator({ port: 0, ...simOpts });
  await sim.start();
  const bus = new Bus();
  const store = Store.inMemory();
  bus.on('device.write', store, (e) => store.audit.add(e)); // as the root wires the audit log
  const con = new X32Console(
    { id: 'desk', host: '127.0.0.1', port: sim.port },
    { bus, log: silentLogger() },
    { meterBanks: [], ...conOpts },
  );
  const events: Rig['events'] = [];
  const statuses: string[] = [];
  bus.on('console.changed', {}, (e) => events.push(e));
  bus.on('device.status', {}, (e) => statuses.push(e.state));
  await con.start();
  const r = { sim, con, bus, store, events, statuses };
  rigs.push(r);
  return r;
}

afterEach(async () => {
  for (const r of rigs.splice(0)) {
    await r.con.stop();
    await r.sim.stop();
    r.store.close();
  }
});

describe('X32 console service against the simulator (real UDP)', () => {
  it('captures the whole state at connect: equal to the simulator dump line for line', async () => {
    const { sim, con } = await rig();
    sim.surfaceSet('/ch/03/config/name', 'Snare Top');
    sim.surfaceSet('/ch/03/mix/fader', 600 / 1023);
    const cap = await con.capture();
    expect(cap.missing).toEqual([]);
    expect(cap.lines).toBe(2117);
    expect(cap.text.split('\n').slice(1, -1)).toEqual(sim.nodeLines());
    expect(con.status().state).toBe('online');
  });

  it('still captures every line with 5% packet loss (retries, adaptive window)', async () => {
    const { sim, con } = await rig({ lossPct: 5, seed: 7 }, { capture: { timeoutMs: 60 } });
    const cap = await con.capture({ timeoutMs: 60, retries: 8 });
    expect(cap.missing).toEqual([]);
    expect(cap.retries).toBeGreaterThan(0);
    expect(cap.text.split('\n').slice(1, -1)).toEqual(sim.nodeLines());
  });

  it('writes in engineering units, reads back, and the simulator holds the value', async () => {
    const { sim, con, store, events } = await rig();
    const r = await con.write([
      { path: 'input/3/fader', value: -10 },
      { path: 'input/3/name', value: 'Snare Top' },
      { path: 'input/3/mute', value: true },
      { path: 'input/3/hpf', value: 80 },
      { path: 'input/3/send/aux/2/level', value: -6 },
      { path: 'input/3/phantom', value: true },
      { path: 'dca/1/name', value: 'Drums' },
    ]);
    expect(r.ok).toBe(true);
    expect(sim.state.get('/ch/03/mix/fader')).toBe(512 / 1023);
    expect(sim.state.get('/ch/03/config/name')).toBe('Snare Top');
    expect(sim.state.get('/ch/03/mix/on')).toBe(0);
    expect(sim.state.get('/ch/03/preamp/hpf')).toBeCloseTo(0.46, 9);
    expect(sim.state.get('/ch/03/mix/02/level')).toBe(0.6);
    expect(sim.state.get('/headamp/002/phantom')).toBe(1);
    expect(sim.state.get('/dca/1/config/name')).toBe('Drums');
    expect(con.get('input/3/mute')).toBe(true);
    expect(con.get('input/3/fader')).toBeCloseTo(-9.98, 2);
    expect(events.find((e) => e.path === '/ch/03/mix/fader')).toMatchObject({ source: 'rad' });
    expect(store.audit.list({ device: 'desk' }).length).toBe(7);
  });

  it('refuses unknown paths and out-of-range values with codes, sending nothing', async () => {
    const { sim, con } = await rig();
    const before = sim.stats.received;
    await expect(con.write([{ path: 'input/40/fader', value: 0 }])).rejects.toMatchObject({
      code: 'E_UNKNOWN_PATH',
    });
    await expect(con.write([{ path: 'input/1/fader', value: 12 }])).rejects.toMatchObject({
      code: 'E_VALUE_RANGE',
    });
    await expect(con.write([{ path: '/ch/01/mix/nope', value: 1 }])).rejects.toMatchObject({ code: 'E_UNKNOWN_PATH' });
    await expect(con.write([{ path: 'input/1/name', value: 'thirteen char' }])).rejects.toMatchObject({
      code: 'E_VALUE_RANGE',
    });
    expect(sim.stats.received - before).toBeLessThanOrEqual(1); // at most a liveness ping
  });

  it('a change made by another client reaches the model within 100 ms', async () => {
    const { con, events } = await rig();
    const other = new X32Driver('127.0.0.1', (con.settings.port as number) ?? 10023);
    await other.open();
    const t0 = performance.now();
    other.set('/ch/09/mix/fader', { type: 'f', value: 0.75 });
    await waitFor(() => events.find((e) => e.path === '/ch/09/mix/fader'), 1000, 1);
    const ms = performance.now() - t0;
    await other.close();
    expect(ms).toBeLessThan(100);
    expect(events.find((e) => e.path === '/ch/09/mix/fader')).toMatchObject({ source: 'device', value: -0.01 });
    expect(con.get('/ch/09/mix/fader')).toBeCloseTo(-0.01, 2);
  });

  it('applies a scene, reads it back and reports per line; a broken file applies nothing', async () => {
    const { sim, con } = await rig();
    const cap = await con.capture();
    const lines = cap.text.split('\n');
    const idx = lines.findIndex((l) => l.startsWith('/ch/04/mix '));
    lines[idx] = '/ch/04/mix OFF  -4.0 ON -20 OFF   -oo';
    const cfg = lines.findIndex((l) => l.startsWith('/ch/04/config '));
    lines[cfg] = '/ch/04/config "Tom 1" 12 RD 4';
    const rep = await con.restore(lines.join('\n'), { onlyChanged: true });
    expect(rep).toMatchObject({ applied: 2, verified: 2, mismatched: 0, failed: 0 });
    expect(sim.state.get('/ch/04/mix/on')).toBe(0);
    expect(sim.state.get('/ch/04/mix/pan')).toBe(0.4);
    expect(sim.state.get('/ch/04/config/name')).toBe('Tom 1');
    lines[idx] = '/ch/04/mix ON  -4.0 ON -20 OFF   -oo';
    lines.push('/ch/05/mix WHAT');
    await expect(con.restore(lines.join('\n'))).rejects.toMatchObject({ code: 'E_SCENE_INVALID' });
    expect(sim.state.get('/ch/04/mix/on')).toBe(0); // nothing applied
    const partial = await con.restore(lines.join('\n'), { partial: true, onlyChanged: true });
    expect(partial.skipped).toEqual([{ line: lines.length, reason: '/ch/05/mix/on: "WHAT" is not one of OFF ON' }]);
    expect(sim.state.get('/ch/04/mix/on')).toBe(1);
  });

  it('reports mismatches the console did not take', async () => {
    const { sim, con, store } = await rig();
    sim.locked.add('/ch/06/config/name');
    const rep = await con.restore('#4.0# "x" "" %000000000 1\n/ch/06/config "Kick In" 1 RD 6\n');
    expect(rep).toMatchObject({ applied: 1, verified: 0, mismatched: 1 });
    expect(rep.lines[0]!.diffs).toEqual([{ address: '/ch/06/config/name', wanted: 'Kick In', got: '' }]);
    expect(sim.state.get('/ch/06/config/color')).toBe(1); // the rest of the line was taken
    const w = await con.write([{ path: 'input/6/name', value: 'Kick In' }]);
    expect(w.ok).toBe(false);
    expect(w.results[0]).toMatchObject({ verdict: 'mismatched', actual: '' });
    expect(store.audit.list({ device: 'desk' })[0]).toMatchObject({ result: 'mismatch', target: '/ch/06/config/name' });
  });

  it('goes offline within 3 s when the console falls silent, then comes back and re-syncs', async () => {
    const { sim, con, statuses, events } = await rig({}, { pingMs: 100, offlineAfterMs: 400 });
    expect(con.status().state).toBe('online');
    sim.silent = true;
    const t0 = Date.now();
    await waitFor(() => con.status().state === 'offline', 3000);
    expect(Date.now() - t0).toBeLessThan(3000);
    sim.state.set('/ch/11/config/name', 'Changed'); // edited while we could not hear
    sim.silent = false;
    await waitFor(() => con.status().state === 'online', 5000);
    expect(statuses).toEqual(expect.arrayContaining(['offline', 'degraded', 'online']));
    await waitFor(() => con.get('input/11/name') === 'Changed', 2000);
    expect(events.find((e) => e.path === '/ch/11/config/name')).toMatchObject({ value: 'Changed', source: 'device' });
  });

  it('switches the console oscillator and the simulator holds every setting', async () => {
    const { sim, con } = await rig();
    const r = await con.oscillator({ level_db: -18, freq_hz: 1000, type: 'sine', dest: 18 });
    expect(r.ok).toBe(true);
    expect(sim.state.get('/-stat/osc/on')).toBe(1);
    expect(sim.state.get('/config/osc/f1')).toBeCloseTo(68 / 120, 9);
    expect(sim.state.get('/config/osc/type')).toBe(0);
    expect(sim.state.get('/config/osc/dest')).toBe(18);
    expect(sim.state.get('/config/osc/level')).toBe(Math.round(((-18 + 50) / 80) * 160) / 160);
    await con.oscillator(null);
    expect(sim.state.get('/-stat/osc/on')).toBe(0);
  });

  it('meters arrive decoded on the bus', async () => {
    const { sim, bus } = await rig({}, { meterBanks: [1] });
    sim.setMeterLevels(1, new Float32Array([0.125]));
    const m = await new Promise<BusEvents['console.meters']>((resolve) =>
      bus.on('console.meters', {}, (e) => resolve(e)),
    );
    expect(m.bank).toBe(1);
    expect(m.values).toHaveLength(96);
    expect(m.values[0]).toBe(0.125);
  });

  it('node lines read from the model parse back to the simulator state', async () => {
    const { sim, con } = await rig();
    const nodes = con.nodes('ch/01');
    expect(nodes.length).toBeGreaterThan(20); // config, delay, preamp, gate, dyn, eq bands, mix, sends…
    let checked = 0;
    for (const n of nodes) {
      for (const v of parseNodeLine(con.tree, n.text).values) {
        expect(v.raw, v.leaf.address).toEqual(sim.state.get(v.leaf.address));
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(100);
  });

  it('asks the console for meters only while someone reads or listens', async () => {
    const { sim, con, bus } = await rig({}, { meterBanks: [1], pingMs: 200 });
    await new Promise((r) => setTimeout(r, 1200));
    expect(sim.meterSubscriptions()).toEqual([]); // nobody listens: no meter traffic
    const got: number[] = [];
    const owner = {};
    bus.on('console.meters', owner, (e) => got.push(e.bank));
    await waitFor(() => got.length > 0, 3000, 20);
    expect(sim.meterSubscriptions().map((m) => m.bank)).toEqual([1]);
    bus.removeOwner(owner);
    // a reader (the line check) asks for them by reading: the first read starts the stream
    const fresh = Date.now();
    await waitFor(() => (con.inputMeters()?.at ?? 0) > fresh, 3000, 20);
  });
});
