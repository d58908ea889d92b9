import { createServer, type Server, type Socket } from 'node:net';
import { decodeLevel, encodeLevel, nrpnWrite, SQ_COUNTS, type SqLaw } from '../../console/sq/codec.ts';
import { type SqParam, sqParams } from '../../console/sq/params.ts';
import { MidiParser } from '../../drivers/midi/parser.ts';

export type SqSimOptions = {
  host?: string;
  port?: number;
  /** Mixer MIDI channel, 0-based (0 = channel 1, the console default). */
  channel?: number;
  law?: SqLaw;
  /** One-way LAN delay in ms applied to every chunk in and every reply out. */
  lanDelayMs?: number;
  model?: 'SQ-5' | 'SQ-6' | 'SQ-7';
  /** Faults of a busy or older console: drop the answer to one get in N (deterministic), and never answer these parameters. */
  dropOneGetIn?: number;
  unanswered?: number[];
  /**
   * Choices the documents leave open (ah-midi.md §7–9), each decided below with its default; the
   * driver is tested against both settings of each and must not depend on either.
   * - `feedOtherClients` (default false): §7 says a change made over MIDI is "not echoed to the
   *   sender" and §9.8 "broadcast surface-originated changes"; whether another client's MIDI
   *   write reaches the remaining clients is not documented, so by default it does not.
   * - `dataEntryNeedsSelect` (default false): §8's decoder ("63 starts a selection, 62 completes
   *   it, 06 stores VA/VC, 26 emits the update") never ends a selection, as in MIDI's own NRPN
   *   rule, so a fresh 06/26 pair writes the selected parameter again; true takes §9.3 literally
   *   (only a complete 63, 62, 06, 26 sequence writes).
   * Not a choice: a Note On between the bytes of a write is another message (on an SQ a soft key,
   * not modelled) and does not break the NRPN being assembled (§8: "let real-time bytes pass
   * anywhere", running status tracked; channel messages other than CC never touch the NRPN state).
   */
  feedOtherClients?: boolean;
  dataEntryNeedsSelect?: boolean;
};

type Nrpn = { mb?: number; lb?: number; vc?: number; bank?: number };
type Client = { sock: Socket; parser: MidiParser; nrpn: Nrpn };

/**
 * A strict SQ console on a real TCP socket (ah-midi.md §9): only complete 63/62/06/26 writes for a
 * known parameter on the mixer channel change state; mutes/assigns take only 00 00 / 00 01; values
 * are quantised to the fader law; `60 7F` gets are answered with a 4-message write; 60/61 00
 * step or toggle; bank + program recalls stored scenes; a client's own writes are not echoed;
 * surface changes (test hook) go to every client. Anything else is ignored and counted.
 */
export class SqSimulator {
  readonly state = new Map<number, number>();
  readonly channel: number;
  readonly law: SqLaw;
  readonly model: string;
  private server: Server | undefined;
  private readonly clients = new Set<Client>();
  private readonly scenes = new Map<number, Map<number, number>>();
  private readonly lan: number;
  /** Messages ignored (foreign channel, unknown parameter, bad mute value, stray bytes). */
  ignored = 0;
  /** NRPN writes applied and gets answered: what a bench reads. */
  writes = 0;
  gets = 0;
  lastScene: number | undefined;
  /** Fault: keep the TCP link up but answer and apply nothing (a hung console). */
  silent = false;

  constructor(private readonly opts: SqSimOptions = {}) {
    this.channel = opts.channel ?? 0;
    this.law = opts.law ?? 'linear';
    this.lan = opts.lanDelayMs ?? 0;
    this.model = opts.model ?? 'SQ-7';
    this.reset();
  }

  /** Factory state: mutes off, inputs/returns/groups assigned to LR at 0 dB, sends off at −∞, masters 0 dB, pans centre. */
  reset(): void {
    const zero = this.encode(0);
    for (const prm of sqParams().list) {
      let v = 0;
      if (prm.kind === 'pan') v = 8191;
      else if (prm.kind === 'level') v = prm.path.endsWith('/fader') || prm.path.endsWith('/send/lr/level') ? zero : 0;
      else if (prm.kind === 'assign') v = prm.path.endsWith('/send/lr/on') ? 1 : 0;
      this.state.set(prm.p, v);
    }
  }

  get port(): number {
    const a = this.server?.address();
    return typeof a === 'object' && a ? a.port : 0;
  }

  get clientCount(): number {
    return this.clients.size;
  }

