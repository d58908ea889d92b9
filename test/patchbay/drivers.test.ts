import { createConnection } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Bus, type BusEvents } from '../../src/core/bus.ts';
import { silentLogger } from '../../src/core/logger.ts';
import { PatchbayService } from '../../src/patchbay/service.ts';
import { validateSettings } from '../../src/settings/load.ts';
import type { PatchbaySettings } from '../../src/settings/schema.ts';
import type { LineDeviceSim } from '../../src/sim/patchbay/base.ts';
import { ExtronSim } from '../../src/sim/patchbay/extron.ts';
import { KramerSim } from '../../src/sim/patchbay/kramer.ts';
import { NumatoSim } from '../../src/sim/patchbay/numato.ts';
import { PtyPair } from '../../src/sim/patchbay/pty.ts';
import { VideohubSim } from '../../src/sim/patchbay/videohub.ts';
import { Store } from '../../src/store/db.ts';
import { tempDir, waitFor } from '../helpers.ts';

type Rig = {
  sim: LineDeviceSim;
  svc: PatchbayService;
  events: Array<BusEvents['patchbay.changed']>;
  store: Store;
  pty?: PtyPair;
};
const rigs: Rig[] = [];
afterEach(async () => {
  for (const r of rigs.splice(0)) {
    await r.svc.stop();
    await r.sim.close();
    r.pty?.kill();
    r.store.close();
  }
});

function settings(p: Record<string, unknown>): PatchbaySettings {
  return validateSettings({ patchbays: [{ timeout_ms: 400, heartbeat_ms: 500, ...p }] }).patchbays[0]!;
}

async function rig(sim: LineDeviceSim, p: Record<string, unknown>, serial = false): Promise<Rig> {
  let pty: PtyPair | undefined;
  if (serial) {
    pty = new PtyPair(join(tempDir(), 'tty'));
    await pty.open();
    await sim.attachSerial(pty.devicePath);
    p = { ...p, serial: { path: pty.driverPath } };
  } else {
    await sim.listen(0);
    p = { ...p, tcp: { host: '127.0.0.1', port: sim.port } };
  }
  const bus = new Bus();
  const store = Store.inMemory();
  bus.on('device.write', store, (e) => store.audit.add(e)); // as the root wires the audit log
  const svc = new PatchbayService(settings(p), { bus, presets: store.presets, log: silentLogger() });
  const events: Rig['events'] = [];
  bus.on('patchbay.changed', {}, (e) => events.push(e));
  await svc.start();
  const r = { sim, svc, events, store, pty };
  rigs.push(r);
  return r;
}

const extron = (opts = {}) =>
  rig(new ExtronSim(32, 32, opts), { id: 'sw-a', protocol: 'extron-sis', inputs: 32, outputs: 32, ...opts });
const kramer = () => rig(new KramerSim(16, 16), { id: 'sw-b', protocol: 'kramer-p3000', inputs: 16, outputs: 16 });
const hub = () => rig(new VideohubSim(12, 12), { id: 'hub', protocol: 'videohub', inputs: 12, outputs: 12 });
const relays = (serial = false) =>
  rig(
    new NumatoSim(8),
    {
      id: 'relays',
      protocol: 'numato-relay',
      inputs: 2,
      outputs: 4,
      relay_count: 8,
      relays: [0, 1, 2, 3, 4, 5, 6, 7].map((r) => ({ relay: r, input: (r % 2) + 1, output: Math.floor(r / 2) + 1 })),
    },
    serial,
  );

