import { afterEach, describe, expect, it } from 'vitest';
import { QuDriver, type QuChange } from '../../../src/console/qu/driver.js';
import { quParams } from '../../../src/console/qu/params.js';
import { QuSimulator } from '../../../src/sim/qu/simulator.js';
import { waitFor } from '../../helpers.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function rig(
  sim = new QuSimulator({ port: 0, model: 'Qu-16', channel: 4 }),
  opts: Partial<ConstructorParameters<typeof QuDriver>[0]> = {},
) {
  await sim.start();
  const drv = new QuDriver({ host: '127.0.0.1', port: sim.port, reconnect: false, ...opts });
  cleanups.push(async () => {
    await drv.close();
    await sim.stop();
  });
  return { sim, drv };
}

describe('Qu driver against the strict Qu simulator over TCP', () => {
  it('syncs by the system-state dump, learning the MIDI channel and model from the reply', async () => {
    const { sim, drv } = await rig();
    sim.state.set(`${0x22}:name`, 'VIOLIN');
    sim.state.set(`${0x20}:mute`, 1);
    await drv.connect();
    expect(drv.channel).toBe(4);
    expect(drv.console).toBe('Qu-16');
    expect(drv.firmware).toBe('1.97');
    expect(drv.model.size).toBe(quParams('Qu-16').list.length);
    expect(drv.get('input/3/name')).toBe('VIOLIN');
    expect(drv.get('input/1/mute')).toBe(true);
    expect(drv.get('input/2/fader')).toBe(0);
    expect(drv.get('input/2/pan')).toBe(0);
  });

  it('writes names, mutes, faders and sends; verifies by a fresh dump; the simulator holds them', async () => {
    const { sim, drv } = await rig();
    await drv.connect();
    const r = await drv.write([
      { path: 'input/5/name', value: 'Kick' },
      { path: 'input/5/mute', value: true },
      { path: 'input/5/fader', value: -10 },
      { path: 'input/5/send/mix/2/level', value: -20 },
      { path: 'input/5/pan', value: 100 },
    ]);
    expect(r.every((x) => x.ok)).toBe(true);
    expect(sim.state.get(`${0x24}:name`)).toBe('Kick');
    expect(sim.state.get(`${0x24}:mute`)).toBe(1);
    expect(sim.state.get(`${0x24}:${0x17}:7`)).toBe(0x3f);
    expect(sim.state.get(`${0x24}:${0x20}:1`)).toBe(0x2f);
    expect(sim.state.get(`${0x24}:${0x16}:7`)).toBe(0x4a);
    expect(drv.get('input/5/fader')).toBe(-10);
  });

  it('refuses what a Qu-16 does not have and bad values, sending nothing', async () => {
    const { drv } = await rig();
    await drv.connect();
    await expect(drv.write([{ path: 'input/17/mute', value: true }])).rejects.toMatchObject({ code: 'E_UNKNOWN_PATH' });
    await expect(drv.write([{ path: 'input/1/name', value: 'Lead vocal' }])).rejects.toMatchObject({
      code: 'E_VALUE_RANGE',
    });
    await expect(drv.write([{ path: 'input/1/fader', value: 11 }])).rejects.toMatchObject({
      code: 'E_VALUE_RANGE',
    });
  });

  it('a surface change reaches the driver within 50 ms', async () => {
    const { sim, drv } = await rig();
    await drv.connect();
    const t0 = performance.now();
    const got = new Promise<QuChange>((r) => drv.on('change', r));
    sim.surface('mix/3/mute', true);
    const c = await got;
    expect(performance.now() - t0).toBeLessThan(50);
    expect(c).toEqual({ path: 'mix/3/mute', value: true, source: 'console', initial: false });
  });

  it('48 V, DCA and mute-group assignments: written as the reference says, read from the dump and from the surface', async () => {
    const { sim, drv } = await rig();
    sim.state.set(`${0x21}:dca:3`, 1); // input 2 already in DCA 3
    await drv.connect();
    expect(drv.get('input/2/dca/3')).toBe(true);
    expect(drv.get('input/2/dca/1')).toBe(false);
    const r = await drv.write([
      { path: 'input/1/phantom', value: true },
      { path: 'input/1/dca/2', value: true },
      { path: 'input/2/dca/3', value: false },
      { path: 'input/1/mutegroup/4', value: true },
    ]);
    expect(r.every((x) => x.ok)).toBe(true);
    expect(sim.state.get(`${0x20}:${0x69}:7`)).toBe(1);
    expect(sim.state.get(`${0x20}:dca:2`)).toBe(1);
    expect(sim.state.get(`${0x21}:dca:3`)).toBe(0);
    expect(sim.state.get(`${0x20}:mg:4`)).toBe(1);
    const seen = new Promise<QuChange>((res) => drv.on('change', (c) => c.path === 'stereo/1/mutegroup/2' && res(c)));
    sim.surface('stereo/1/mutegroup/2', true);
    expect(await seen).toMatchObject({ value: true, source: 'console' });
    // stereo inputs have no preamp: no 48 V there
    expect(() => drv.param('stereo/1/phantom')).toThrow(/no parameter 'stereo\/1\/phantom'/);
  });

  it('refuses a second client, as the console does', async () => {
    const { sim, drv } = await rig();
    await drv.connect();
    const second = new QuDriver({ host: '127.0.0.1', port: sim.port, reconnect: false });
    await expect(second.connect()).rejects.toMatchObject({ code: 'E_CONSOLE_OFFLINE' });
    expect(second.detail).toMatch(/one TCP MIDI client/);
    await second.close();
    expect(sim.refused).toBe(1);
    expect(drv.state).toBe('online');
  });

  it('a console that goes silent is offline within the keep-alive window', async () => {
    const { sim, drv } = await rig(undefined, { silenceMs: 800, keepAliveMs: 100 });
    await drv.connect();
    const off = new Promise<string>((r) => drv.once('offline', r));
    sim.silent = true;
    const t0 = Date.now();
    expect(await off).toMatch(/no byte from the Qu/);
    expect(Date.now() - t0).toBeLessThan(1500);
    await expect(drv.write([{ path: 'input/1/mute', value: true }])).rejects.toMatchObject({
      code: 'E_CONSOLE_OFFLINE',
    });
  });

  it('the simulator drops a client that sent FE and then went quiet', async () => {
    const sim = new QuSimulator({ port: 0, dropAfterMs: 400, keepAliveMs: 50 });
    const { drv } = await rig(sim, { keepAliveMs: 60000, silenceMs: 60000 });
    await drv.connect(); // sync sends one FE, then the driver (keep-alive disabled here) says nothing
    const off = new Promise<string>((r) => drv.once('offline', r));
    const why = await off;
    // it talked first, so this is not the one-client rule: the detail says what happened
    expect(why).toMatch(/^closed by the device$/);
    expect(sim.connected).toBe(false);
  });

  it('the offline detail says what happened: refused, or closed at once (the one-client rule)', async () => {
    const refused = new QuDriver({ host: '127.0.0.1', port: 1, reconnect: false });
    await expect(refused.connect()).rejects.toMatchObject({ code: 'E_CONSOLE_OFFLINE' });
    expect(refused.detail).toMatch(/connection refused \(ECONNREFUSED/);
    expect(refused.detail).not.toMatch(/one TCP MIDI client/);
    await refused.close();
  });

  it('a lost state dump is asked for again: a write whose verifying dump is lost is verified by the next', async () => {
    const sim = new QuSimulator({ port: 0, loseEveryNthDump: 2 });
    const { drv } = await rig(sim);
    await drv.connect(); // dump 1 answered
    const r = await drv.write([{ path: 'input/2/mute', value: true }]); // dump 2 lost, dump 3 answers
    expect(r).toEqual([expect.objectContaining({ path: 'input/2/mute', ok: true, actual: true })]);
    expect(sim.dumpsLost).toBe(1);
    expect(drv.dumpsRetried).toBe(1);
    expect(drv.state).toBe('online');
  });

  it('connect: a first dump that is lost is asked for again; three lost is an error naming it', async () => {
    const booting = new QuSimulator({ port: 0, loseFirstDumps: 1 });
    const { drv } = await rig(booting, { syncTimeoutMs: 300 });
    await drv.connect();
    expect(drv.state).toBe('online');
    expect(booting.dumpsLost).toBe(1);
    const dead = new QuSimulator({ port: 0, loseEveryNthDump: 1 });
    await dead.start();
    const d2 = new QuDriver({ host: '127.0.0.1', port: dead.port, reconnect: false, syncTimeoutMs: 300 });
    await expect(d2.connect()).rejects.toMatchObject({ code: 'E_CONSOLE_OFFLINE' });
    expect(d2.detail).toMatch(/did not finish its state dump/);
    expect(dead.dumpRequests).toBe(3);
    await d2.close();
    await dead.stop();
  });
});

describe('Qu scenes', () => {
  it('recall from rad and from the surface both load the scene and re-sync the model', async () => {
    const sim = new QuSimulator({ port: 0, model: 'Qu-16' });
    const { drv } = await rig(sim);
    sim.state.set(`${0x20}:name`, 'Kick');
    sim.storeScene(3);
    sim.state.set(`${0x20}:name`, '');
    sim.state.set(`${0x21}:mute`, 1);
    sim.storeScene(4);
    sim.state.set(`${0x21}:mute`, 0);
    await drv.connect();
    expect(drv.get('input/1/name')).toBe('');
    await drv.recallScene(3);
    expect(sim.lastScene).toBe(3);
    expect(drv.get('input/1/name')).toBe('Kick');
    await expect(drv.recallScene(101)).rejects.toMatchObject({ code: 'E_VALUE_RANGE' });
    const scene = new Promise<number>((r) => drv.once('scene', r));
    sim.surfaceScene(4);
    expect(await scene).toBe(4);
    await waitFor(() => drv.get('input/2/mute') === true, 2000); // arrives with the re-sync dump
  });
});

describe('the Qu as a real Qu-16 (1.97) talks: master faders with VX 00, running status inside each NRPN', () => {
  it('master faders are read, followed and verified', async () => {
    const { sim, drv } = await rig(new QuSimulator({ port: 0, model: 'Qu-16', channel: 4, fieldForm: true }));
    sim.state.set(`${0x67}:${0x17}:7`, 0x3f); // LR fader at −10 dB
    sim.state.set(`${0x60}:${0x17}:7`, 0x2f); // mix 1 at −20 dB
    await drv.connect();
    expect(drv.get('lr/fader')).toBeCloseTo(-10, 0);
    expect(drv.get('mix/1/fader')).toBeCloseTo(-20, 0);
    // a move on the surface (sent the same way) is followed
    const seen = new Promise<{ path: string }>((r) => drv.on('change', (c) => c.path === 'lr/fader' && r(c)));
    sim.surface('lr/fader', 0x62); // 0 dB
    await seen;
    expect(drv.get('lr/fader')).toBeCloseTo(0, 0);
    // and a write lands and is verified (written in the form this console has shown)
    const r = await drv.write([{ path: 'lr/fader', value: -5 }]);
    expect(r[0]).toMatchObject({ ok: true });
    expect(sim.state.get(`${0x67}:${0x17}:7`)).toBe(0x4f);
  });
});

describe('Qu simulator choices (cited in src/sim/qu/simulator.ts)', () => {
  it('a mute Note On between the CCs of a write: both apply; a fresh 06/26 pair writes the selected parameter again', async () => {
    const { createConnection } = await import('node:net');
    const { quMute, quNrpn } = await import('../../../src/console/qu/codec.js');
    const sim = new QuSimulator({ port: 0, model: 'Qu-16', channel: 0 });
    await sim.start();
    cleanups.push(() => sim.stop());
    const fader = quParams('Qu-16').byPath.get('input/1/fader')!;
    const mute2 = quParams('Qu-16').byPath.get('input/2/mute')!;
    const w = [...quNrpn(0, fader.ch, fader.id!, 0x50, fader.vx!)];
    const s = createConnection({ host: '127.0.0.1', port: sim.port });
    await new Promise<void>((r) => s.once('connect', () => r()));
    // 63 62 | Note On (mute input 2) | 06 26, then 06 26 again with another value
    s.write(
      Buffer.from([
        ...w.slice(0, 6),
        ...quMute(0, mute2.ch, true),
        ...w.slice(6),
        0xb0,
        0x06,
        0x60,
        0xb0,
        0x26,
        fader.vx!,
      ]),
    );
    await waitFor(() => sim.state.get(fader.key) === 0x60 && sim.state.get(mute2.key) === 1, 2000);
    s.destroy();
  });
});
