import { describe, expect, it } from 'vitest';
import { startSimApp, waitFor } from '../helpers.ts';

/** The 64-path plant of config/studio.yaml (as in linecheck.test.ts), with a free port for everything. */
const PLANT = {
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
  sim: { enabled: true },
};

describe('stopping the daemon during a line check (what SIGTERM runs)', () => {
  it('cancels the 64-path check with --inject first, and puts ties and monitor mutes back while the devices are up', async () => {
    const app = await startSimApp(PLANT);
    const swA = app.services.studio!.patchbays.get('sw-a')!;
    const swB = app.services.studio!.patchbays.get('sw-b')!;
    const x32 = app.services.studio!.x32.get('x32-main')!;
    const lrOn = () =>
      x32
        .nodeLines()
        .find((l) => l.startsWith('/main/st/mix '))!
        .split(/\s+/)[1];
    // the session's patch differs from the plan on two outputs; the monitors are live
    await app.services.patchbays.get('sw-a')!.route([{ output: 3, input: 9 }]);
    await app.services.patchbays.get('sw-b')!.route([{ output: 5, input: 12 }]);
    const before = { a: [...swA.map], b: [...swB.map] };
    expect(before.a[2]).toBe(9);
    expect(lrOn()).toBe('ON');

    const { done } = app.services.linecheck.start({ inject: true });
    // the check has re-tied for the plan and muted the monitors: it is running
    await waitFor(() => swA.map[2] === 3 && swB.map[4] === 5 && lrOn() === 'OFF', 10000);
    await app.stop();
    const run = await done;

    expect(run.state).toBe('cancelled');
    expect(run.restore_failed ?? []).toEqual([]);
    expect(swA.map).toEqual(before.a);
    expect(swB.map).toEqual(before.b);
    expect(lrOn()).toBe('ON');
  }, 30000);
});