describe.each([
  ['Extron SIS', () => extron()],
  ['Kramer P3000', () => kramer()],
  ['Videohub', () => hub()],
])('%s over TCP against its simulator', (_name, make) => {
  it('connects, reads the map, routes one and many ties; the simulator holds them', async () => {
    const { sim, svc, events } = await make();
    expect(svc.status().state).toBe('online');
    await svc.route([{ output: 5, input: 3 }]);
    expect(sim.map[4]).toBe(3);
    await svc.route([
      { output: 1, input: 2 },
      { output: 2, input: 2 },
      { output: 7, input: 9 },
    ]);
    expect([sim.map[0], sim.map[1], sim.map[6]]).toEqual([2, 2, 9]);
    expect(svc.map()[6]).toBe(9);
    expect(events.some((e) => e.output === 7 && e.input === 9)).toBe(true);
    expect(await svc.read()).toEqual(sim.map);
  });

  it('a stuck crosspoint is an error naming the output, and the model keeps what the device reports', async () => {
    const { sim, svc, store } = await make();
    const before = sim.map[6];
    sim.stuck.add(7);
    await expect(svc.route([{ output: 7, input: 4 }])).rejects.toMatchObject({
      code: 'E_PATCH_TIE_NOT_TAKEN',
      message: expect.stringContaining('output 7'),
    });
    expect(svc.map()[6]).toBe(before);
    expect(store.audit.list({ device: svc.id })[0]).toMatchObject({ result: 'mismatch' });
  });

  it('follows changes made at the front panel (pushed by the device)', async () => {
    const { sim, svc, events } = await make();
    (sim as unknown as { frontPanelTie(i: number, o: number): void }).frontPanelTie(6, 3);
    await waitFor(() => svc.map()[2] === 6, 2000);
    expect(events.findLast((e) => e.output === 3)).toMatchObject({ input: 6 });
  });

  it('refuses out-of-range ties before sending anything', async () => {
    const { sim, svc } = await make();
    const sent = sim.log.length;
    await expect(svc.route([{ output: 99, input: 1 }])).rejects.toMatchObject({
      code: 'E_PATCH_OUTPUT_RANGE',
    });
    await expect(svc.route([{ output: 1, input: 99 }])).rejects.toMatchObject({
      code: 'E_PATCH_INPUT_RANGE',
    });
    expect(sim.log.length).toBe(sent);
  });

  it('survives garbage bytes from the device', async () => {
    const { sim, svc } = await make();
    sim.injectGarbage();
    await svc.route([{ output: 2, input: 5 }]);
    expect(sim.map[1]).toBe(5);
  });

  it('goes offline when the cable is pulled and re-reads the map when it is back', async () => {
    const { sim, svc } = await make();
    sim.pullCable();
    await waitFor(() => svc.status().state === 'offline', 3000);
    await expect(svc.route([{ output: 1, input: 1 }])).rejects.toMatchObject({
      code: 'E_PATCHBAY_OFFLINE',
    });
    sim.map[3] = 8; // changed while we were away
    sim.plugIn();
    await waitFor(() => svc.status().state === 'online', 5000);
    expect(svc.map()[3]).toBe(8);
  });
});

