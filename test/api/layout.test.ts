import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.ts';
import { headampFor } from '../../src/console/x32/map.ts';
import { parseRpp } from '../../src/session/rpp.ts';
import { startSimApp } from '../helpers.ts';

const ROCK_CSV = readFileSync(new URL('../../examples/input-list-rock.csv', import.meta.url), 'utf8');
const PROFILES = new URL('../../config/profiles', import.meta.url).pathname;

describe('layout over REST against the X32 simulator', () => {
  let app: App;
  const sim = () => app.services.studio!.x32.get('x32-main')!;
  beforeAll(async () => {
    app = await startSimApp({ profiles_dir: PROFILES });
  });
  afterAll(async () => app.stop());
  const post = (url: string, payload: unknown) => app.inject({ method: 'POST', url, payload: payload as never });

  it('lists the shipped profiles', async () => {
    const r = (await app.inject({ method: 'GET', url: '/api/v1/profiles' })).json();
    expect(r.profiles.map((p: { name: string }) => p.name)).toEqual(['jazz-live', 'rock-standard']);
  });

  it.each(['rock-standard', 'jazz-live'])(
    '%s: plan shows a diff, apply writes it and reads back, a second plan shows nothing to do',
    async (profile) => {
      const plan = (await post('/api/v1/layout/plan', { inputs: ROCK_CSV, profile })).json();
      expect(plan.diff.changes.length).toBeGreaterThan(0);
      const applied = await post('/api/v1/layout/apply', { inputs: ROCK_CSV, profile });
      expect(applied.statusCode).toBe(200);
      const report = applied.json().report;
      expect(report.ok).toBe(true);
      expect(report.written.every((w: { verdict: string }) => w.verdict === 'verified')).toBe(true);
      // what the simulated console now holds
      for (const c of plan.plan.channels as Array<{
        channel: number;
        name: string;
        colour: string;
        stage_input: number;
        phantom: boolean;
      }>) {
        const ch = String(c.channel).padStart(2, '0');
        expect(sim().state.get(`/ch/${ch}/config/name`)).toBe(c.name);
        expect(sim().state.get(`/ch/${ch}/config/source`)).toBe(c.stage_input);
        const ha = headampFor(sim().state, c.channel)!;
        expect(sim().state.get(`/headamp/${String(ha).padStart(3, '0')}/phantom`)).toBe(c.phantom ? 1 : 0);
      }
      const again = (await post('/api/v1/layout/plan', { inputs: ROCK_CSV, profile })).json();
      expect(again.diff.changes).toEqual([]);
    },
  );

  it('phantom is switched with the channel muted, and the mute restored', async () => {
    const audit = app.services.store.audit.list({ device: 'x32-main', limit: 10000 }).reverse();
    const idx = audit.findIndex((a) => /headamp\/\d+\/phantom/.test(a.target ?? ''));
    expect(idx).toBeGreaterThan(0);
    expect(audit[idx - 1]!.target).toMatch(/\/ch\/\d\d\/mix\/on/);
    expect(audit[idx + 1]!.target).toMatch(/\/ch\/\d\d\/mix\/on/);
  });

  it('profiles CRUD validates every field', async () => {
    const bad = await app.inject({
      method: 'PUT',
      url: '/api/v1/profiles/mine',
      payload: { name: 'mine', locations: { kik: 1 }, fill: { order: [] } },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ error: 'E_PROFILE_INVALID' });
    expect(bad.json().message).toContain('locations.kik');
    const good = await app.inject({
      method: 'PUT',
      url: '/api/v1/profiles/mine',
      payload: { name: 'mine', locations: { 'vocal-lead': 1 }, fill: { order: ['drums'] } },
    });
    expect(good.statusCode).toBe(200);
    const mismatch = await app.inject({
      method: 'PUT',
      url: '/api/v1/profiles/other',
      payload: { name: 'mine', locations: {}, fill: { order: [] } },
    });
    expect(mismatch.statusCode).toBe(409);
    expect((await app.inject({ method: 'DELETE', url: '/api/v1/profiles/mine' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/api/v1/profiles/mine' })).json().error).toBe('E_UNKNOWN_PROFILE');
  });

  it('bad input lists and unknown profiles are coded 4xx errors', async () => {
    expect(
      (await post('/api/v1/layout/plan', { inputs: 'Ch,Source\n1,Kick\n1,Snare\n', profile: 'rock-standard' })).json(),
    ).toMatchObject({ error: 'E_INPUT_LIST_DUPLICATE' });
    expect((await post('/api/v1/layout/plan', { inputs: ROCK_CSV, profile: 'nope' })).statusCode).toBe(404);
  });

  it('writes the session template', async () => {
    const r = await post('/api/v1/session/template', { inputs: ROCK_CSV, profile: 'rock-standard', format: 'rpp' });
    expect(r.statusCode).toBe(200);
    expect(parseRpp(r.body).filter((t) => !t.folder)).toHaveLength(25);
  });
});
