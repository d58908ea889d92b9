// The X32 bridge against consoles that differ from rad's tables, as consoles in the field do:
// the simulator plays an independent implementation that reports icon 0 on every strip, and a
// peer that lacks a node of the 4.06 list. What the console says is stored and used; nothing it
// said is refused when rad reads its own capture back.
import { afterEach, describe, expect, it } from 'vitest';
import { Bus } from '../../../src/core/bus.ts';
import { silentLogger } from '../../../src/core/logger.ts';
import { X32Console } from '../../../src/console/x32/console.ts';
import { x32StateFormat } from '../../../src/console/x32/state.ts';
import { X32Simulator, type X32SimOptions } from '../../../src/sim/x32/simulator.ts';
import { waitFor } from '../../helpers.ts';

const open: Array<{ sim: X32Simulator; con: X32Console }> = [];
afterEach(async () => {
  for (const r of open.splice(0)) {
    await r.con.stop();
    await r.sim.stop();
  }
});

async function rig(quirks: X32SimOptions['quirks']) {
  const sim = new X32Simulator({ port: 0, quirks });
  await sim.start();
  sim.state.set('/ch/03/config/name', 'Kick In');
  sim.state.set('/ch/03/config/color', 1); // RD
  const con = new X32Console(
    { id: 'desk', host: '127.0.0.1', port: sim.port },
    { bus: new Bus(), log: silentLogger() },
    { meterBanks: [] },
  );
  await con.start();
  open.push({ sim, con });
  return { sim, con };
}

describe('X32 in the field', () => {
  it('icon 0 on every strip: names, colours and sources still read, phantom resolves, the icon is kept unvalidated', async () => {
    const { con } = await rig({ iconZero: true });
    expect(con.status().state).toBe('online');
    expect(con.get('input/3/name')).toBe('Kick In');
    expect(con.get('input/3/colour')).toBe('RD');
    expect(con.get('input/3/phantom')).toBe(false); // the source field was read: the preamp resolves
    expect(con.get('/ch/03/config/icon')).toBeNull();
    expect(con.unvalidated('/ch/03/config/icon')).toBe('0');
    expect(con.nodes('/ch/03/config')[0]!.text).toBe('/ch/03/config "Kick In" 0 RD 3');
  });

  it('capture → diff → restore of the console’s own state never fails on validation', async () => {
    const { con, sim } = await rig({ iconZero: true });
    const a = await con.capture();
    expect(a.text).toContain('/ch/03/config "Kick In" 0 RD 3');
    expect(x32StateFormat.diff(a.text, a.text)).toEqual([]);
    sim.state.set('/ch/03/mix/fader', 0.5);
    const b = await con.capture();
    expect(x32StateFormat.diff(a.text, b.text).map((s) => s.strip)).toEqual(['/ch/03']);
    const r = await con.restore(a.text, { trusted: true, onlyChanged: true });
    expect(r.failed + r.mismatched).toBe(0);
    expect(sim.state.get('/ch/03/mix/fader')).not.toBe(0.5);
    // a file a user imports is still checked token by token
    await expect(con.restore(a.text)).rejects.toMatchObject({ code: 'E_SCENE_INVALID' });
  });

  it('restore never writes a token rad does not know: the fields around it go, it stays as the console has it', async () => {
    const { con, sim } = await rig({ iconZero: true });
    const a = await con.capture();
    sim.state.set('/ch/03/config/color', 4); // BL
    await con.capture(); // the model follows the console
    const r = await con.restore(a.text, { trusted: true, onlyChanged: true });
    expect(sim.state.get('/ch/03/config/color')).toBe(1); // RD again, through a leaf line
    expect(r.kept).toContain('/ch/03/config/icon = 0 (unvalidated)');
    expect(r.failed + r.mismatched).toBe(0);
  });

  it('a console that lacks a node is online, with the node in info.missing', async () => {
    const { con } = await rig({ lacks: ['/config/dp48/link'] });
    await waitFor(() => con.status().state === 'online', 20000, 50); // degraded while the capture runs
    expect(con.status()).toMatchObject({ state: 'online', detail: expect.stringMatching(/1 node\(s\)/) });
    expect(con.describe().missing).toEqual(['/config/dp48/link']);
    const cap = await con.capture();
    expect(cap.missing).toEqual(['/config/dp48/link']);
    expect(cap.text).not.toContain('/config/dp48/link');
  });
});

describe('older firmware', () => {
  it('a console on 3.04 lacks the 4.x nodes: online with them in info.missing; a diff against a 4.06 capture summarises them', async () => {
    const old = new X32Simulator({ port: 0, firmware: '3.04' });
    await old.start();
    const con = new X32Console(
      { id: 'old', host: '127.0.0.1', port: old.port },
      { bus: new Bus(), log: silentLogger() },
      { meterBanks: [] },
    );
    await con.start();
    const { con: current } = await rig({});
    open.push({ sim: old, con });
    // degraded while the capture runs (the missing nodes are retried), then online
    await waitFor(() => con.status().state === 'online', 20000, 50);
    const missing = con.describe().missing as string[];
    expect(missing).toHaveLength(14);
    expect(missing).toEqual(expect.arrayContaining(['/config/dp48/link', '/mtx/06/grp', '/config/userrout/in']));
    const a = await con.capture();
    const b = await current.capture();
    expect(a.lines).toBe(2117 - 14);
    const d = x32StateFormat.diff(a.text, b.text);
    const notInA = d.find((s) => s.strip === '(not in A)');
    expect(notInA!.text).toMatch(/^not in A: \d+ values \(an older firmware file/);
    expect(d.flatMap((s) => s.changes).some((c) => c.from === '?')).toBe(false);
  });
});

describe('ask only what a console needs to answer', () => {
  it('connect never asks for the /-stat, /-prefs or /-show containers (a peer crashed on one); the leaves services use are read one by one', async () => {
    const { con, sim } = await rig({
      crashOnNode: ['/-prefs', '/-stat', '/-stat/solosw', '/-stat/talk', '/-show/prepos', '/-stat/osc'],
    });
    expect(con.status().state).toBe('online');
    expect(sim.silent).toBe(false);
    expect(con.get('/-stat/osc/on')).toBe(false);
    expect(con.get('scene/current')).toBe(-1);
  });
});

describe('a capture that ends', () => {
  it('rad console capture against a console that falls silent mid-capture: E_CONSOLE_OFFLINE, exit 1, within 5 s, no file', async () => {
    const { runRad, tempDir, waitFor } = await import('../../helpers.ts');
    const { existsSync } = await import('node:fs');
    const { join } = await import('node:path');
    const sim = new X32Simulator({ port: 0, lanDelayMs: 2 });
    await sim.start();
    try {
      const out = join(tempDir(), 'scene.scn');
      const p = runRad(['console', 'capture', '--host', '127.0.0.1', '--port', String(sim.port), '--out', out]);
      // the console dies once the capture is under way
      await waitFor(() => sim.stats.received > 300, 15000, 2);
      sim.silent = true;
      const t0 = Date.now();
      const { code } = await p.exit;
      expect(Date.now() - t0).toBeLessThan(5000);
      expect(code).toBe(1);
      expect(p.stderr()).toMatch(/E_CONSOLE_OFFLINE: .*stopped answering/);
      expect(existsSync(out)).toBe(false);
    } finally {
      await sim.stop();
    }
  });
});