describe('device specifics', () => {
  it('Extron: disconnects with input 0, logs in with a password, and a wrong password is a clear offline reason', async () => {
    const { sim, svc } = await extron({ password: 'studio1' });
    expect(svc.status().state).toBe('online');
    await svc.route([{ output: 4, input: 2 }]);
    await svc.route([{ output: 4, input: null }]);
    expect(sim.map[3]).toBeNull();
    const bad = new ExtronSim(8, 8, { password: 'right' });
    const r = await rig(bad, { id: 'sw-x', protocol: 'extron-sis', inputs: 8, outputs: 8, password: 'wrong' });
    await waitFor(() => r.svc.status().state === 'offline', 3000);
    expect(r.svc.status().detail).toMatch(/E_PATCH_AUTH|password refused/);
  });

  it('Extron: a device error reply becomes a coded error', async () => {
    const { svc } = await extron();
    // the frame says 32x32; ask the device directly for a tie beyond it, bypassing our range check
    const io = (svc as unknown as { io: import('../../src/drivers/lines.ts').LineIo }).io;
    const { extronProtocol } = await import('../../src/patchbay/extron/protocol.ts');
    await expect(
      extronProtocol.route(io, [{ output: 40, input: 1 }], { atomic: false, timeoutMs: 400 }),
    ).rejects.toMatchObject({ code: 'E_PATCH_OUTPUT_RANGE' });
  });

  it('Extron: a Qik multi-tie by another client and a preset recalled at the front panel are followed by reading the map again', async () => {
    const { sim, svc, events } = await extron();
    const other = createConnection({ host: '127.0.0.1', port: sim.port });
    await new Promise<void>((r) => other.once('connect', () => r()));
    await new Promise((r) => setTimeout(r, 50));
    other.write('\x1b+Q5*6$7*8$\r'); // another controller's quick multi-tie: the others hear only `Qik`
    await waitFor(() => svc.map()[5] === 5 && svc.map()[7] === 7, 1000, 5);
    other.destroy();
    expect(events.findLast((e) => e.output === 8)).toMatchObject({ input: 7 });
    const ex = sim as ExtronSim;
    ex.map.fill(null);
    ex.map[0] = 9;
    (ex as unknown as { presets: Map<number, Array<number | null>> }).presets.set(4, [...ex.map]);
    ex.map.fill(null);
    ex.frontPanelPreset(4); // verbose clients hear `Rpr04`, not the ties
    await waitFor(() => svc.map()[0] === 9 && svc.map()[5] === null, 1000, 5);
  });

  it('Extron: a password prompt with no password configured is a coded offline reason naming the setting', async () => {
    const locked = new ExtronSim(8, 8, { password: 'secret' });
    const r = await rig(locked, { id: 'sw-y', protocol: 'extron-sis', inputs: 8, outputs: 8 });
    await waitFor(() => r.svc.status().state === 'offline', 3000);
    expect(r.svc.status().detail).toMatch(/E_PATCH_AUTH.*patchbays\[\]\.password/);
    await expect(r.svc.route([{ output: 1, input: 1 }])).rejects.toMatchObject({ code: 'E_PATCHBAY_OFFLINE' });
  });

  it('Videohub: cannot disconnect (400)', async () => {
    const { svc } = await hub();
    await expect(svc.route([{ output: 1, input: null }])).rejects.toMatchObject({
      code: 'E_PATCH_NO_DISCONNECT',
    });
  });

  // a second controller (a panel, another laptop) ties over the network; each protocol pushes it
  // in its own form (patchbay-protocols.md: Extron verbose tie lines, Kramer ~01@ROUTE, Videohub
  // routing block), and rad's model and bus follow without a poll
  for (const [name, make, send] of [
    ['Extron', () => extron(), '4*3!'],
    ['Kramer', () => kramer(), '#ROUTE 2,3,4\r'],
    ['Videohub', () => hub(), 'VIDEO OUTPUT ROUTING:\n2 3\n\n'],
  ] as const) {
    it(`${name}: a tie made by a second client reaches the model and the bus within 200 ms`, async () => {
      const { sim, svc, events } = await make();
      const other = createConnection({ host: '127.0.0.1', port: sim.port });
      await new Promise<void>((r) => other.once('connect', () => r()));
      await new Promise((r) => setTimeout(r, 50)); // its banner / initial dump
      const t0 = Date.now();
      other.write(send);
      await waitFor(() => svc.map()[2] === 4, 1000, 2);
      const ms = Date.now() - t0;
      other.destroy();
      expect(ms).toBeLessThan(200);
      expect(events.findLast((e) => e.output === 3)).toMatchObject({ input: 4 });
    });
  }

  it('relay board over a socat pty: break-before-make ties, read back by readall, stuck relay detected', async () => {
    const { sim, svc } = await relays(true);
    const board = sim as NumatoSim;
    expect(svc.status().state).toBe('online');
    await svc.route([{ output: 1, input: 2 }]);
    expect(board.bits).toBe(0b10);
    await svc.route([
      { output: 1, input: 1 },
      { output: 3, input: 2 },
    ]);
    expect(board.bits).toBe(0b100001);
    // break before make: relay 1 opens (00) before relays 0 and 5 close (21)
    expect(board.log.filter((c) => c.startsWith('relay writeall')).slice(-2)).toEqual([
      'relay writeall 00\r',
      'relay writeall 21\r',
    ]);
    board.stuckRelays.add(7);
    await expect(svc.route([{ output: 4, input: 2 }])).rejects.toMatchObject({ code: 'E_PATCH_TIE_NOT_TAKEN' });
  });

  it('relay board: unplugging (killing socat) goes offline; a new cable brings it back with the map re-read', async () => {
    const r = await relays(true);
    await r.svc.route([{ output: 2, input: 2 }]);
    r.pty!.kill();
    await waitFor(() => r.svc.status().state === 'offline', 3000);
    expect(r.svc.status().detail).toMatch(/serial/);
    // replug: same driver path, new pty pair and a fresh board session
    await r.sim.close();
    const pty = new PtyPair(r.pty!.driverPath);
    await pty.open();
    const board = new NumatoSim(8);
    board.bits = 0b1000; // the board kept relay 3 (output 2 <- input 2) latched
    await board.attachSerial(pty.devicePath);
    r.pty = pty;
    r.sim = board;
    await waitFor(() => r.svc.status().state === 'online', 8000);
    expect(r.svc.map()[1]).toBe(2);
  }, 15000);

  it('presets are stored in SQLite and recalled as one verified route', async () => {
    const { sim, svc } = await kramer();
    await svc.route([{ output: 1, input: 4 }]);
    svc.savePreset('tracking');
    await svc.route([{ output: 1, input: 9 }]);
    await svc.recallPreset('tracking');
    expect(sim.map[0]).toBe(4);
    expect(svc.presets().map((p) => p.name)).toEqual(['tracking']);
    await expect(svc.recallPreset('nope')).rejects.toMatchObject({ code: 'E_PATCH_PRESET', kind: 'not_found' });
  });
});

