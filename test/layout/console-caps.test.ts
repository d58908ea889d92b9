import { afterEach, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.ts';
import { startSimApp } from '../helpers.ts';

const PROFILES = new URL('../../config/profiles', import.meta.url).pathname;
/** 40 sources: more than an X32's 32 inputs, fewer than an SQ-7's 48. */
const FORTY = Array.from({ length: 40 }, (_, i) =>
  i === 0 ? 'Kick In' : i === 1 ? 'Acoustic Guitar Left' : `Perc ${i + 1}`,
).join('\n');

describe("session templates are planned for the console's own capabilities", () => {
  let app: App | undefined;
  afterEach(async () => {
    await app?.stop();
    app = undefined;
  });
  const template = (format: string) =>
    app!.inject({
      method: 'POST',
      url: '/api/v1/session/template',
      payload: { inputs: FORTY, profile: 'rock-standard', format },
    });

  it('an SQ-7 takes 48 inputs: 40 sources land on 40 channels, nothing left over', async () => {
    app = await startSimApp({
      profiles_dir: PROFILES,
      consoles: [{ id: 'sq', family: 'sq', host: '127.0.0.1', port: 0 }],
    });
    expect(app.services.layout.capsFor().inputs).toBe(48);
    const r = await app.inject({
      method: 'POST',
      url: '/api/v1/layout/plan',
      payload: { inputs: FORTY, profile: 'rock-standard' },
    });
    expect(r.statusCode, r.body).toBe(200);
    const plan = r.json().plan;
    expect(plan.channels).toHaveLength(40);
    expect(plan.warnings.join(' ')).not.toMatch(/do not fit/);
    const csv = await template('csv');
    expect(csv.statusCode, csv.body).toBe(200);
    expect(csv.body.trim().split('\n')).toHaveLength(41); // header + 40 tracks
  });

  it('an X32 takes 32: the same list is refused, naming the 8 left over', async () => {
    app = await startSimApp({ profiles_dir: PROFILES });
    const r = await app.inject({
      method: 'POST',
      url: '/api/v1/layout/plan',
      payload: { inputs: FORTY, profile: 'rock-standard' },
    });
    expect(r.statusCode).toBe(400);
    expect(r.json()).toMatchObject({ error: 'E_LAYOUT_OVERFLOW' });
    expect(r.json().message).toMatch(/40 sources do not fit the console's 32 inputs/);
  });

  it('a Qu names strips with at most 6 characters', async () => {
    app = await startSimApp({
      profiles_dir: PROFILES,
      consoles: [{ id: 'qu', family: 'qu', host: '127.0.0.1', port: 0, model: 'Qu-32' }],
    });
    const r = await app.inject({
      method: 'POST',
      url: '/api/v1/layout/plan',
      payload: { inputs: FORTY.split('\n').slice(0, 32).join('\n'), profile: 'rock-standard' },
    });
    expect(r.statusCode, r.body).toBe(200);
    const plan = r.json().plan;
    const names = (plan.channels as Array<{ name: string }>).map((c) => c.name);
    expect(names.length).toBe(32);
    expect(names.every((n) => n.length > 0 && n.length <= 6)).toBe(true);
    expect(names.some((n) => n.length === 6)).toBe(true);
  });
});
