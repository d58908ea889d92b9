import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { mulberry32 } from '../../core/random.ts';
import { decodeMessage, encodeMessage, type OscArg, type OscMessage } from '../../drivers/osc/codec.ts';
import { type Law, levelToDb, oscType, quantize, type Raw, rawToUnits } from '../../console/x32/laws.ts';
import { formatLeafLine, formatNodeLine, initialState, parseNodeLine, type RawState } from '../../console/x32/scene.ts';
import { headampFor } from '../../console/x32/map.ts';
import { type Leaf, x32Tree } from '../../console/x32/schema.ts';

/** Meter bank sizes (x32-osc.md §7). */
export const METER_BANK_SIZES: Record<number, number> = {
  0: 70,
  1: 96,
  2: 49,
  3: 22,
  4: 82,
  5: 27,
  6: 4,
  7: 16,
  8: 6,
  9: 32,
  10: 32,
  11: 5,
  12: 4,
  13: 48,
  14: 80,
  15: 50,
  16: 48,
};

export type X32SimOptions = {
  port?: number;
  host?: string;
  /** Percentage of incoming datagrams silently dropped (seeded, repeatable). */
  lossPct?: number;
  /** One-way LAN delay in ms applied to each request and each reply. */
  lanDelayMs?: number;
  seed?: number;
  clientTtlMs?: number;
  maxClients?: number;
  model?: string;
  firmware?: string;
  /** Play a console that differs from rad's tables, as consoles in the field do. */
  quirks?: {
    /** Strip config lines report icon 0 (outside 1…74), as an independent X32 implementation does. */
    iconZero?: boolean;
    /** Nodes this console does not answer (other firmware; a peer without /config/dp48/link). */
    lacks?: string[];
    /** Asked for one of these containers by /node, the console crashes (goes silent), as a peer did on /-prefs. */
    crashOnNode?: string[];
  };
  /** The console's clock (a mismatch to find): rate and source; `silent`: it does not answer its clock leaves. */
  clock?: { rate?: 44100 | 48000; source?: 'internal' | 'aes50a' | 'aes50b' | 'card'; silent?: boolean };
};

type Client = { address: string; port: number; expires: number };
type MeterSub = {
  client: Client;
  bank: number;
  args: number[];
  intervalMs: number;
  expires: number;
  timer: NodeJS.Timeout;
};

/**
 * A strict X32 simulator on a real UDP socket (x32-osc.md §9 checklist). It keeps the whole
 * node tree, quantises like the console, answers gets, `/node`, `/` scene lines, pushes
 * changes to other `/xremote` clients and serves meters. Malformed input is ignored.
 */
export class X32Simulator {
  readonly tree = x32Tree();
  readonly state: RawState;
  private socket: Socket | undefined;
  private clients: Client[] = [];
  private meters: MeterSub[] = [];
  private readonly scenes = new Map<number, { name: string; note: string; state: RawState }>();
  private rng: () => number;
  private timers = new Set<NodeJS.Timeout>();
  /** Linear meter levels per bank, fed by the simulated audio loop. */
  private readonly meterLevels = new Map<number, Float32Array>();
  silent = false;
  /** Fault injection: parameters this console refuses to change (reads still answer). */
  readonly locked = new Set<string>();
  lossPct: number;
  lanDelayMs: number;
  readonly stats = { received: 0, dropped: 0, malformed: 0, ignored: 0, replies: 0 };
  /** Called after a stored value changed (the simulated studio follows the oscillator this way). */
  private readonly listeners: Array<(address: string) => void> = [];

  constructor(private readonly opts: X32SimOptions = {}) {
    this.state = initialState(this.tree);
    if (opts.clock?.rate) this.state.set('/-prefs/clockrate', opts.clock.rate === 44100 ? 1 : 0);
    if (opts.clock?.source)
      this.state.set('/-prefs/clocksource', ['internal', 'aes50a', 'aes50b', 'card'].indexOf(opts.clock.source));
    this.rng = mulberry32(opts.seed ?? 1);
    this.lossPct = opts.lossPct ?? 0;
    this.lanDelayMs = opts.lanDelayMs ?? 0;
  }

  get port(): number {
    const a = this.socket?.address();
    if (!a) throw new Error('simulator not started');
    return a.port;
  }