describe('Extron: the map reply as frames really send it, and each variant', () => {
  for (const mapReply of ['real', 'space', 'wide', 'tight', 'legacy', 'none'] as const) {
    it(`${mapReply}: comes online and reads the whole map${mapReply === 'none' ? ' one output at a time' : ''}`, async () => {
      const sim = new ExtronSim(20, 20, { mapReply });
      sim.map.fill(null);
      sim.map[0] = 3;
      sim.map[16] = 20; // the second page of 16
      sim.map[19] = 1;
      const { svc } = await rig(sim, { id: 'sw', protocol: 'extron-sis', inputs: 20, outputs: 20 });
      expect(svc.status().state).toBe('online');
      const map = svc.map();
      expect(map[0]).toBe(3);
      expect(map[16]).toBe(20);
      expect(map[19]).toBe(1);
      expect(map.filter((v) => v !== null)).toHaveLength(3);
    });
  }
});

describe('Extron map reply parser', () => {
  it('reads the real form and its variants; an unknown line stays unknown', async () => {
    const { parseReply } = await import('../../src/patchbay/extron/codec.ts');
    expect(parseReply('Vgp00 Out01*03 03 00 -- Aud')).toEqual({
      kind: 'map',
      start: 1,
      inputs: [3, 3, null, undefined],
      layer: '$',
    });
    expect(parseReply('Vgp00 Out17 12 00 Vid')).toEqual({ kind: 'map', start: 17, inputs: [12, null], layer: '%' });
    expect(parseReply('Vgp00 Out001*120 000 ---Aud')).toEqual({
      kind: 'map',
      start: 1,
      inputs: [120, null, undefined],
      layer: '$',
    });
    expect(parseReply('Vgp00*Out01 05 Aud')).toMatchObject({ kind: 'map', inputs: [5] });
    expect(parseReply('Vgp00 OutXX Aud').kind).toBe('unknown');
  });
});

