import { EventEmitter } from 'node:events';
import { RadError } from '../../core/errors.ts';
import { decodeMessage, encodeMessage, type OscArg, type OscMessage } from '../../drivers/osc/codec.ts';
import { UdpClient } from '../../drivers/udp.ts';

export type X32Info = { ip: string; name: string; model: string; firmware: string };

export type CaptureOptions = {
  /** Requests in flight at the start; grows on success, halves on loss. */
  window?: number;
  maxWindow?: number;
  /** A fixed per-request timeout; without it, one estimated from measured round trips (RFC 6298). */
  timeoutMs?: number;
  retries?: number;
  /** No reply to anything for this long ends the run with E_CONSOLE_OFFLINE (default 3 s). */
  deadAfterMs?: number;
  onProgress?: (done: number, total: number) => void;
};

export type CaptureResult = {
  /** Reply line per requested path, in request order; undefined where it never came. */
  lines: Array<string | undefined>;
  missing: string[];
  retries: number;
  seconds: number;
  maxWindowUsed: number;
};

type Waiter = { resolve: (m: OscMessage) => void; timer: NodeJS.Timeout };

export type X32DriverOptions = { timeoutMs?: number; retries?: number };

/**
 * The X32 wire: one UDP socket, requests matched to replies by address (gets), by path (`/node`)
 * or by content (`/` echoes). No model here; the console service above keeps that.
 */
