import { createSocket, type Socket } from 'node:dgram';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeMessage, encodeMessage, type OscArg, type OscMessage } from '../../src/drivers/osc/codec.ts';
import { X32Simulator } from '../../src/sim/x32/simulator.ts';

/** A bare UDP client speaking raw OSC, to test the simulator without our driver. */
class RawClient {
  readonly sock: Socket = createSocket('udp4');
  readonly inbox: OscMessage[] = [];
  readonly raw: Buffer[] = [];
  constructor(private readonly port: number) {
    this.sock.on('message', (b) => {
      this.raw.push(b);
      this.inbox.push(decodeMessage(b));
    });
  }
  async open(): Promise<void> {
    await new Promise<void>((r) => this.sock.bind(0, '127.0.0.1', r));
  }
  send(address: string, args: OscArg[] = []): void {
    this.sock.send(encodeMessage(address, args), this.port, '127.0.0.1');
  }
  sendBytes(b: Buffer): void {
    this.sock.send(b, this.port, '127.0.0.1');
  }
  async next(timeoutMs = 500): Promise<OscMessage | undefined> {
    const t0 = Date.now();
    while (this.inbox.length === 0 && Date.now() - t0 < timeoutMs) await new Promise((r) => setTimeout(r, 5));
    return this.inbox.shift();
  }
  async ask(address: string, args: OscArg[] = []): Promise<OscMessage | undefined> {
    this.inbox.length = 0;
    this.send(address, args);
    return this.next();
  }
  close(): void {
    this.sock.close();
  }
}

const f = (value: number): OscArg => ({ type: 'f', value });
const i = (value: number): OscArg => ({ type: 'i', value });
const s = (value: string): OscArg => ({ type: 's', value });

