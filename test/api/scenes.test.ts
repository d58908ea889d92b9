// Scene recall from rad on every console family, over REST: the console recalls, rad re-reads it,
// and every value the recall moved goes out as console.changed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.ts';
import type { BusEvents } from '../../src/core/bus.ts';
import { startSimApp, waitFor } from '../helpers.ts';

describe('POST /api/v1/consoles/:id/scenes/recall on X32, SQ and Qu', () => {
  let app: App;
  const changed: Array<BusEvents['console.changed']> = [];
  beforeAll(async () => {
    app = await startSimApp({
      consoles: [
        { id: 'x32-main', family: 'x32', host: '127.0.0.1', port: 0 },
        { id: 'sq-main', family: 'sq', host: '127.0.0.1', port: 0 },
        { id: 'qu-main', family: 'qu', host: '127.0.0.1', port: 0 },
      ],
    });
    await waitFor(() => app.services.consoles.list().every((c) => c.status().state === 'online'), 10000, 50);
    app.services.bus.on('console.changed', {}, (e) => changed.push(e));
  }, 30000);
  afterAll(() => app?.stop());

  const put = (id: string, path: string, value: unknown) =>
    app.inject({ method: 'PUT', url: `/api/v1/consoles/${id}/values`, payload: { path, value } });
  const recall = (id: string, number: number) =>
    app.inject({ method: 'POST', url: `/api/v1/consoles/${id}/scenes/recall`, payload: { number } });

  for (const [id, scene, store] of [
    ['x32-main', 7, (a: App) => a.services.studio!.x32.get('x32-main')!.storeScene(7, 'verse')],
    ['sq-main', 12, (a: App) => a.services.studio!.sq.get('sq-main')!.storeScene(12)],
    ['qu-main', 3, (a: App) => a.services.studio!.qu.get('qu-main')!.storeScene(3)],
  ] as const) {
    it(`${id}: recalls scene ${scene}; the value it moved is read back and announced`, async () => {
      expect((await put(id, 'input/2/mute', true)).statusCode).toBe(200);
      store(app); // the scene holds input 2 muted
      expect((await put(id, 'input/2/mute', false)).statusCode).toBe(200);
      changed.length = 0;
      const r = await recall(id, scene);
      expect(r.statusCode, r.body).toBe(200);
      expect(r.json()).toMatchObject({ console: id, scene, changed: expect.any(Number) });
      expect(r.json().changed).toBeGreaterThanOrEqual(1);
      expect(
        (await app.inject({ method: 'GET', url: `/api/v1/consoles/${id}/values?path=input/2/mute` })).json().value,
      ).toBe(true);
      expect(changed.filter((e) => e.console === id).length).toBeGreaterThanOrEqual(1);
    });
  }

  it('a scene number the console does not have is 400 E_VALUE_RANGE naming the range', async () => {
    const r = await recall('sq-main', 301);
    expect(r.statusCode).toBe(400);
    expect(r.json()).toMatchObject({ error: 'E_VALUE_RANGE', message: expect.stringMatching(/1\.\.300/) });
    expect((await recall('x32-main', 100)).json().message).toMatch(/0\.\.99/);
  });
});
