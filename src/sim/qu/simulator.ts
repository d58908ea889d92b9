import { createServer, type Server, type Socket } from 'node:net';
import {
  parseQuSysex,
  type QuModel,
  quEndSync,
  quMute,
  quMuteFromVelocity,
  quNameReply,
  quNrpn,
  quSystemStateReply,
  quCleanName,
  quAssignVa,
} from '../../console/qu/codec.ts';
import { type QuParam, quAssignKey, quParams } from '../../console/qu/params.ts';
import { MidiParser } from '../../drivers/midi/parser.ts';

export type QuSimOptions = {
  host?: string;
  port?: number;
  channel?: number;
  model?: QuModel;
  lanDelayMs?: number;
  keepAliveMs?: number;
  dropAfterMs?: number;
  /**
   * Talk as a real Qu-16 on firmware 1.97 does (ah-midi.md §5.2, "Field capture vs document"):
   * master faders (LR, mixes, FX sends) with VX 00 instead of 07, and the status byte once per
   * NRPN (running status inside it). It then also takes master writes in that form.
   */
  fieldForm?: boolean;
  /** A lossy link or a busy console: every Nth Get System State goes unanswered (no reply, no dump). */
  loseEveryNthDump?: number;
  /** The first N Get System State requests go unanswered (a console still booting). */
  loseFirstDumps?: number;
};

/*
 * Choices the documents leave open (ah-midi.md §7–9), decided as on the SQ simulator:
 * - a Note On (a mute, §5.4) between the CCs of an NRPN write is its own message: the mute is
 *   applied and the NRPN being assembled goes on (§8: channel messages other than CC never touch it);
 * - a fresh 06/26 pair without a new 63/62 writes the selected parameter again (§8's decoder never
 *   ends a selection, as in MIDI's NRPN rule);
 * - another client's writes: a Qu takes one TCP client (§1), so there is no one to feed them to.
 * The driver never depends on any of these: it always sends complete 63/62/06/26 writes.
 */
type Client = {
  sock: Socket;
  parser: MidiParser;
  nrpn: { ch?: number; id?: number; va?: number };
  bank?: number;
  sentFe: boolean;
  lastByte: number;
};

/**
 * A strict Qu console on a real TCP socket (ah-midi.md §9): one client at a time (a second is
 * closed at once), `FE` every 300 ms, a client that has sent `FE` is dropped 12 s after its last
 * byte; Get System State answered with reply, full dump (NRPN, mute notes, names) and End Sync;
 * names get/set; NRPN writes only for a CH/ID/VX valid on the model, VA clamped; mutes by the
 * velocity rule; scenes by bank + program; no echo; surface changes sent to the client.
 */
export class QuSimulator {
  readonly state = new Map<string, number | string>();
  readonly channel: number;
  readonly model: QuModel;
  private server: Server | undefined;
  private client: Client | undefined;
  private readonly scenes = new Map<number, Map<string, number | string>>();
  private feTimer: NodeJS.Timeout | undefined;
  refused = 0;
  ignored = 0;
  silent = false;
  lastScene: number | undefined;

  constructor(private readonly opts: QuSimOptions = {}) {
    this.channel = opts.channel ?? 0;
    this.model = opts.model ?? 'Qu-32';
    for (const p of quParams(this.model).list)
      this.state.set(
        p.key,
        p.kind === 'name' ? '' : p.kind === 'pan' ? 0x25 : p.kind === 'lr' ? 1 : p.kind === 'fader' ? 0x62 : 0,
      );
  }

  get port(): number {
    const a = this.server?.address();
    return typeof a === 'object' && a ? a.port : 0;
  }

  get connected(): boolean {
    return this.client !== undefined;
  }