  async start(): Promise<void> {
    const sock = createSocket('udp4');
    sock.on('message', (msg, rinfo) => this.receive(msg, rinfo));
    sock.on('error', () => {});
    await new Promise<void>((resolve, reject) => {
      sock.once('error', reject);
      sock.bind(this.opts.port ?? 10023, this.opts.host ?? '127.0.0.1', () => {
        sock.off('error', reject);
        resolve();
      });
    });
    // large bursts of pipelined requests must not overflow the kernel buffer on loopback
    try {
      sock.setRecvBufferSize(4 * 1024 * 1024);
      sock.setSendBufferSize(4 * 1024 * 1024);
    } catch {}
    this.socket = sock;
  }

  async stop(): Promise<void> {
    for (const m of this.meters) clearInterval(m.timer);
    this.meters = [];
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    const s = this.socket;
    this.socket = undefined;
    if (s) await new Promise<void>((r) => s.close(() => r()));
  }

  /** The simulator's own dump of the whole scene, for comparing with a capture. */
  nodeLines(): string[] {
    return this.tree.nodes.filter((n) => this.tree.isSceneNode(n.path)).map((n) => formatNodeLine(n, this.state));
  }

  /** As if someone moved a control on the surface: change it and push to every client. */
  surfaceSet(address: string, raw: Raw): void {
    const leaf = this.tree.leafByAddress.get(address);
    if (!leaf) throw new Error(`unknown address ${address}`);
    this.store(leaf, raw, undefined);
  }

  onChange(fn: (address: string) => void): void {
    this.listeners.push(fn);
  }

  /** The test oscillator as the console runs it (x32-osc.md: /config/osc, /-stat/osc/on). */
  oscillator(): { on: boolean; freqHz: number; levelDb: number | null; type: 'sine' | 'pink' | 'white'; dest: number } {
    const u = (a: string) => rawToUnits(this.tree.leafByAddress.get(a)!.law, this.state.get(a)!);
    const fsel = String(u('/config/osc/fsel'));
    const type = String(u('/config/osc/type')).toLowerCase();
    return {
      on: this.state.get('/-stat/osc/on') === 1,
      freqHz: Number(u(fsel === 'F2' ? '/config/osc/f2' : '/config/osc/f1')),
      levelDb: u('/config/osc/level') as number | null,
      type: type === 'pink' || type === 'white' ? type : 'sine',
      dest: Number(this.state.get('/config/osc/dest')),
    };
  }

  /** The gain (dB) of the preamp behind input channel k (its source through /config/routing/IN), 0 without one. */
  preampGainDb(k: number): number {
    if (k < 1 || k > 32) return 0;
    const ha = headampFor(this.state, k);
    if (ha === undefined) return 0;
    const a = `/headamp/${String(ha).padStart(3, '0')}/gain`;
    const v = rawToUnits(this.tree.leafByAddress.get(a)!.law, this.state.get(a)!);
    return typeof v === 'number' ? v : 0;
  }

  setMeterLevels(bank: number, values: Float32Array): void {
    this.meterLevels.set(bank, values);
  }

  registeredClients(): number {
    const now = Date.now();
    return this.clients.filter((c) => c.expires > now).length;
  }

  // ---- receive path ----

  private receive(msg: Buffer, rinfo: RemoteInfo): void {
    this.stats.received++;
    if (this.silent) return;
    if (this.lossPct > 0 && this.rng() * 100 < this.lossPct) {
      this.stats.dropped++;
      return;
    }
    if (this.lanDelayMs > 0) {
      this.later(this.lanDelayMs, () => this.handle(msg, rinfo));
      return;
    }
    this.handle(msg, rinfo);
  }