describe('a lost reply is not a failed write', () => {
  const cases = [
    ['extron-sis', () => new ExtronSim(8, 8)],
    ['kramer-p3000', () => new KramerSim(8, 8)],
    ['videohub', () => new VideohubSim(8, 8)],
  ] as const;
  for (const [protocol, make] of cases) {
    it(`${protocol}: with one reply in three dropped, every route is settled by reading back`, async () => {
      const sim = make();
      const { svc } = await rig(sim, { id: 'sw', protocol, inputs: 8, outputs: 8, timeout_ms: 150, heartbeat_ms: 200 });
      sim.dropReplyPct = 33;
      let settled = 0;
      for (let i = 0; i < 12; i++) {
        const input = (i % 8) + 1;
        const output = ((i * 3) % 8) + 1;
        try {
          const r = await svc.route([{ output, input }]);
          expect(r.verified).toBe(true);
          if (r.settled_by_read_back) settled++;
        } catch (e) {
          // only a read-back that failed three times too may end as an I/O error, with one code on every protocol
          expect((e as { code: string }).code).toBe('E_PATCH_IO');
        }
        expect(sim.map[output - 1]).toBe(input); // the switcher took it either way
      }
      expect(settled).toBeGreaterThan(0);
    }, 30000);
  }

  const every = [
    ['extron-sis', () => new ExtronSim(8, 8), {}],
    ['kramer-p3000', () => new KramerSim(8, 8), {}],
    ['videohub', () => new VideohubSim(8, 8), {}],
    [
      'numato-relay',
      () => new NumatoSim(8),
      {
        inputs: 2,
        outputs: 4,
        relay_count: 8,
        relays: [0, 1, 2, 3, 4, 5, 6, 7].map((r) => ({ relay: r, input: (r % 2) + 1, output: Math.floor(r / 2) + 1 })),
      },
    ],
  ] as const;
  for (const [protocol, make, extra] of every) {
    const size = protocol === 'numato-relay' ? { inputs: 2, outputs: 4 } : { inputs: 8, outputs: 8 };
    const ties = (n: number) =>
      Array.from({ length: n }, (_, i) => ({ output: ((i * 3) % size.outputs) + 1, input: (i % size.inputs) + 1 }));

    it(`${protocol}: every 3rd reply dropped — every tie ends verified, none reported failed`, async () => {
      const sim = make();
      sim.dropEveryNthReply = 3;
      const { svc } = await rig(sim, { id: 'sw', protocol, ...size, ...extra, timeout_ms: 150, heartbeat_ms: 60000 });
      expect(svc.status().state).toBe('online');
      for (const t of ties(9)) {
        const r = await svc.route([t]);
        expect(r.verified, `${t.output}←${t.input}`).toBe(true);
        expect(svc.map()[t.output - 1]).toBe(t.input);
      }
      expect(sim.repliesDropped).toBeGreaterThanOrEqual(5); // replies were really dropped
    }, 30000);

    it(`${protocol}: a line of junk before every 2nd reply — online, the map read right, every tie verified`, async () => {
      const sim = make();
      sim.garbageEveryNthReply = 2;
      const { svc } = await rig(sim, { id: 'sw', protocol, ...size, ...extra, timeout_ms: 300, heartbeat_ms: 60000 });
      expect(svc.status().state).toBe('online');
      const want = svc.map();
      for (const t of ties(6)) {
        const r = await svc.route([t]);
        expect(r.verified, `${t.output}←${t.input}`).toBe(true);
        want[t.output - 1] = t.input;
      }
      expect(svc.map()).toEqual(want);
      expect(await svc.read()).toEqual(want); // read again from the device, junk and all
    }, 30000);
  }

  it('a heartbeat or two unanswered keeps the link; three in a row take it offline', async () => {
    const sim = new VideohubSim(8, 8);
    const { svc } = await rig(sim, {
      id: 'hub',
      protocol: 'videohub',
      inputs: 8,
      outputs: 8,
      timeout_ms: 150,
      heartbeat_ms: 200,
    });
    sim.dropReplyPct = 100;
    await new Promise((r) => setTimeout(r, 330)); // at most two heartbeats go unanswered
    sim.dropReplyPct = 0;
    await new Promise((r) => setTimeout(r, 500));
    expect(svc.status().state).toBe('online');
    sim.dropReplyPct = 100;
    await waitFor(() => svc.status().state === 'offline', 3000, 20);
    expect(svc.status().detail).toMatch(/no answer to 3 heartbeats/);
  });
});

