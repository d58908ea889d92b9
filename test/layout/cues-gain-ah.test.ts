// Cue mixes and gain staging on Allen & Heath consoles (simulated SQ and Qu-32 over MIDI/TCP):
// the sends are written and read back, what the protocol cannot carry is said, never faked.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.ts';
import { startSimApp } from '../helpers.ts';

const ROCK_CSV = readFileSync(new URL('../../examples/input-list-rock.csv', import.meta.url), 'utf8');
const PROFILES = new URL('../../config/profiles', import.meta.url).pathname;

describe.each([
  { id: 'sq-main', family: 'sq', why: /SQ's MIDI protocol carries no preamp gain/ },
  { id: 'qu-main', family: 'qu', model: 'Qu-32', why: /Qu's MIDI protocol carries phantom power but no preamp gain/ },
])('$family', ({ id, family, why, model }) => {
  let app: App;
  beforeAll(async () => {
    app = await startSimApp({
      profiles_dir: PROFILES,
      consoles: [{ id, family, host: '127.0.0.1', port: 0, ...(model ? { model } : {}) }],
    });
  }, 30000);
  afterAll(() => app?.stop());
  const post = (url: string, payload: unknown) => app.inject({ method: 'POST', url, payload: payload as never });

  it('cue mixes: sends written and read back where the console has the bus; the rest named under cannot', async () => {
    const con = app.services.consoles.get(id);
    const r = await post('/api/v1/cues/apply', { inputs: ROCK_CSV, profile: 'rock-standard', console: id });
    expect(r.statusCode, r.body).toBe(200);
    const { report, cues } = r.json();
    expect(report.ok).toBe(true);
    // the SQ has 12 auxes (aux 9–12 exist); a Qu has 7 (none of rock-standard's cue buses)
    expect(cues.cues.length).toBe(con.caps.auxes >= 12 ? 4 : 0);
    if (cues.cues.length > 0) expect(report.written.length).toBeGreaterThan(0);
    for (const c of cues.cues as Array<{ bus: number; sends: Array<{ channel: number; level_db: number | null }> }>)
      for (const s of c.sends.filter((x) => x.level_db !== null).slice(0, 3))
        expect(con.get(`input/${s.channel}/send/aux/${c.bus}/level`) as number).toBeCloseTo(s.level_db!, 0);
    const missingBuses = 4 - cues.cues.length;
    expect(cues.cannot.filter((c: string) => /aux \d+ does not exist/.test(c))).toHaveLength(missingBuses);
    if (!con.caps.names) expect(report.cannot[0]).toMatch(/bus names cannot be set/);
  }, 30000);

  it('gain staging says why it cannot run', async () => {
    const r = await post('/api/v1/gain/listen', { seconds: 1 });
    expect(r.statusCode).toBe(400);
    expect(r.json()).toMatchObject({ error: 'E_CAPABILITY' });
    expect(r.json().message).toMatch(why);
  });
});