  private later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
  }

  private send(to: { address: string; port: number }, buf: Buffer): void {
    const s = this.socket;
    if (!s || this.silent) return;
    this.stats.replies++;
    if (this.lanDelayMs > 0) this.later(this.lanDelayMs, () => this.socket?.send(buf, to.port, to.address));
    else s.send(buf, to.port, to.address);
  }

  private handle(buf: Buffer, rinfo: RemoteInfo): void {
    let msg: OscMessage;
    try {
      msg = decodeMessage(buf);
    } catch {
      this.stats.malformed++;
      return;
    }
    const from = { address: rinfo.address, port: rinfo.port };
    const a = msg.address;
    switch (a) {
      case '/info':
        this.reply(from, '/info', [s('V2.05'), s('osc-server'), s(this.model), s(this.firmware)], msg);
        return;
      case '/xinfo':
        this.reply(
          from,
          '/xinfo',
          [s(this.opts.host ?? '127.0.0.1'), s(this.prefName), s(this.model), s(this.firmware)],
          msg,
        );
        return;
      case '/status':
        this.reply(from, '/status', [s('active'), s(this.opts.host ?? '127.0.0.1'), s('osc-server')], msg); // x32-osc.md §2: state, console IP, server name
        return;
      case '/xremote':
        if (msg.args.length === 0) this.register(from);
        return;
      case '/unsubscribe':
        this.clients = this.clients.filter((c) => !(c.address === from.address && c.port === from.port));
        return;
      case '/renew':
        this.renew(from, msg);
        return;
      case '/node':
        this.nodeRequest(from, msg);
        return;
      case '/':
        this.sceneLine(from, msg, buf);
        return;
      case '/meters':
        this.meterRequest(from, msg);
        return;
      case '/save':
        this.save(from, msg);
        return;
      case '/load':
        this.load(from, msg);
        return;
      case '/-action/goscene':
        if (msg.args.length === 1 && msg.args[0]!.type === 'i') this.recall(msg.args[0]!.value);
        return;
      default:
        this.leafOrNode(from, msg);
        return;
    }
  }

  private get model(): string {
    return this.opts.model ?? 'X32';
  }
  private get firmware(): string {
    return this.opts.firmware ?? '4.06';
  }
  /**
   * Nodes older firmware does not have (x32-scene.md §4): layout L4a (4.0x before 4.06) lacks
   * /config/dp48/link and the matrix/main grp lines; L2 (before 4.0) also the user routing and
   * the DP48 nodes.
   */
  private get olderFirmwareLacks(): Set<string> {
    const [major, minor] = this.firmware.split('.').map(Number);
    const l4a = [
      '/config/dp48/link',
      ...Array.from({ length: 6 }, (_, i) => `/mtx/0${i + 1}/grp`),
      '/main/st/grp',
      '/main/m/grp',
    ];
    const l2 = [
      '/config/userrout/out',
      '/config/userrout/in',
      '/config/dp48',
      '/config/dp48/assign',
      '/config/dp48/grpname',
    ];
    if ((major ?? 4) < 4) return new Set([...l4a, ...l2]);
    if (major === 4 && (minor ?? 6) < 6) return new Set(l4a);
    return new Set();
  }

  private get prefName(): string {
    return String(this.state.get('/-prefs/name') ?? 'X32-SIM');
  }

  private reply(to: { address: string; port: number }, address: string, args: OscArg[], req: OscMessage): void {
    if (req.args.length > 0) {
      this.stats.ignored++;
      return;
    }
    this.send(to, encodeMessage(address, args));
  }

  private register(from: { address: string; port: number }): void {
    const now = Date.now();
    const ttl = this.opts.clientTtlMs ?? 10000;
    const existing = this.clients.find((c) => c.address === from.address && c.port === from.port);
    if (existing) {
      existing.expires = now + ttl;
      return;
    }
    this.clients = this.clients.filter((c) => c.expires > now);
    if (this.clients.length >= (this.opts.maxClients ?? 4)) return; // a 5th client is not registered
    this.clients.push({ ...from, expires: now + ttl });
  }

  private renew(from: { address: string; port: number }, msg: OscMessage): void {
    const name = msg.args[0]?.type === 's' ? msg.args[0].value : undefined;
    const now = Date.now();
    for (const m of this.meters) {
      if (m.client.address !== from.address || m.client.port !== from.port) continue;
      if (m.expires <= now) continue; // ignored after expiry
      if (name === undefined || name === `/meters/${m.bank}`) m.expires = now + 10000;
    }
  }

  private nodeRequest(from: { address: string; port: number }, msg: OscMessage): void {
    if (msg.args.length !== 1 || msg.args[0]!.type !== 's') return;
    const raw = msg.args[0].value.trim();
    const path = raw.startsWith('/') ? raw : `/${raw}`;
    const node = this.tree.nodeByPath.get(path);
    let line: string | undefined;
    if (this.opts.quirks?.lacks?.includes(path) || this.olderFirmwareLacks.has(path)) return; // this console does not know the node
    if (this.opts.quirks?.crashOnNode?.includes(path)) {
      this.silent = true; // crashed
      return;
    }
    if (node) line = this.quirky(node, formatNodeLine(node, this.state));
    else {
      const leaf = this.tree.leafByAddress.get(path);
      if (leaf) line = formatLeafLine(leaf, this.state.get(leaf.address)!);
    }
    if (line === undefined) return; // unknown path: silence
    this.send(from, encodeMessage('node', [s(`${line}\n`)]));
  }

  /** A node line as a quirky console words it (icon 0 on strip configs). */
  private quirky(node: { path: string; leaves: Array<{ name: string }> }, line: string): string {
    if (!this.opts.quirks?.iconZero) return line;
    const i = node.leaves.findIndex((l) => l.name === 'icon');
    if (i < 0 || !node.path.endsWith('/config')) return line;
    const fields = line.match(/"[^"]*"|\S+/g) ?? [];
    fields[i + 1] = '0';
    return fields.join(' ');
  }

  private sceneLine(from: { address: string; port: number }, msg: OscMessage, buf: Buffer): void {
    if (msg.args.length !== 1 || msg.args[0]!.type !== 's') return;
    let parsed: ReturnType<typeof parseNodeLine>;
    try {
      parsed = parseNodeLine(this.tree, msg.args[0].value);
    } catch {
      return; // malformed scene line: no reply, no change
    }
    for (const v of parsed.values) this.store(v.leaf, v.raw, from);
    this.send(from, buf); // the console echoes the whole message to the sender
  }

  private leafOrNode(from: { address: string; port: number }, msg: OscMessage): void {
    const leaf = this.tree.leafByAddress.get(msg.address);
    if (leaf && this.opts.clock?.silent && msg.address.startsWith('/-prefs/clock')) return; // it does not say
    if (leaf) {
      if (msg.args.length === 0) {
        this.send(from, encodeMessage(leaf.address, [this.typed(leaf)]));
        return;
      }
      if (msg.args.length !== 1) return;
      const raw = this.accept(leaf.law, msg.args[0]!);
      if (raw === undefined) {
        this.stats.ignored++;
        return;
      }
      this.store(leaf, raw, from);
      return;
    }
    // a node address takes several numeric args in node order (`/ch/01/eq/1 ,ifff ...`)
    const node = this.tree.nodeByPath.get(msg.address);
    if (!node || msg.args.length === 0 || msg.args.length > node.leaves.length) return;
    const values: Array<[Leaf, Raw]> = [];
    for (let i = 0; i < msg.args.length; i++) {
      const arg = msg.args[i]!;
      if (arg.type === 's') return; // `,s…` sets on a node address do not work on X32/M32
      const l = this.tree.leafByAddress.get(`${node.path}/${node.leaves[i]!.name}`)!;
      const raw = this.accept(l.law, arg);
      if (raw === undefined) return;
      values.push([l, raw]);
    }
    for (const [l, raw] of values) this.store(l, raw, from);
  }

  /** Type-checks and quantises a set; returns undefined for anything the console would ignore. */
  private accept(law: Law, arg: OscArg): Raw | undefined {
    switch (law.kind) {
      case 'enum':
        if (arg.type === 'i') return arg.value >= 0 && arg.value < law.names.length ? arg.value : undefined;
        if (arg.type === 's') {
          const i = law.names.indexOf(arg.value);
          return i >= 0 ? i : undefined;
        }
        return undefined;
      case 'int':
        return arg.type === 'i' && arg.value >= law.min && arg.value <= law.max ? arg.value : undefined;
      case 'bitmap':
        return arg.type === 'i' && arg.value >= 0 && arg.value < 2 ** law.bits ? arg.value : undefined;
      case 'string':
        return arg.type === 's' ? arg.value.slice(0, law.max) : undefined;
      case 'token':
        if (arg.type === 'f' && arg.value >= 0 && arg.value <= 1) return String(Math.round(arg.value * 10000) / 10000);
        return undefined;
      default:
        if (arg.type !== 'f' || !(arg.value >= 0 && arg.value <= 1)) return undefined;
        return quantize(law, arg.value);
    }
  }

  private typed(leaf: Leaf): OscArg {
    const raw = this.state.get(leaf.address)!;
    const t = oscType(leaf.law);
    if (t === 's') return s(String(raw));
    if (t === 'i') return { type: 'i', value: raw as number };
    if (leaf.law.kind === 'token') {
      const n = Number(raw);
      return { type: 'f', value: Number.isFinite(n) && n >= 0 && n <= 1 ? n : 0 };
    }
    return { type: 'f', value: raw as number };
  }

  /** Stores a value; when it changed, pushes the leaf to every live client except the sender. */
  private store(leaf: Leaf, raw: Raw, sender: { address: string; port: number } | undefined): void {
    const before = this.state.get(leaf.address);
    if (before === raw || (sender && this.locked.has(leaf.address))) return;
    this.state.set(leaf.address, raw);
    for (const fn of this.listeners) fn(leaf.address);
    const now = Date.now();
    const push = encodeMessage(leaf.address, [this.typed(leaf)]);
    for (const c of this.clients) {
      if (c.expires <= now) continue;
      if (sender && c.address === sender.address && c.port === sender.port) continue;
      this.send(c, push);
    }
  }

  // ---- meters ----

  /** Meter subscriptions being served now (bank and client), as a console would list them. */
  meterSubscriptions(): Array<{ bank: number; port: number }> {
    const now = Date.now();
    return this.meters.filter((m) => m.expires > now).map((m) => ({ bank: m.bank, port: m.client.port }));
  }

  private meterRequest(from: { address: string; port: number }, msg: OscMessage): void {
    const first = msg.args[0];
    if (first?.type !== 's') return;
    const m = /^\/meters\/(\d+)$/.exec(first.value);
    if (!m) return;
    const bank = Number(m[1]);
    if (METER_BANK_SIZES[bank] === undefined) return;
    const ints = msg.args.slice(1).map((a) => (a.type === 'i' ? a.value : Number.NaN));
    if (ints.some(Number.isNaN)) return;
    const extra = bank === 5 ? 2 : bank === 6 ? 1 : 0;
    const tf = ints[extra];
    const intervalMs = 50 * (tf !== undefined && tf >= 1 && tf <= 99 ? tf : 1);
    const client = { ...from, expires: 0 };
    const existing = this.meters.find(
      (x) => x.bank === bank && x.client.address === from.address && x.client.port === from.port,
    );
    if (existing) clearInterval(existing.timer);
    this.meters = this.meters.filter((x) => x !== existing);
    const sub: MeterSub = {
      client,
      bank,
      args: ints.slice(0, extra),
      intervalMs,
      expires: Date.now() + 10000,
      timer: setInterval(() => this.sendMeters(sub), intervalMs),
    };
    this.meters.push(sub);
    this.sendMeters(sub);
  }

  private sendMeters(sub: MeterSub): void {
    if (Date.now() > sub.expires) {
      clearInterval(sub.timer);
      this.meters = this.meters.filter((x) => x !== sub);
      return;
    }
    const count = METER_BANK_SIZES[sub.bank]!;
    const blob = Buffer.alloc(4 + 4 * count);
    blob.writeInt32LE(count, 0);
    const levels = this.currentMeters(sub.bank, count);
    for (let i = 0; i < count; i++) blob.writeFloatLE(levels[i] ?? 0, 4 + 4 * i);
    this.send(sub.client, encodeMessage(`/meters/${sub.bank}`, [{ type: 'b', value: blob }]));
  }

  private currentMeters(bank: number, count: number): Float32Array {
    const out = new Float32Array(count);
    const fed = this.meterLevels.get(bank);
    if (fed) out.set(fed.subarray(0, count));
    if (bank === 1) out.fill(1, 32, 96); // gain-reduction slots read 1.0 when no reduction
    if (bank === 11 && this.state.get('/-stat/osc/on') === 1) {
      // the oscillator meter shows its level (level law, linear amplitude)
      out[4] = 10 ** (levelToDb(this.state.get('/config/osc/level') as number) / 20);
    }
    return out;
  }

  // ---- scenes ----

  /** Saves the current state as scene n, as the desk's own Save button does. */
  storeScene(n: number, name = ''): void {
    this.scenes.set(n, { name, note: '', state: new Map(this.state) });
  }

  private save(from: { address: string; port: number }, msg: OscMessage): void {
    const [type, idx, name, note] = msg.args;
    if (type?.type !== 's' || idx?.type !== 'i') return;
    if (type.value !== 'scene' || idx.value < 0 || idx.value > 99) {
      this.send(from, encodeMessage('/save', [s(type.value), { type: 'i', value: 0 }]));
      return;
    }
    this.scenes.set(idx.value, {
      name: name?.type === 's' ? name.value : '',
      note: note?.type === 's' ? note.value : '',
      state: new Map(this.state),
    });
    this.send(from, encodeMessage('/save', [s('scene'), { type: 'i', value: 1 }]));
  }

  private load(from: { address: string; port: number }, msg: OscMessage): void {
    const [type, idx] = msg.args;
    if (type?.type !== 's' || idx?.type !== 'i') return;
    const ok = type.value === 'scene' && this.recall(idx.value);
    this.send(from, encodeMessage('/load', [s(type.value), { type: 'i', value: ok ? 1 : 0 }]));
  }

  private recall(idx: number): boolean {
    const scene = this.scenes.get(idx);
    if (!scene) return false;
    for (const leaf of this.tree.sceneLeaves) {
      const v = scene.state.get(leaf.address);
      if (v !== undefined) this.store(leaf, v, undefined);
    }
    this.store(this.tree.leafByAddress.get('/-show/prepos/current')!, idx, undefined);
    return true;
  }
}

const s = (value: string): OscArg => ({ type: 's', value });