  async start(): Promise<void> {
    const server = createServer((sock) => this.accept(sock));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.opts.port ?? 51325, this.opts.host ?? '127.0.0.1', () => resolve());
    });
  }

  async stop(): Promise<void> {
    for (const c of this.clients) c.sock.destroy();
    this.clients.clear();
    const s = this.server;
    this.server = undefined;
    if (s) await new Promise<void>((r) => s.close(() => r()));
  }

  /** Drop every client connection (as if the cable was pulled) but keep listening. */
  dropClients(): void {
    for (const c of this.clients) c.sock.destroy();
  }

  // ---- test hooks: what a person at the console does ----

  /** Someone moves a control on the surface: state changes and every client hears it. */
  surface(p: number, value: number): void {
    const prm = sqParams().byP.get(p);
    if (!prm) throw new RangeError(`no SQ parameter ${p}`);
    const v = this.quantise(prm, value);
    this.state.set(p, v);
    this.broadcast(nrpnWrite(this.channel, p, v));
  }

  storeScene(n: number): void {
    this.scenes.set(n, new Map(this.state));
  }

  surfaceScene(n: number): void {
    if (this.recall(n))
      this.broadcast(Uint8Array.from([0xb0 | this.channel, 0x00, (n - 1) >> 7, 0xc0 | this.channel, (n - 1) & 0x7f]));
  }

  /** Value in dB of a level parameter under the current law (null = −∞). */
  levelDb(p: number): number | null {
    const v = this.state.get(p) ?? 0;
    return decodeLevel(this.law, v);
  }

  // ---- wire ----

  private accept(sock: Socket): void {
    sock.setNoDelay(true);
    const c: Client = { sock, parser: new MidiParser(), nrpn: {} };
    this.clients.add(c);
    sock.on('data', (d) => (this.lan > 0 ? setTimeout(() => this.input(c, d), this.lan) : this.input(c, d)));
    sock.on('close', () => this.clients.delete(c));
    sock.on('error', () => {});
  }

  private input(c: Client, data: Buffer): void {
    if (this.silent) return;
    const before = c.parser.garbage;
    for (const m of c.parser.feed(data)) {
      if (m.kind === 'realtime' || m.kind === 'sysex' || m.kind === 'system') continue; // MMC etc.: not modelled
      if (m.channel !== this.channel) {
        this.ignored++;
        continue;
      }
      if (m.kind === 'program') {
        if (c.nrpn.bank === undefined)
          this.ignored++; // a program change without bank select (§2)
        else this.recall(c.nrpn.bank * 128 + m.program + 1);
        c.nrpn.bank = undefined;
        continue;
      }
      if (m.kind !== 'cc') {
        this.ignored++;
        continue;
      }
      this.cc(c, m.controller, m.value);
    }
    this.ignored += c.parser.garbage - before;
  }

  private cc(c: Client, cc: number, v: number): void {
    const n = c.nrpn;
    switch (cc) {
      case 0x63:
        c.nrpn = { mb: v, bank: n.bank };
        return;
      case 0x62:
        if (n.mb === undefined) return void this.ignored++;
        n.lb = v;
        n.vc = undefined;
        return;
      case 0x06:
        if (n.lb === undefined) return void this.ignored++;
        n.vc = v;
        return;
      case 0x26: {
        if (n.lb === undefined || n.vc === undefined || n.mb === undefined) return void this.ignored++;
        const p = n.mb * 128 + n.lb;
        const value = n.vc * 128 + v;
        n.vc = undefined;
        if (this.opts.dataEntryNeedsSelect) c.nrpn = { bank: n.bank };
        this.write(p, value, c);
        return;
      }
      case 0x60:
      case 0x61: {
        if (n.lb === undefined || n.mb === undefined) return void this.ignored++;
        const p = n.mb * 128 + n.lb;
        if (cc === 0x60 && v === 0x7f) this.get(c, p);
        else if (v === 0) this.step(p, cc === 0x60 ? 1 : -1);
        else this.ignored++;
        return;
      }
      case 0x00:
        n.bank = v;
        return;
      default:
        this.ignored++;
    }
  }

  private write(p: number, value: number, from: Client): void {
    const prm = sqParams().byP.get(p);
    if (!prm) return void this.ignored++;
    if ((prm.kind === 'mute' || prm.kind === 'assign') && value !== 0 && value !== 1) return void this.ignored++;
    const v = this.quantise(prm, value);
    this.state.set(p, v);
    this.writes++;
    // never back to the sender (§7); to the other clients only when so set (see feedOtherClients)
    if (this.opts.feedOtherClients)
      for (const c of this.clients) if (c !== from) this.send(c, nrpnWrite(this.channel, p, v));
  }

  /** Test hook: bytes as a console (or a MIDI merger in front of it) might send them, to every client. */
  sendRaw(bytes: Uint8Array): void {
    this.broadcast(bytes);
  }

  private get(c: Client, p: number): void {
    if (!sqParams().byP.has(p)) return void this.ignored++;
    this.gets++;
    if (this.opts.unanswered?.includes(p)) return;
    if (this.opts.dropOneGetIn && this.gets % this.opts.dropOneGetIn === 0) return;
    this.send(c, nrpnWrite(this.channel, p, this.state.get(p) ?? 0));
  }

  private step(p: number, dir: 1 | -1): void {
    const prm = sqParams().byP.get(p);
    if (!prm) return void this.ignored++;
    const v = this.state.get(p) ?? 0;
    if (prm.kind === 'mute' || prm.kind === 'assign') this.state.set(p, v ? 0 : 1);
    else if (prm.kind === 'pan') this.state.set(p, Math.max(0, Math.min(16383, v + dir * 82)));
    else {
      const db = this.levelDb(p);
      // stepping from −∞ is unverified on hardware: here +1 dB lands on −89 dB and −1 dB stays at −∞
      const next = db === null ? (dir > 0 ? -89 : null) : Math.min(10, db + dir);
      this.state.set(p, next === null || next < -89 ? 0 : this.encode(next));
    }
    this.writes++;
  }

  private recall(n: number): boolean {
    const scene = this.scenes.get(n);
    if (!scene || n < 1 || n > SQ_COUNTS.scenes) return false; // empty slots do nothing
    for (const [p, v] of scene) this.state.set(p, v);
    this.lastScene = n;
    return true;
  }

  private encode(db: number): number {
    return encodeLevel(this.law, db);
  }

  private quantise(prm: SqParam, value: number): number {
    const v = Math.max(0, Math.min(16383, Math.round(value)));
    if (prm.kind === 'level' && this.law === 'audio') return Math.min(0x7f * 128 + 0x40, Math.round(v / 64) * 64);
    return v;
  }

  private send(c: Client, bytes: Uint8Array): void {
    const out = () => {
      if (!c.sock.destroyed) c.sock.write(bytes);
    };
    if (this.lan > 0) setTimeout(out, this.lan);
    else out();
  }

  private broadcast(bytes: Uint8Array): void {
    for (const c of this.clients) this.send(c, bytes);
  }
}
