import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.ts';
import { quLevelToVa } from '../../src/console/qu/codec.ts';
import { sendParam } from '../../src/console/sq/codec.ts';
import { startSimApp } from '../helpers.ts';

const ROCK_CSV = readFileSync(new URL('../../examples/input-list-rock.csv', import.meta.url), 'utf8');
const PROFILES = new URL('../../config/profiles', import.meta.url).pathname;

describe('layout apply on an Allen & Heath SQ (simulated, MIDI over TCP)', () => {
  let app: App;
  const sim = () => app.services.studio!.sq.get('sq-main')!;
  beforeAll(async () => {
    app = await startSimApp({
      profiles_dir: PROFILES,
      consoles: [{ id: 'sq-main', family: 'sq', host: '127.0.0.1', port: 0 }],
    });
  });
  afterAll(async () => app.stop());
  const post = (url: string, payload: unknown) => app.inject({ method: 'POST', url, payload: payload as never });

  it.each(['rock-standard', 'jazz-live'])(
    '%s: writes the aux sends, reports what the SQ cannot take, and reads back',
    async (profile) => {
      const applied = await post('/api/v1/layout/apply', { inputs: ROCK_CSV, profile, console: 'sq-main' });
      expect(applied.statusCode, applied.body).toBe(200);
      const { plan, report } = applied.json();
      expect(report.ok).toBe(true);
      expect(report.cannot).toEqual(
        expect.arrayContaining([
          'sq: channel names cannot be set over this protocol',
          'sq: colours cannot be set over this protocol',
        ]),
      );
      expect(report.cannot.some((l: string) => /input\/1\/hpf_on: E_CAPABILITY/.test(l))).toBe(true);
      let sends = 0;
      for (const c of plan.channels as Array<{ channel: number; sends: Record<string, number> }>) {
        for (const [aux, db] of Object.entries(c.sends)) {
          expect(
            sim().levelDb(sendParam('level', 'input', c.channel, 'aux', Number(aux))),
            `input ${c.channel} → aux ${aux}`,
          ).toBeCloseTo(db, 0);
          sends++;
        }
      }
      // rock-standard sends vocals to aux 1; jazz-live has no sends, so nothing an SQ can take
      if (profile === 'rock-standard') expect(sends).toBeGreaterThan(0);
      else expect(report.changes.filter((c: { path: string }) => c.path.includes('/send/'))).toEqual([]);
      expect(report.written).toHaveLength(report.changes.length); // only what differed was sent (the second profile may need nothing new)
      const again = (await post('/api/v1/layout/plan', { inputs: ROCK_CSV, profile, console: 'sq-main' })).json();
      expect(again.diff.changes).toEqual([]);
    },
  );
});

describe('layout apply on an Allen & Heath Qu-32 (simulated, MIDI over TCP)', () => {
  let app: App;
  const sim = () => app.services.studio!.qu.get('qu-main')!;
  beforeAll(async () => {
    app = await startSimApp({
      profiles_dir: PROFILES,
      consoles: [{ id: 'qu-main', family: 'qu', host: '127.0.0.1', port: 0, model: 'Qu-32' }],
    });
  });
  afterAll(async () => app.stop());
  const post = (url: string, payload: unknown) => app.inject({ method: 'POST', url, payload: payload as never });

  it.each(['rock-standard', 'jazz-live'])(
    '%s: names fitted to 6 characters and sends land on the console',
    async (profile) => {
      const applied = await post('/api/v1/layout/apply', { inputs: ROCK_CSV, profile, console: 'qu-main' });
      expect(applied.statusCode, applied.body).toBe(200);
      const { plan, report } = applied.json();
      expect(report.ok).toBe(true);
      expect(report.cannot).toContain('qu: colours cannot be set over this protocol');
      for (const c of plan.channels as Array<{
        channel: number;
        name: string;
        sends: Record<string, number>;
        phantom: boolean;
        dca: number[];
        mute_groups: number[];
      }>) {
        const ch = 0x20 + c.channel - 1;
        expect(c.name.length).toBeLessThanOrEqual(6);
        expect(sim().state.get(`${ch}:name`), `input ${c.channel}`).toBe(c.name);
        for (const [mix, db] of Object.entries(c.sends))
          expect(sim().state.get(`${ch}:${0x20}:${Number(mix) - 1}`)).toBe(quLevelToVa(db));
        // 48 V, DCA and mute-group assignments land too (a Qu has 4 of each; the rest is listed as cannot)
        expect(sim().state.get(`${ch}:${0x69}:7`), `input ${c.channel} phantom`).toBe(c.phantom ? 1 : 0);
        for (let d = 1; d <= 4; d++)
          expect(sim().state.get(`${ch}:dca:${d}`), `input ${c.channel} DCA ${d}`).toBe(c.dca.includes(d) ? 1 : 0);
        for (let g = 1; g <= 4; g++)
          expect(sim().state.get(`${ch}:mg:${g}`), `input ${c.channel} mute group ${g}`).toBe(
            c.mute_groups.includes(g) ? 1 : 0,
          );
        for (const d of c.dca.filter((x) => x > 4))
          expect(report.cannot).toContain(`input/${c.channel}/dca: DCA ${d} does not exist on this qu (4 DCAs)`);
      }
      expect(
        report.cannot.filter((l: string) => /^input\/\d+\/(phantom|dca|mutegroups): E_CAPABILITY/.test(l)),
      ).toEqual([]);
      expect((plan.channels as Array<{ phantom: boolean }>).some((c) => c.phantom)).toBe(true);
      const again = (await post('/api/v1/layout/plan', { inputs: ROCK_CSV, profile, console: 'qu-main' })).json();
      expect(again.diff.changes).toEqual([]);
    },
  );
});