  async start(): Promise<void> {
    const server = createServer((sock) => this.accept(sock));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.opts.port ?? 51325, this.opts.host ?? '127.0.0.1', () => resolve());
    });
    this.feTimer = setInterval(() => this.tick(), this.opts.keepAliveMs ?? 300);
    this.feTimer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.feTimer);
    this.client?.sock.destroy();
    this.client = undefined;
    const s = this.server;
    this.server = undefined;
    if (s) await new Promise<void>((r) => s.close(() => r()));
  }

  // ---- test hooks ----

  surface(path: string, value: number | string | boolean): void {
    const p = quParams(this.model).byPath.get(path);
    if (!p) throw new RangeError(`no Qu parameter ${path} on a ${this.model}`);
    const v = p.kind === 'mute' ? (value ? 1 : 0) : p.kind === 'name' ? quCleanName(String(value)) : Number(value);
    this.state.set(p.key, v);
    if (this.client) this.send(this.client, this.encode(p, v));
  }

  storeScene(n: number): void {
    this.scenes.set(n, new Map(this.state));
  }

  /** Someone recalls a scene on the surface: the model changes and the client hears the sequence. */
  surfaceScene(n: number): void {
    if (!this.scenes.has(n)) return;
    this.recall(n);
    if (this.client)
      this.send(
        this.client,
        Uint8Array.from([0xb0 | this.channel, 0x00, 0x00, 0xb0 | this.channel, 0x20, 0x00, 0xc0 | this.channel, n - 1]),
      );
  }

  // ---- wire ----

  private accept(sock: Socket): void {
    if (this.client) {
      this.refused++; // one TCP MIDI client at a time
      sock.destroy();
      return;
    }
    sock.setNoDelay(true);
    const c: Client = { sock, parser: new MidiParser(), nrpn: {}, sentFe: false, lastByte: Date.now() };
    this.client = c;
    sock.write(Uint8Array.of(0xfe));
    const delay = this.opts.lanDelayMs ?? 0;
    sock.on('data', (d) => (delay > 0 ? setTimeout(() => this.input(c, d), delay) : this.input(c, d)));
    sock.on('close', () => {
      if (this.client === c) this.client = undefined;
    });
    sock.on('error', () => {});
  }

  private tick(): void {
    const c = this.client;
    if (!c || this.silent) return;
    if (c.sentFe && Date.now() - c.lastByte > (this.opts.dropAfterMs ?? 12000)) {
      c.sock.destroy();
      this.client = undefined;
      return;
    }
    c.sock.write(Uint8Array.of(0xfe));
  }

  private input(c: Client, data: Buffer): void {
    if (this.silent) return;
    c.lastByte = Date.now();
    const before = c.parser.garbage;
    for (const m of c.parser.feed(data)) {
      if (m.kind === 'realtime') {
        if (m.byte === 0xfe) c.sentFe = true;
        continue;
      }
      if (m.kind === 'sysex') {
        this.sysex(c, m.data);
        continue;
      }
      if (m.kind === 'system' || m.channel !== this.channel) {
        this.ignored++;
        continue;
      }
      if (m.kind === 'note-on') {
        const on = quMuteFromVelocity(m.velocity);
        const p = quParams(this.model).byKey.get(`${m.note}:mute`);
        if (on !== undefined && p) this.state.set(p.key, on ? 1 : 0);
        else if (!p) this.ignored++;
      } else if (m.kind === 'note-off') {
        // a release
      } else if (m.kind === 'program') {
        if (c.bank === undefined) this.ignored++;
        else this.recall(m.program + 1);
        c.bank = undefined;
      } else if (m.kind === 'cc') {
        this.cc(c, m.controller, m.value);
      } else this.ignored++;
    }
    this.ignored += c.parser.garbage - before;
  }

  private cc(c: Client, cc: number, v: number): void {
    const n = c.nrpn;
    if (cc === 0x63) c.nrpn = { ch: v };
    else if (cc === 0x62 && n.ch !== undefined) n.id = v;
    else if (cc === 0x06 && n.id !== undefined) n.va = v;
    else if (cc === 0x26 && n.ch !== undefined && n.id !== undefined && n.va !== undefined) {
      const a = quAssignKey(n.ch, n.id, n.va);
      let p = quParams(this.model).byKey.get(a ? a.key : `${n.ch}:${n.id}:${v}`);
      if (!p && this.opts.fieldForm && v === 0x00 && this.isMaster(n.ch))
        p = quParams(this.model).byKey.get(`${n.ch}:${n.id}:7`);
      if (!p) this.ignored++;
      else this.state.set(p.key, a ? (a.on ? 1 : 0) : this.clamp(p, n.va));
      n.va = undefined;
    } else if (cc === 0x00) c.bank = v;
    else if (cc === 0x20) {
      // bank LSB: part of the scene sequence
    } else this.ignored++;
  }

  private clamp(p: QuParam, va: number): number {
    if (p.kind === 'pan') return Math.min(0x4a, va);
    if (p.kind === 'lr' || p.kind === 'assign' || p.kind === 'phantom') return va ? 1 : 0;
    return Math.min(0x7f, va);
  }

  private sysex(c: Client, data: Uint8Array): void {
    const m = parseQuSysex(data);
    if (!m) return void this.ignored++;
    if (m.kind === 'state-request') {
      this.dumpRequests++;
      const n = this.opts.loseEveryNthDump;
      if ((n && this.dumpRequests % n === 0) || this.dumpRequests <= (this.opts.loseFirstDumps ?? 0)) {
        this.dumpsLost++;
        return;
      }
      this.dump(c);
      return;
    }
    if (m.channel !== this.channel) return void this.ignored++;
    const p =
      m.kind === 'get-name' || m.kind === 'set-name' ? quParams(this.model).byKey.get(`${m.strip}:name`) : undefined;
    if (m.kind === 'get-name' && p)
      this.send(c, quNameReply(this.channel, m.strip, String(this.state.get(p.key) ?? '')));
    else if (m.kind === 'set-name' && p) this.state.set(p.key, quCleanName(m.name));
    else this.ignored++;
  }

  /** Get System State requests seen, and how many went unanswered (loseEveryNthDump). */
  dumpRequests = 0;
  dumpsLost = 0;

  private dump(c: Client): void {
    const parts: Uint8Array[] = [quSystemStateReply(this.channel, this.model, 1, 0x61)];
    const list = quParams(this.model).list;
    for (const p of list) if (p.kind !== 'name') parts.push(this.encode(p, this.state.get(p.key)!));
    for (const p of list) if (p.kind === 'name') parts.push(this.encode(p, this.state.get(p.key)!));
    parts.push(quEndSync(this.channel));
    this.send(c, Buffer.concat(parts));
  }

  private encode(p: QuParam, v: number | string): Uint8Array {
    if (p.kind === 'mute') return quMute(this.channel, p.ch, v === 1);
    if (p.kind === 'name') return quNameReply(this.channel, p.ch, String(v));
    // assignments go out as the console's own dump has them: VX 00 (ah-midi.md §5.2)
    if (p.kind === 'dca' || p.kind === 'mgroup')
      return quNrpn(this.channel, p.ch, p.id!, quAssignVa(p.n!, v === 1), 0x00);
    if (this.opts.fieldForm && p.kind === 'fader' && this.isMaster(p.ch)) {
      const st = 0xb0 | this.channel; // running status: one status byte for the whole NRPN
      return Uint8Array.from([st, 0x63, p.ch, 0x62, p.id!, 0x06, Number(v) & 0x7f, 0x26, 0x00]);
    }
    return quNrpn(this.channel, p.ch, p.id!, Number(v), p.vx!);
  }

  /** FX sends 00..03, mixes 60..66, LR 67: the strips a real Qu-16 sends with VX 00. */
  private isMaster(ch: number): boolean {
    return ch <= 0x03 || (ch >= 0x60 && ch <= 0x67);
  }

  private recall(n: number): void {
    const s = this.scenes.get(n);
    if (!s || n < 1 || n > 100) return;
    for (const [k, v] of s) this.state.set(k, v);
    this.lastScene = n;
  }

  private send(c: Client, bytes: Uint8Array): void {
    const out = () => {
      if (!c.sock.destroyed) c.sock.write(bytes);
    };
    const d = this.opts.lanDelayMs ?? 0;
    if (d > 0) setTimeout(out, d);
    else out();
  }
}