export class X32Driver extends EventEmitter<{
  value: [address: string, args: OscArg[]];
  node: [line: string];
  meters: [bank: number, values: Float32Array];
  heard: [];
  error: [err: Error];
}> {
  private readonly udp: UdpClient;
  private readonly waiters = new Map<string, Waiter[]>();
  private readonly timeoutMs: number;
  private readonly retries: number;
  private meterTimers = new Map<number, NodeJS.Timeout>();
  readonly stats = { sent: 0, received: 0, malformed: 0, unmatched: 0 };

  constructor(
    readonly host: string,
    readonly port = 10023,
    opts: X32DriverOptions = {},
  ) {
    super();
    this.timeoutMs = opts.timeoutMs ?? 300;
    this.retries = opts.retries ?? 2;
    this.udp = new UdpClient(host, port);
    this.udp.on('message', (buf) => this.onMessage(buf));
    this.udp.on('error', (err) => this.emit('error', err));
  }

  async open(): Promise<void> {
    await this.udp.open();
  }

  async close(): Promise<void> {
    for (const t of this.meterTimers.values()) clearInterval(t);
    this.meterTimers.clear();
    for (const list of this.waiters.values()) for (const w of list) clearTimeout(w.timer);
    this.waiters.clear();
    await this.udp.close();
  }

  send(address: string, args: OscArg[] = []): void {
    this.stats.sent++;
    this.udp.send(encodeMessage(address, args));
  }

  private onMessage(buf: Buffer): void {
    let msg: OscMessage;
    try {
      msg = decodeMessage(buf);
    } catch {
      this.stats.malformed++;
      return;
    }
    this.stats.received++;
    this.emit('heard');
    const a = msg.address;
    if (a === 'node') {
      const text = msg.args[0]?.type === 's' ? msg.args[0].value.replace(/\n+$/, '') : undefined;
      if (text === undefined) return;
      const sp = text.indexOf(' ');
      const path = sp < 0 ? text : text.slice(0, sp);
      this.emit('node', text);
      this.settle(`node ${path}`, msg);
      return;
    }
    if (a === '/') {
      const line = msg.args[0]?.type === 's' ? msg.args[0].value : '';
      this.settle(`/ ${line}`, msg);
      return;
    }
    const meter = /^\/meters\/(\d+)$/.exec(a);
    if (meter && msg.args[0]?.type === 'b') {
      const blob = msg.args[0].value;
      if (blob.length >= 4) {
        const count = blob.readInt32LE(0);
        if (count >= 0 && blob.length >= 4 + 4 * count) {
          const values = new Float32Array(count);
          for (let i = 0; i < count; i++) values[i] = blob.readFloatLE(4 + 4 * i);
          this.emit('meters', Number(meter[1]), values);
        }
      }
      return;
    }
    if (a === '/info' || a === '/xinfo' || a === '/status' || a === '/save' || a === '/load') {
      this.settle(a, msg);
      return;
    }
    if (msg.args.length > 0) this.emit('value', a, msg.args);
    this.settle(`get ${a}`, msg);
  }

  private settle(key: string, msg: OscMessage): void {
    const list = this.waiters.get(key);
    const w = list?.shift();
    if (!w) {
      this.stats.unmatched++;
      return;
    }
    if (list!.length === 0) this.waiters.delete(key);
    clearTimeout(w.timer);
    w.resolve(msg);
  }

  /** Sends and waits for the matching reply once; resolves undefined on timeout. */
  private exchange(key: string, address: string, args: OscArg[], timeoutMs: number): Promise<OscMessage | undefined> {
    return new Promise((resolve) => {
      const w: Waiter = {
        resolve,
        timer: setTimeout(() => {
          const list = this.waiters.get(key);
          if (list) {
            const i = list.indexOf(w);
            if (i >= 0) list.splice(i, 1);
            if (list.length === 0) this.waiters.delete(key);
          }
          resolve(undefined);
        }, timeoutMs),
      };
      const list = this.waiters.get(key);
      if (list) list.push(w);
      else this.waiters.set(key, [w]);
      this.send(address, args);
    });
  }

  private async request(key: string, address: string, args: OscArg[], what: string): Promise<OscMessage> {
    for (let attempt = 0; attempt <= this.retries; attempt++) {
      const reply = await this.exchange(key, address, args, this.timeoutMs);
      if (reply) return reply;
    }
    throw new RadError(
      'E_CONSOLE_TIMEOUT',
      `${this.host}:${this.port} did not answer ${what} (${this.retries + 1} tries, ${this.timeoutMs} ms each)`,
      {
        details: { host: this.host, port: this.port, request: what },
      },
    );
  }

  async xinfo(): Promise<X32Info> {
    const r = await this.request('/xinfo', '/xinfo', [], '/xinfo');
    const [ip, name, model, firmware] = r.args.map((a) => (a.type === 's' ? a.value : ''));
    if (!model) throw new RadError('E_CONSOLE_REPLY', `${this.host}:${this.port} answered /xinfo without a model`, {});
    return { ip: ip ?? '', name: name ?? '', model, firmware: firmware ?? '' };
  }

  /** Pings once without retries (liveness). */
  async ping(timeoutMs = 500): Promise<boolean> {
    return (await this.exchange('/xinfo', '/xinfo', [], timeoutMs)) !== undefined;
  }

  /** One attempt at a leaf, within the measured round-trip timeout: undefined when unanswered. */
  async getOnce(address: string): Promise<OscArg | undefined> {
    return (await this.exchange(`get ${address}`, address, [], this.rto))?.args[0];
  }

  async get(address: string): Promise<OscArg> {
    const r = await this.request(`get ${address}`, address, [], address);
    const v = r.args[0];
    if (!v) throw new RadError('E_CONSOLE_REPLY', `${address}: reply carried no value`);
    return v;
  }

  set(address: string, value: OscArg | OscArg[]): void {
    this.send(address, Array.isArray(value) ? value : [value]);
  }

  /** `/node ,s path` → the node line (without the trailing newline). */
  async node(path: string): Promise<string> {
    const p = path.startsWith('/') ? path : `/${path}`;
    const r = await this.request(`node ${p}`, '/node', [{ type: 's', value: p.slice(1) }], `/node ${p}`);
    return (r.args[0] as { value: string }).value.replace(/\n+$/, '');
  }

  /** `/ ,s line`: sets from text; the console echoes it (flow control). */
  async sceneLine(line: string): Promise<void> {
    await this.request(`/ ${line}`, '/', [{ type: 's', value: line }], `/ ${line.slice(0, 40)}`);
  }

  xremote(): void {
    this.send('/xremote');
  }

  /**
   * Pipelined `/node` reads: many in flight, a window that grows on success and halves on a
   * timeout, each path retried, replies matched by path. Order of the result = order asked.
   */
  captureNodes(paths: readonly string[], opts: CaptureOptions = {}): Promise<CaptureResult> {
    return this.pipeline(
      paths,
      (p) => {
        const path = p.startsWith('/') ? p : `/${p}`;
        return { key: `node ${path}`, address: '/node', args: [{ type: 's', value: path.slice(1) }] };
      },
      opts,
    ).then((r) => ({
      ...r,
      lines: r.replies.map((m) => (m ? (m.args[0] as { value: string }).value.replace(/\n+$/, '') : undefined)),
    }));
  }

  /** Pipelined `/` scene-line writes, each waiting for its echo. */
  async sendSceneLines(
    lines: readonly string[],
    opts: CaptureOptions = {},
  ): Promise<{ echoed: boolean[]; retries: number; seconds: number }> {
    const r = await this.pipeline(
      lines,
      (line) => ({ key: `/ ${line}`, address: '/', args: [{ type: 's', value: line }] }),
      opts,
    );
    return { echoed: r.replies.map((m) => m !== undefined), retries: r.retries, seconds: r.seconds };
  }

  /** Smoothed round trip and its variance (RFC 6298), from the requests that were answered first time. */
  private srtt: number | undefined;
  private rttvar = 0;

  /** The request timeout: SRTT + 4·RTTVAR, clamped to 50 ms … 2 s (250 ms before any sample). */
  get rto(): number {
    if (this.srtt === undefined) return 250;
    return Math.min(2000, Math.max(50, this.srtt + 4 * this.rttvar));
  }

  private sampleRtt(ms: number): void {
    if (this.srtt === undefined) {
      this.srtt = ms;
      this.rttvar = ms / 2;
    } else {
      this.rttvar = 0.75 * this.rttvar + 0.25 * Math.abs(this.srtt - ms);
      this.srtt = 0.875 * this.srtt + 0.125 * ms;
    }
  }

  private pipeline(
    items: readonly string[],
    build: (item: string) => { key: string; address: string; args: OscArg[] },
    opts: CaptureOptions,
  ): Promise<{
    replies: Array<OscMessage | undefined>;
    missing: string[];
    retries: number;
    seconds: number;
    maxWindowUsed: number;
  }> {
    const t0 = performance.now();
    const maxWindow = opts.maxWindow ?? 64;
    const retries = opts.retries ?? 3;
    const deadAfterMs = opts.deadAfterMs ?? 3000;
    let lastReply = performance.now();
    let cwnd = Math.min(opts.window ?? 16, maxWindow);
    let maxUsed = 0;
    const replies: Array<OscMessage | undefined> = new Array(items.length).fill(undefined);
    const attempts = new Uint8Array(items.length);
    const queue: number[] = items.map((_, i) => i);
    let qHead = 0;
    const retryQueue: number[] = [];
    let inflight = 0;
    let done = 0;
    let retryCount = 0;
    const missing: string[] = [];
    return new Promise((resolve, reject) => {
      if (items.length === 0) return resolve({ replies, missing, retries: 0, seconds: 0, maxWindowUsed: 0 });
      let over = false;
      let probing = false;
      const die = (why: string) => {
        if (over) return;
        over = true;
        clearInterval(watchdog);
        reject(
          new RadError(
            'E_CONSOLE_OFFLINE',
            `${this.host}:${this.port} stopped answering (${why}) after ${done - missing.length} of ${items.length}`,
            { details: { done: done - missing.length, total: items.length } },
          ),
        );
      };
      // a console that answers nothing is gone: after a third of deadAfterMs of silence it is asked
      // /xinfo (answered: just busy); unanswered, or nothing at all for deadAfterMs, ends the run
      const watchdog = setInterval(
        () => {
          if (over) return;
          const silent = performance.now() - lastReply;
          if (silent >= deadAfterMs) return die(`nothing for ${(deadAfterMs / 1000).toFixed(1)} s`);
          if (silent >= deadAfterMs / 3 && !probing) {
            probing = true;
            void this.exchange('/xinfo', '/xinfo', [], deadAfterMs / 3).then((m) => {
              probing = false;
              if (m) lastReply = performance.now();
              else die(`no answer to /xinfo after ${((performance.now() - lastReply) / 1000).toFixed(1)} s of silence`);
            });
          }
        },
        Math.min(250, deadAfterMs / 4),
      );
      const pump = () => {
        if (over) return;
        while (inflight < Math.floor(cwnd) && (retryQueue.length > 0 || qHead < queue.length)) {
          const i = retryQueue.length > 0 ? retryQueue.shift()! : queue[qHead++]!;
          const req = build(items[i]!);
          inflight++;
          maxUsed = Math.max(maxUsed, inflight);
          attempts[i]!++;
          const sentAt = performance.now();
          const first = attempts[i] === 1;
          void this.exchange(req.key, req.address, req.args, opts.timeoutMs ?? this.rto).then((m) => {
            inflight--;
            if (over) return;
            if (m) {
              lastReply = performance.now();
              if (first) this.sampleRtt(lastReply - sentAt); // Karn: retransmitted requests are not timed
              replies[i] = m;
              done++;
              cwnd = Math.min(maxWindow, cwnd + 1 / Math.max(1, Math.floor(cwnd)) + 0.5);
              opts.onProgress?.(done, items.length);
            } else {
              cwnd = Math.max(1, cwnd / 2);
              if (attempts[i]! <= retries) {
                retryCount++;
                retryQueue.push(i);
              } else {
                done++;
                missing.push(items[i]!);
              }
            }
            if (done === items.length) {
              over = true;
              clearInterval(watchdog);
              resolve({
                replies,
                missing,
                retries: retryCount,
                seconds: (performance.now() - t0) / 1000,
                maxWindowUsed: maxUsed,
              });
            } else pump();
          });
        }
      };
      pump();
    });
  }

  /** Requests a meter bank and renews it every 9 s until stopMeters. */
  startMeters(bank: number, timeFactor = 1): void {
    this.stopMeters(bank);
    const ask = () =>
      this.send('/meters', [
        { type: 's', value: `/meters/${bank}` },
        { type: 'i', value: timeFactor },
      ]);
    ask();
    const t = setInterval(ask, 9000);
    t.unref();
    this.meterTimers.set(bank, t);
  }

  stopMeters(bank: number): void {
    const t = this.meterTimers.get(bank);
    if (t) clearInterval(t);
    this.meterTimers.delete(bank);
  }

  async save(index: number, name: string, note = ''): Promise<boolean> {
    const r = await this.request(
      '/save',
      '/save',
      [
        { type: 's', value: 'scene' },
        { type: 'i', value: index },
        { type: 's', value: name },
        { type: 's', value: note },
      ],
      '/save scene',
    );
    return r.args[1]?.type === 'i' && r.args[1].value === 1;
  }
}
