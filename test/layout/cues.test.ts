// Cue mixes from the profile (rock-standard's four musicians on aux 9–12) on the X32 simulator:
// plan, apply with read-back, nothing left to do after; a mix naming a role the band lacks; a
// profile naming no role at all; and safe tone: a line check mutes the cue buses its toned inputs
// feed before any tone and unmutes them after.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.ts';
import { rawToUnits } from '../../src/console/x32/laws.ts';
import { runRad, tempDir } from '../helpers.ts';
import { startSimApp } from '../helpers.ts';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const ROCK_CSV = readFileSync(new URL('../../examples/input-list-rock.csv', import.meta.url), 'utf8');
const PROFILES = new URL('../../config/profiles', import.meta.url).pathname;

let app: App;
beforeAll(async () => {
  app = await startSimApp({
    profiles_dir: PROFILES,
    audio: { backend: 'sim', inputs: 8, outputs: 8, monitor_mutes: ['main/lr/mute'] },
    wiring: [
      { from: 'iface:out:1-4', to: 'tie:1-4' },
      { from: 'tie:1-4', to: 'x32-main:in:1-4' },
      { from: 'x32-main:in:1-4', to: 'iface:in:1-4' },
    ],
    linecheck: { plan: [{ source: 'tie:1-4', input: 'x32-main:in:1-4' }] },
  });
}, 30000);
afterAll(() => app?.stop());
const post = (url: string, payload: unknown) => app.inject({ method: 'POST', url, payload: payload as never });
const sim = () => app.services.studio!.x32.get('x32-main')!;

