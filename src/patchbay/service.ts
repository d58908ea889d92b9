import type { Bus } from '../core/bus.ts';
import { fail, describeError, RadError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import { StatusTracker } from '../core/status.ts';
import { ConnectionSupervisor } from '../core/supervisor.ts';
import { LineIo, LineTimeout } from '../drivers/lines.ts';
import { type ByteLink, SerialLink, TcpLink } from '../drivers/stream.ts';
import type { PatchbaySettings } from '../settings/schema.ts';
import type { PresetRepo } from '../store/repos.ts';
import { extronProtocol } from './extron/protocol.ts';
import { kramerProtocol } from './kramer/protocol.ts';
import type { Matrix, RouteReport, RouterCaps, Tie } from './model.ts';
import { numatoProtocol } from './numato/protocol.ts';
import type { PatchProtocol } from './protocol.ts';
import { videohubProtocol } from './videohub/protocol.ts';

const DEFAULT_BAUD: Record<PatchbaySettings['protocol'], number> = {
  'extron-sis': 9600,
  'kramer-p3000': 115200,
  videohub: 9600,
  'numato-relay': 19200,
};

export function protocolFor(s: PatchbaySettings): PatchProtocol {
  switch (s.protocol) {
    case 'extron-sis':
      return extronProtocol;
    case 'kramer-p3000':
      return kramerProtocol;
    case 'videohub':
      return videohubProtocol;
    case 'numato-relay':
      return numatoProtocol(s.relays ?? [], s.relay_count ?? 32);
  }
}

/**
 * A routing device as a service: connects over TCP or serial, reconnects with backoff, keeps the
 * crosspoint map the device reports (never what was sent), verifies every route by reading back.
 */
export class PatchbayService implements Matrix {
  readonly kind = 'patchbay' as const;
  readonly caps: RouterCaps;
  private readonly protocol: PatchProtocol;
  private readonly tracker: StatusTracker;
  private readonly supervisor: ConnectionSupervisor;
  private link: ByteLink | undefined;
  private io: LineIo | undefined;
  private current: Array<number | null | undefined>;
  private missedHeartbeats = 0;
  private busy: Promise<unknown> = Promise.resolve();

  constructor(
    readonly settings: PatchbaySettings,
    private readonly deps: { bus: Bus; presets: PresetRepo; log: Logger },
  ) {
    this.protocol = protocolFor(settings);
    this.caps = this.protocol.caps(settings.inputs, settings.outputs);
    this.tracker = new StatusTracker(deps.bus, settings.id, 'patchbay');
    this.current = new Array(settings.outputs).fill(undefined);
    this.supervisor = new ConnectionSupervisor(
      {
        connect: () => this.connect(),
        disconnect: () => this.dropLink(),
        // a cheap periodic read keeps Telnet sessions alive and finds a dead link that never said
        // so (a serial write to a vanished port never calls back; an unplugged pty may not hang up)
        keepAlive: async () => {
          try {
            await this.read();
            this.missedHeartbeats = 0;
          } catch (e) {
            // one lost reply is a lost datagram or line, not a dead link: offline after 3 in a row
            if (++this.missedHeartbeats < 3) {
              this.deps.log.info(
                { patchbay: this.id, missed: this.missedHeartbeats, err: describeError(e) },
                'heartbeat unanswered',
              );
              return;
            }
            this.missedHeartbeats = 0;
            this.deps.log.warn(
              { patchbay: this.id, err: describeError(e) },
              'heartbeat failed 3 times; dropping the link',
            );
            throw new Error(`no answer to 3 heartbeats (${describeError(e)})`);
          }
        },
      },
      { report: (state, detail) => this.tracker.set(state, detail), keepAliveMs: settings.heartbeat_ms },
    );
  }

  get id(): string {
    return this.settings.id;
  }
  get inputs(): number {
    return this.settings.inputs;
  }
  get outputs(): number {
    return this.settings.outputs;
  }

  status() {
    return this.tracker.get();
  }

  describe(): Record<string, unknown> {
    const s = this.settings;
    return {
      protocol: s.protocol,
      link: s.tcp ? `tcp ${s.tcp.host}:${s.tcp.port}` : `serial ${s.serial?.path}`,
      inputs: s.inputs,
      outputs: s.outputs,
    };
  }

  label(kind: 'input' | 'output', n: number): string {
    const list = kind === 'input' ? this.settings.labels?.inputs : this.settings.labels?.outputs;
    return list?.[n - 1] ?? `${kind === 'input' ? 'In' : 'Out'} ${n}`;
  }

  /** The model (index 0 = output 1): what the device last reported; null = disconnected, undefined = unknown. */
  map(): Array<number | null> {
    return this.current.map((v) => (v === undefined ? null : v));
  }

  known(): boolean {
    return this.current.every((v) => v !== undefined);
  }

  start(): Promise<void> {
    return this.supervisor.start();
  }

  stop(): Promise<void> {
    return this.supervisor.stop();
  }

  private async openLink(): Promise<ByteLink> {
    const s = this.settings;
    if (s.tcp) return TcpLink.open(s.tcp.host, s.tcp.port, s.timeout_ms * 2);
    return SerialLink.open(s.serial!.path, s.serial!.baud ?? DEFAULT_BAUD[s.protocol]);
  }

  private async dropLink(): Promise<void> {
    const l = this.link;
    this.link = undefined;
    this.io = undefined;
    this.current.fill(undefined); // unknown until re-read
    await l?.close();
  }

  /** Open, handshake (log in), read the whole map; the supervisor retries a failure with backoff. */
  private async connect(): Promise<{ detail: string }> {
    const link = await this.openLink();
    const io = new LineIo(link, this.protocol.prompts);
    this.link = link;
    this.io = io;
    link.on('close', (reason) => {
      if (this.link === link) this.supervisor.lost(reason);
    });
    io.on('garbage', (g) =>
      this.deps.log.warn({ patchbay: this.id, sample: g }, 'garbage from device (no line end); discarded'),
    );
    try {
      this.tracker.set('degraded', 'handshake and reading the map');
      await this.protocol.attach(io, { password: this.settings.password, timeoutMs: this.settings.timeout_ms });
      this.protocol.watch?.(
        io,
        (ties) => this.applyReported(ties),
        () => this.changedElsewhere(),
      );
      const map = await this.readBack(io);
      this.applyReported(map.map((input, i) => ({ output: i + 1, input })));
      return { detail: link.describe };
    } catch (e) {
      this.deps.log.warn({ patchbay: this.id, err: describeError(e) }, 'patchbay handshake failed');
      // a device that took the connection and does not answer: a coded status detail
      if (e instanceof LineTimeout)
        throw new RadError('E_PATCH_TIMEOUT', `${e.message} (the connection is open; the device does not answer)`, {
          cause: e,
        });
      throw e;
    }
  }

  /** The device said so: update the model and announce changes. */
  private applyReported(ties: Tie[]): void {
    for (const t of ties) {
      if (t.output < 1 || t.output > this.outputs) continue;
      const input = t.input !== null && (t.input < 1 || t.input > this.inputs) ? null : t.input;
      if (this.current[t.output - 1] === input) continue;
      this.current[t.output - 1] = input;
      this.deps.bus.emit('patchbay.changed', { patchbay: this.id, output: t.output, input });
    }
  }

  private requireOnline(): LineIo {
    const st = this.tracker.get();
    if (!this.io || st.state === 'offline' || st.state === 'stopped')
      throw fail('E_PATCHBAY_OFFLINE', `patchbay ${this.id} is ${st.state}${st.detail ? ` (${st.detail})` : ''}`, {
        patchbay: this.id,
      });
    return this.io;
  }

  validate(ties: Tie[]): void {
    if (ties.length === 0) throw fail('E_PATCH_EMPTY', 'no ties given');
    const seen = new Set<number>();
    for (const t of ties) {
      if (!Number.isInteger(t.output) || t.output < 1 || t.output > this.outputs)
        throw fail('E_PATCH_OUTPUT_RANGE', `output ${t.output} does not exist on '${this.id}' (1..${this.outputs})`, {
          patchbay: this.id,
          output: t.output,
        });
      if (t.input !== null && (!Number.isInteger(t.input) || t.input < 1 || t.input > this.inputs))
        throw fail('E_PATCH_INPUT_RANGE', `input ${t.input} does not exist on '${this.id}' (1..${this.inputs})`, {
          patchbay: this.id,
          input: t.input,
        });
      if (t.input === null && !this.caps.canDisconnect)
        throw fail('E_PATCH_NO_DISCONNECT', `'${this.id}' cannot disconnect an output (route it to an idle input)`, {
          patchbay: this.id,
        });
      if (seen.has(t.output))
        throw fail('E_PATCH_DUPLICATE_OUTPUT', `output ${t.output} appears twice`, { output: t.output });
      seen.add(t.output);
    }
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    this.pending++;
    const run = () => fn().finally(() => this.pending--);
    const next = this.busy.then(run, run);
    this.busy = next.catch(() => {});
    return next;
  }

  /** Operations queued or running (each of rad's own writes ends with a read-back of its own). */
  private pending = 0;
  private rereadQueued = false;

  /**
   * The device changed its map without saying how (another client's Qik, a preset recalled at the
   * front panel): read it again, once, unless rad's own operation is running (its read-back
   * settles it; a line from our own command lands here too).
   */
  private changedElsewhere(): void {
    if (this.pending > 0 || this.rereadQueued) return;
    this.rereadQueued = true;
    const io = this.io;
    void this.serial(async () => {
      this.rereadQueued = false;
      if (!io || io !== this.io) return;
      const map = await this.readBack(io);
      this.applyReported(map.map((input, i) => ({ output: i + 1, input })));
    }).catch((e) =>
      this.deps.log.warn({ patchbay: this.id, err: describeError(e) }, 'map read after a change elsewhere failed'),
    );
  }

  /**
   * Routes, then reads the map back. A tie the device acknowledged but did not take (a stuck
   * crosspoint) is an E_PATCH_TIE_NOT_TAKEN error naming each output; the model keeps what the
   * device reports.
   */
  async route(ties: Tie[], actor = 'api', opts: { atomic?: boolean } = {}): Promise<RouteReport> {
    this.validate(ties);
    const io = this.requireOnline();
    return this.serial(async () => {
      const atomic = (opts.atomic ?? this.settings.atomic) && this.caps.atomicMultiTie;
      const fail = (e: unknown, code: 'E_PATCH_IO' = 'E_PATCH_IO', message?: string) => {
        this.deps.bus.emit('device.write', {
          actor,
          device: this.id,
          action: 'route',
          value: ties,
          result: 'error',
          detail: describeError(e),
        });
        return e instanceof RadError && !message ? e : new RadError(code, message ?? `${this.id}: ${describeError(e)}`);
      };
      // a reply that never came is not a failed write: the device may well have taken every tie,
      // so the read-back settles it; only a read-back that fails too is an I/O error
      let lostReply: string | undefined;
      try {
        await this.protocol.route(io, ties, { atomic, timeoutMs: this.settings.timeout_ms });
      } catch (e) {
        if (!isLostReply(e)) throw fail(e);
        lostReply = describeError(e);
        this.deps.log.info({ patchbay: this.id, err: lostReply }, 'no reply to the route; reading the outputs back');
      }
      let map: Array<number | null>;
      try {
        map = await this.readBack(io);
      } catch (e) {
        if (!isLostReply(e)) throw fail(e);
        throw fail(
          e,
          'E_PATCH_IO',
          `${this.id}: ${lostReply ? `no reply to the route (${lostReply}) and ` : ''}the read-back failed 3 times: ${describeError(e)}`,
        );
      }
      this.applyReported(map.map((input, i) => ({ output: i + 1, input })));
      const failed = ties
        .filter((t) => (this.current[t.output - 1] ?? null) !== t.input)
        .map((t) => ({ output: t.output, wanted: t.input, got: this.current[t.output - 1] ?? null }));
      const report: RouteReport = {
        patchbay: this.id,
        ties,
        verified: failed.length === 0,
        failed,
        ...(lostReply ? { settled_by_read_back: lostReply } : {}),
      };
      this.deps.bus.emit('device.write', {
        actor,
        device: this.id,
        action: 'route',
        value: ties,
        result: failed.length === 0 ? 'ok' : 'mismatch',
        detail: failed.length ? JSON.stringify(failed) : undefined,
      });
      if (failed.length > 0) {
        throw new RadError(
          'E_PATCH_TIE_NOT_TAKEN',
          `${this.id}: ${failed.map((f) => `output ${f.output} is on ${f.got === null ? 'nothing' : `input ${f.got}`} (wanted ${f.wanted === null ? 'disconnected' : `input ${f.wanted}`})`).join('; ')}`,
          { details: report as unknown as Record<string, unknown> },
        );
      }
      return report;
    });
  }

  async read(): Promise<Array<number | null>> {
    const io = this.requireOnline();
    return this.serial(async () => {
      const map = await this.readBack(io);
      this.applyReported(map.map((input, i) => ({ output: i + 1, input })));
      return this.map();
    });
  }

  /**
   * Reads the whole map; a read whose reply is lost is read again (3 tries in all): a lost reply is
   * settled by reading, never by guessing, and one lost reply is not an I/O error.
   */
  private async readBack(io: LineIo): Promise<Array<number | null>> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.protocol.readAll(io, this.outputs, this.settings.timeout_ms);
      } catch (e) {
        if (!isLostReply(e) || attempt >= 3) throw e;
        this.deps.log.info(
          { patchbay: this.id, err: describeError(e), attempt },
          'no reply to a map read; reading again',
        );
      }
    }
  }

  // ---- presets (stored in SQLite, recalled as one atomic route) ----

  savePreset(name: string): { name: string; ties: Tie[] } {
    if (!this.known())
      throw fail('E_PATCH_MAP_UNKNOWN', `${this.id}: the map is not known yet (device ${this.tracker.get().state})`);
    const ties = this.map().map((input, i) => ({ output: i + 1, input }));
    this.deps.presets.save(this.id, name, ties);
    return { name, ties };
  }

  presets(): Array<{ name: string; created_at: string }> {
    return this.deps.presets.list(this.id);
  }

  async recallPreset(name: string, actor = 'api'): Promise<RouteReport> {
    const saved = this.deps.presets.ties<Tie[]>(this.id, name);
    if (!saved)
      throw fail('E_PATCH_PRESET', `${this.id} has no preset ${JSON.stringify(name)}`, {
        patchbay: this.id,
        preset: name,
      });
    const ties = saved.filter((t) => this.caps.canDisconnect || t.input !== null);
    return this.route(ties, actor, { atomic: true });
  }
}

/** A request that got no answer in time (on any protocol), as opposed to a device that refused. */
function isLostReply(e: unknown): boolean {
  return e instanceof LineTimeout || (e instanceof RadError && e.code === 'E_PATCH_TIMEOUT');
}
