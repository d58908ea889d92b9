import { EventEmitter } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import type { SerialPort } from 'serialport';
import { mulberry32 } from '../../core/random.ts';

/** One connection to a simulated device (a TCP client or the serial line). */
export interface SimSession {
  write(text: string | Buffer): void;
  close(): void;
  /** Per-connection protocol state (verbose mode, login, half-read line…). */
  state: Record<string, unknown>;
}

/**
 * Shared machinery of the patchbay simulators: one device state, served over TCP (several
 * clients) and over a serial pty; line splitting; faults (stuck crosspoints, dropped replies,
 * garbage bytes, cable pulled).
 */
export abstract class LineDeviceSim extends EventEmitter<{ change: [] }> {
  readonly map: Array<number | null>;
  readonly stuck = new Set<number>();
  dropReplyPct = 0;
  /** Deterministic faults: drop every Nth reply; send a line of junk before every Nth reply. */
  dropEveryNthReply = 0;
  garbageEveryNthReply = 0;
  private replies = 0;
  /** Replies the faults above ate. */
  repliesDropped = 0;
  /** One-way LAN delay (ms) applied to each command and each reply, for benchmarks. */
  lanDelayMs = 0;
  private readonly rng = mulberry32(7);
  private server: Server | undefined;
  private serial: SerialPort | undefined;
  protected readonly sessions = new Set<SimSession>();
  private pulled = false;
  readonly log: string[] = [];

  constructor(
    readonly inputs: number,
    readonly outputs: number,
  ) {
    super();
    this.map = new Array(outputs).fill(null);
  }

  /** Bytes that end a command for this protocol (after which handle() runs). */
  protected abstract splitCommands(session: SimSession, chunk: string): string[];
  protected abstract handle(session: SimSession, command: string): unknown;
  protected onConnect(_session: SimSession): void {}

  get port(): number {
    const a = this.server?.address();
    if (!a || typeof a === 'string') throw new Error('not listening');
    return a.port;
  }

  async listen(port = 0, host = '127.0.0.1'): Promise<void> {
    const server = createServer((sock) => this.attachSocket(sock));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    this.server = server;
  }

  /** Serves the device on one end of a serial pty pair (the driver opens the other end). */
  async attachSerial(path: string): Promise<void> {
    const { SerialPort: Port } = await import('serialport');
    const sp = new Port({ path, baudRate: 115200, autoOpen: false });
    await new Promise<void>((resolve, reject) => sp.open((e) => (e ? reject(e) : resolve())));
    sp.on('error', () => {});
    this.serial = sp;
    const session: SimSession = { write: (t) => sp.isOpen && sp.write(t), close: () => {}, state: {} };
    this.sessions.add(session);
    sp.on('data', (d: Buffer) => this.receive(session, d));
    sp.on('close', () => this.sessions.delete(session));
    this.onConnect(session);
  }

  private attachSocket(sock: Socket): void {
    if (this.pulled) {
      sock.destroy();
      return;
    }
    sock.setNoDelay(true);
    const session: SimSession = {
      write: (t) => !sock.destroyed && sock.write(t),
      close: () => sock.destroy(),
      state: {},
    };
    this.sessions.add(session);
    sock.on('data', (d) => this.receive(session, d));
    sock.on('close', () => this.sessions.delete(session));
    sock.on('error', () => {});
    this.onConnect(session);
  }

  private receive(session: SimSession, d: Buffer): void {
    if (this.pulled) return;
    const run = () => {
      for (const cmd of this.splitCommands(session, d.toString('latin1'))) {
        this.log.push(cmd);
        this.handle(session, cmd);
      }
    };
    if (this.lanDelayMs > 0) setTimeout(run, this.lanDelayMs);
    else run();
  }

  /** Replies to the requester, unless the dropped-reply fault eats it. */
  protected reply(session: SimSession, text: string): void {
    this.replies++;
    if (
      (this.dropReplyPct > 0 && this.rng() * 100 < this.dropReplyPct) ||
      (this.dropEveryNthReply > 0 && this.replies % this.dropEveryNthReply === 0)
    ) {
      this.repliesDropped++;
      return;
    }
    if (this.garbageEveryNthReply > 0 && this.replies % this.garbageEveryNthReply === 0)
      text = `\u00ff\u0013#?junk*${this.replies}\r\n${text}`;
    if (this.lanDelayMs > 0) setTimeout(() => session.write(text), this.lanDelayMs);
    else session.write(text);
  }

  protected broadcast(text: string, except?: SimSession): void {
    for (const s of this.sessions) if (s !== except) s.write(text);
  }

  /** Applies a tie the way the hardware would: a stuck crosspoint acknowledges and stays. */
  protected setTie(output: number, input: number | null): boolean {
    if (this.stuck.has(output)) return false;
    const changed = this.map[output - 1] !== input;
    this.map[output - 1] = input;
    if (changed) this.emit('change');
    return changed;
  }

  /** Line noise: a burst of junk bytes ending in a line break, as a noisy serial line delivers. */
  injectGarbage(bytes = Buffer.from([0xff, 0x00, 0x13, 0x37, 0x80, 0x41, 0x0d, 0x0a])): void {
    for (const s of this.sessions) s.write(bytes);
  }

  /** The cable is pulled: every connection drops and new ones are refused until plugIn(). */
  pullCable(): void {
    this.pulled = true;
    for (const s of [...this.sessions]) s.close();
  }

  plugIn(): void {
    this.pulled = false;
  }

  async close(): Promise<void> {
    for (const s of [...this.sessions]) s.close();
    this.sessions.clear();
    const sv = this.server;
    this.server = undefined;
    if (sv) await new Promise<void>((r) => sv.close(() => r()));
    const sp = this.serial;
    this.serial = undefined;
    if (sp?.isOpen) await new Promise<void>((r) => sp.close(() => r()));
  }

  protected splitOn(session: SimSession, chunk: string, isEnd: (buf: string) => number): string[] {
    let buf = ((session.state.buf as string | undefined) ?? '') + chunk;
    const out: string[] = [];
    for (;;) {
      const n = isEnd(buf);
      if (n <= 0) break;
      out.push(buf.slice(0, n));
      buf = buf.slice(n);
    }
    session.state.buf = buf.length > 4096 ? '' : buf;
    return out;
  }
}