describe('cue mixes from the profile', () => {
  it('plans each musician’s mix, applies it with read-back, and a second plan has nothing to do', async () => {
    const plan = (await post('/api/v1/cues/plan', { inputs: ROCK_CSV, profile: 'rock-standard' })).json();
    const drums = plan.cues.cues.find((c: { name: string }) => c.name === 'Drums');
    expect(drums.bus).toBe(9);
    const send = (ch: number) => drums.sends.find((s: { channel: number }) => s.channel === ch);
    expect(send(1)).toMatchObject({ role: 'kick-in', level_db: -6, by: 'drums' }); // own kit −6
    expect(send(31)).toMatchObject({ role: 'click', level_db: 0, by: 'click' });
    expect(send(25)).toMatchObject({ role: 'vocal-lead', level_db: -3 });
    const keys = drums.sends.find((s: { role: string }) => s.role === 'keys-l');
    expect(keys).toMatchObject({ level_db: null, by: null }); // keys: not in the drummer's mix
    expect(plan.cues.missing).toEqual([]);
    expect(plan.diff.changes.length).toBeGreaterThan(0);
    const applied = await post('/api/v1/cues/apply', { inputs: ROCK_CSV, profile: 'rock-standard' });
    expect(applied.statusCode).toBe(200);
    expect(applied.json().report.ok).toBe(true);
    expect(sim().state.get('/bus/09/config/name')).toBe('Drums');
    const con = app.services.consoles.get('x32-main');
    expect(con.get('input/1/send/aux/9/level')).toBeCloseTo(-6, 0);
    // what the simulated desk itself holds (its own state, in its own law)
    const held = (a: string) => rawToUnits(sim().tree.leafByAddress.get(a)!.law, sim().state.get(a)!);
    expect(held('/ch/01/mix/09/level')).toBeCloseTo(-6, 0);
    expect(held('/ch/01/mix/10/level')).toBeCloseTo(0, 0);
    expect(con.get('input/1/send/aux/10/level')).toBeCloseTo(0, 0); // bass player: kick-in at 0
    expect(con.get(`input/${keys.channel}/send/aux/9/level`)).toBe('-inf');
    const again = (await post('/api/v1/cues/plan', { inputs: ROCK_CSV, profile: 'rock-standard' })).json();
    expect(again.diff.changes).toEqual([]);
  }, 30000);

  it('a mix naming a role the band lacks is refused unless forced; a key that is no role is refused', async () => {
    const noClick = ROCK_CSV.split('\n')
      .filter((l) => !/Click/.test(l))
      .join('\n');
    const r = await post('/api/v1/cues/apply', { inputs: noClick, profile: 'rock-standard' });
    expect(r.statusCode).toBe(409);
    expect(r.json()).toMatchObject({ error: 'E_CUE_ROLE_MISSING' });
    expect(r.json().message).toMatch(/Drums wants click/);
    const forced = await post('/api/v1/cues/apply', { inputs: noClick, profile: 'rock-standard', force: true });
    expect(forced.statusCode).toBe(200);
    const bad = await app.inject({
      method: 'PUT',
      url: '/api/v1/profiles/cue-typo',
      payload: {
        name: 'cue-typo',
        locations: {},
        fill: { order: [] },
        cues: [{ name: 'Drums', bus: 9, mix: { drumz: 0 } }],
      },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ error: 'E_CUE_ROLE', details: { value: 'drumz' } });
  }, 30000);

  it('safe tone: the line check mutes the cue buses its toned inputs feed, before the tone, and unmutes them after', async () => {
    await post('/api/v1/cues/apply', { inputs: ROCK_CSV, profile: 'rock-standard' });
    const con = app.services.consoles.get('x32-main');
    const order: string[] = [];
    const owner = {};
    app.services.bus.on('device.write', owner, (w) => {
      if (/^\/bus\/(09|10|11|12)\/mix\/on$/.test(w.target ?? '')) order.push(`${w.target}=${w.value}`);
    });
    // at every step of the check that plays tone, the four cue buses are muted
    const duringTone: boolean[] = [];
    app.services.bus.on('linecheck.progress', owner, (p) => {
      if (!/waiting/.test(p.phase)) duringTone.push([9, 10, 11, 12].every((b) => con.get(`aux/${b}/mute`) === true));
    });
    const run = await app.services.linecheck.start({}).done;
    app.services.bus.removeOwner(owner);
    expect(run.state).toBe('done');
    expect(run.cue_mutes).toEqual(['aux/9/mute', 'aux/10/mute', 'aux/11/mute', 'aux/12/mute']);
    // four mutes first, four unmutes at the end (the audit logs the neutral value: mute true/false)
    expect(order).toHaveLength(8);
    expect(order.slice(0, 4).every((o) => o.endsWith('=true'))).toBe(true);
    expect(order.slice(4).every((o) => o.endsWith('=false'))).toBe(true);
    expect(duringTone.length).toBeGreaterThan(0);
    expect(duringTone.every(Boolean)).toBe(true);
    for (const b of [9, 10, 11, 12]) expect(con.get(`aux/${b}/mute`)).toBe(false);
  }, 60000);

  it('a preamp set for the band: the tone goes in lower by its gain, the path still passes (no clipping)', async () => {
    const con = app.services.consoles.get('x32-main');
    await con.write([{ path: 'input/2/gain', value: 30 }]);
    try {
      const run = await app.services.linecheck.start({}).done;
      expect(run.results.map((r) => r.verdict)).toEqual(['pass', 'pass', 'pass', 'pass']);
      expect(run.preamp_gains).toEqual({ [run.results[1]!.path]: 30 });
      expect(run.results[1]!.level_dbfs!).toBeCloseTo(-18, 0);
    } finally {
      await con.write([{ path: 'input/2/gain', value: 0 }]);
    }
  }, 60000);

  it('rad cue plan prints the mixes from a profile file without a daemon', async () => {
    const dir = tempDir();
    const list = join(dir, 'list.csv');
    writeFileSync(list, ROCK_CSV);
    const r = runRad(['cue', 'plan', list, '--profile', join(PROFILES, 'rock-standard.yaml')]);
    expect((await r.exit).code).toBe(0);
    expect(r.stdout()).toMatch(/^aux 9 Drums: .*Click 0/m);
  }, 30000);
});