describe('X32 simulator (strict, over real UDP)', () => {
  let sim: X32Simulator;
  const clients: RawClient[] = [];
  const client = async () => {
    const c = new RawClient(sim.port);
    await c.open();
    clients.push(c);
    return c;
  };

  beforeEach(async () => {
    sim = new X32Simulator({ port: 0, clientTtlMs: 400 });
    await sim.start();
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    await sim.stop();
  });

  it('answers identity requests with the exact tag strings', async () => {
    const c = await client();
    expect((await c.ask('/info'))!.args.map((a) => a.type).join('')).toBe('ssss');
    const x = await c.ask('/xinfo');
    expect(x!.args.map((a) => a.value)).toEqual(['127.0.0.1', 'X32-SIM', 'X32', '4.06']);
    expect((await c.ask('/status'))!.args.map((a) => a.value)).toEqual(['active', '127.0.0.1', 'osc-server']);
    c.sendBytes(Buffer.from('2f696e666f000000', 'hex')); // no type-tag string
    expect((await c.next())!.address).toBe('/info');
  });

  it('gets reply with the typed value; sets are silent, quantised and clamped to the grid', async () => {
    const c = await client();
    expect(await c.ask('/ch/01/mix/fader')).toEqual({ address: '/ch/01/mix/fader', args: [f(0)] });
    c.send('/ch/01/mix/fader', [f(0.3)]);
    expect(await c.next(150)).toBeUndefined(); // no reply to a set
    expect(sim.state.get('/ch/01/mix/fader')).toBe(Math.round(0.3 * 1023) / 1023);
    const back = await c.ask('/ch/01/mix/fader');
    expect(back!.args[0]!.value).toBeCloseTo(307 / 1023, 6);
    c.send('/ch/01/mix/fader', [f(1.5)]); // outside 0..1: ignored
    c.send('/ch/01/mix/fader', [i(1)]); // wrong type: ignored
    c.send('/ch/01/config/name', [s('A name far too long')]);
    c.send('/ch/01/gate/mode', [s('EXP3')]); // enum by name
    c.send('/ch/01/eq/1', [i(2), f(0.265), f(0.5), f(0.4648)]); // node with several args
    await c.ask('/info');
    expect(sim.state.get('/ch/01/mix/fader')).toBe(307 / 1023);
    expect(sim.state.get('/ch/01/config/name')).toBe('A name far t');
    expect(sim.state.get('/ch/01/gate/mode')).toBe(1);
    expect(sim.state.get('/ch/01/eq/1/type')).toBe(2);
    expect(sim.state.get('/ch/01/eq/1/q')).toBeCloseTo(33 / 71, 9);
  });

  it('answers /node in console text and stays silent for unknown paths or malformed packets', async () => {
    const c = await client();
    expect((await c.ask('/node', [s('headamp/124')]))!).toEqual({
      address: 'node',
      args: [s('/headamp/124 +0.0 OFF\n')],
    });
    expect((await c.ask('/node', [s('headamp/006/phantom')]))!.args[0]!.value).toBe('/headamp/006/phantom OFF\n');
    expect(await c.ask('/node', [s('ch/99/mix')])).toBeUndefined();
    expect(await c.ask('/no/such/address')).toBeUndefined();
    c.sendBytes(Buffer.from('2f6162', 'hex'));
    c.sendBytes(Buffer.from('ffffffffffffffff', 'hex'));
    expect((await c.ask('/info'))!.address).toBe('/info'); // still alive, and answers in arrival order
    expect(sim.stats.malformed).toBe(2);
  });

  it('applies `/` scene lines partially, echoes to the sender and pushes leaves to other clients', async () => {
    const a = await client();
    const b = await client();
    b.send('/xremote');
    await b.ask('/info');
    const echo = await a.ask('/', [s('/ch/02/mix OFF -10')]);
    expect(echo).toEqual({ address: '/', args: [s('/ch/02/mix OFF -10')] });
    expect(sim.state.get('/ch/02/mix/on')).toBe(0);
    expect(sim.state.get('/ch/02/mix/st')).toBe(1); // untouched field keeps its value
    await new Promise((r) => setTimeout(r, 50));
    const pushed = b.inbox.map((m) => m.address);
    expect(pushed).toContain('/ch/02/mix/on');
    expect(pushed).toContain('/ch/02/mix/fader');
  });

  it('pushes to every other live /xremote client but never back to the sender', async () => {
    const a = await client();
    const b = await client();
    a.send('/xremote');
    b.send('/xremote');
    await a.ask('/info');
    await b.ask('/info');
    a.send('/ch/05/mix/fader', [f(0.5)]);
    const push = await b.next();
    expect(push!.address).toBe('/ch/05/mix/fader');
    expect(await a.next(150)).toBeUndefined();
  });

  it('keeps at most 4 clients and expires them after the TTL', async () => {
    const cs = await Promise.all([client(), client(), client(), client(), client()]);
    for (const c of cs) c.send('/xremote');
    await cs[0]!.ask('/info');
    expect(sim.registeredClients()).toBe(4);
    await new Promise((r) => setTimeout(r, 450));
    expect(sim.registeredClients()).toBe(0);
    sim.surfaceSet('/ch/01/mix/on', 0);
    expect(await cs[0]!.next(100)).toBeUndefined();
  });

  it('serves meter blobs with BE length, LE count and LE floats for 10 s', async () => {
    const c = await client();
    sim.setMeterLevels(1, new Float32Array([0.5, 0.25]));
    c.send('/meters', [s('/meters/1')]);
    await c.next();
    expect(c.raw[0]!.length).toBe(408);
    const m = decodeMessage(c.raw[0]!);
    const b = m.args[0]!.value as Buffer;
    expect(b.readInt32LE(0)).toBe(96);
    expect(b.readFloatLE(4)).toBe(0.5);
    expect(b.readFloatLE(8)).toBe(0.25);
    expect(b.readFloatLE(4 + 4 * 40)).toBe(1); // gate gain reduction slot: 1.0 = none
  });

  it('saves and recalls scenes, pushing /-show/prepos/current and changed leaves', async () => {
    const a = await client();
    sim.surfaceSet('/ch/07/mix/fader', 0.5);
    expect((await a.ask('/save', [s('scene'), i(3), s('Verse'), s('')]))!.args).toEqual([s('scene'), i(1)]);
    sim.surfaceSet('/ch/07/mix/fader', 0.1);
    a.send('/xremote');
    await a.ask('/info');
    a.inbox.length = 0;
    a.send('/-action/goscene', [i(3)]);
    await a.next();
    await new Promise((r) => setTimeout(r, 30));
    expect(sim.state.get('/ch/07/mix/fader')).toBeCloseTo(0.5, 2);
    expect(sim.state.get('/-show/prepos/current')).toBe(3);
  });
});