describe('Kramer: what other controllers change, in every form the units push', () => {
  for (const pushForm of ['route', 'legacy'] as const) {
    it(`${pushForm === 'legacy' ? '~01@AUD i>o' : '~01@ROUTE 2,o,i'} from another controller reaches the model and the bus within 200 ms`, async () => {
      const sim = new KramerSim(8, 8);
      sim.pushForm = pushForm;
      const { svc, events } = await rig(sim, {
        id: 'sw-b',
        protocol: 'kramer-p3000',
        inputs: 8,
        outputs: 8,
        heartbeat_ms: 10000,
      });
      const t0 = Date.now();
      sim.frontPanelTie(5, 2);
      await waitFor(() => svc.map()[1] === 5, 200, 5);
      expect(Date.now() - t0).toBeLessThan(200);
      expect(events.findLast((e) => e.output === 2)).toMatchObject({ input: 5 });
    });
  }

  it('parses the legacy pushes; a reply with OK is not a push; VID leaves the audio layer alone', async () => {
    const { parseReply } = await import('../../src/patchbay/kramer/codec.ts');
    expect(parseReply('~01@AUD 4>12')).toEqual({
      kind: 'ties',
      machine: 1,
      layer: 'AUD',
      ties: [{ input: 4, output: 12 }],
    });
    expect(parseReply('~01@AV 1>2,1>3')).toMatchObject({
      kind: 'ties',
      layer: 'AV',
      ties: [
        { input: 1, output: 2 },
        { input: 1, output: 3 },
      ],
    });
    expect(parseReply('~01@AUD 4>12 OK')).toMatchObject({ kind: 'ok', command: 'AUD' });
    expect(parseReply('~01@VID 3>1')).toMatchObject({ kind: 'ties', layer: 'VID' });
  });
});

describe('a peer that accepts the connection and never speaks', () => {
  for (const protocol of ['extron-sis', 'kramer-p3000', 'videohub', 'numato-relay'] as const) {
    it(`${protocol}: offline with a coded detail; no tie is reported; the service keeps running`, async () => {
      const { createServer } = await import('node:net');
      const held: import('node:net').Socket[] = [];
      const server = createServer((sock) => held.push(sock)); // accepts, then says nothing
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
      const port = (server.address() as { port: number }).port;
      const bus = new Bus();
      const store = Store.inMemory();
      const extra =
        protocol === 'numato-relay'
          ? { inputs: 2, outputs: 4, relay_count: 8, relays: [{ relay: 0, input: 1, output: 1 }] }
          : { inputs: 8, outputs: 8 };
      const svc = new PatchbayService(
        settings({ id: 'mute', protocol, tcp: { host: '127.0.0.1', port }, timeout_ms: 200, ...extra }),
        { bus, presets: store.presets, log: silentLogger() },
      );
      const changed: unknown[] = [];
      bus.on('patchbay.changed', {}, (e) => changed.push(e));
      try {
        await svc.start();
        await waitFor(() => svc.status().state === 'offline', 5000, 20);
        expect(svc.status().detail).toMatch(/^E_PATCH_[A-Z_]+: /);
        expect(changed).toEqual([]);
        await expect(svc.route([{ output: 1, input: 1 }])).rejects.toMatchObject({ code: 'E_PATCHBAY_OFFLINE' });
      } finally {
        await svc.stop();
        for (const s of held) s.destroy();
        await new Promise((r) => server.close(r));
        store.close();
      }
    });
  }
});
