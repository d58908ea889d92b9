import { EventEmitter } from 'node:events';
import { RadError, fail } from '../../core/errors.ts';
import { MidiParser } from '../../drivers/midi/parser.ts';
import type { ByteLink } from '../../drivers/stream.ts';
import { MidiConnection } from '../midi-connection.ts';
import type { MidiTransport } from '../../drivers/midi/transport.ts';
import { isMinusInf } from '../model-state.ts';
import {
  decodeLevel,
  encodeLevel,
  nrpnGet,
  nrpnWrite,
  panToValue,
  type SqLaw,
  sceneRecall,
  valueToPan,
} from './codec.ts';
import { type SqParam, sqParams } from './params.ts';

export type SqDriverOptions = {
  /** MIDI over TCP (host, port 51325) or a MIDI port by name. */
  host?: string;
  port?: number;
  midiPort?: string;
  /** Mixer MIDI channel, 0-based. */
  channel?: number;
  law?: SqLaw;
  /** Gets in flight during a sync; the reference's Companion pacing is 20 with 300 ms pauses. */
  syncWindow?: number;
  syncPauseMs?: number;
  /** How long a get may take before the parameter is reported as not answered. */
  replyTimeoutMs?: number;
  reconnect?: boolean;
};

/**
 * A neutral value: dB or "-inf" for levels, % for pan, boolean for mute/assign. On writes a level
 * also takes "-oo", -Infinity and null (files and snapshots of rad before 0.2 wrote −∞ as null).
 */
export type SqValue = number | boolean | string | null;
export type SqChange = {
  path: string;
  p: number;
  value: SqValue;
  raw: number;
  source: 'console' | 'rad' | 'sync';
  /** The model's first value for the parameter (the first sync fills it; not a change to announce). */
  initial: boolean;
};

type Waiter = { resolve: (v: number) => void; reject: (e: Error) => void; timer: NodeJS.Timeout };

/**
 * Driver for an Allen & Heath SQ over MIDI-over-TCP (ah-midi.md §1, §7, §8): the byte stream
 * goes through the shared MIDI parser, NRPNs on the mixer channel are assembled (others are
 * foreign and ignored), the model holds only values the console sent, a full sync is one get per
 * parameter, every write is verified by a get (the SQ does not echo), and a scene change or a
 * reconnect triggers a re-sync.
 */
/** Unanswered gets in a row that mean the console is gone (one lost reply does not). */
const MISSES_OFFLINE = 20;
/** Nothing at all from the console for this long after an unanswered get: it is gone. */
const SILENCE_MS = 2000;

export class SqDriver extends EventEmitter<{
  change: [SqChange];
  online: [];
  offline: [string];
  scene: [number];
  synced: [{ params: number; seconds: number }];
}> {
  readonly model = new Map<number, number>();
  readonly channel: number;
  readonly law: SqLaw;
  private parser = new MidiParser();
  private nrpn: { mb?: number; lb?: number; vc?: number; bank?: number } = {};
  private readonly waiters = new Map<number, Waiter[]>();
  private syncing = false;
  state: 'offline' | 'syncing' | 'online' = 'offline';
  detail = 'not connected';
  /** Bytes and messages that fit nothing, or NRPNs for unknown parameters: counted and ignored. */
  ignored = 0;
  /** Parameters that did not answer a get after 3 tries (by parameter number). */
  readonly missing = new Set<number>();
  private missesInARow = 0;
  private lastHeardAt = Date.now();

  readonly transport: MidiTransport;

  constructor(private readonly opts: SqDriverOptions) {
    super();
    this.transport = opts.midiPort
      ? { kind: 'port', name: opts.midiPort }
      : { kind: 'tcp', host: opts.host ?? '127.0.0.1', port: opts.port ?? 51325 };
    this.conn = new MidiConnection(this.transport, {
      family: 'SQ',
      reconnect: opts.reconnect,
      data: (d) => this.input(d),
      online: () => this.emit('online'),
      opened: async () => {
        this.parser = new MidiParser();
        this.nrpn = {};
        await this.sync();
      },
      lost: (why) => {
        const was = this.state;
        this.state = 'offline';
        this.detail = why;
        this.failWaiters(why);
        if (was !== 'offline') this.emit('offline', why);
      },
    });
    this.channel = opts.channel ?? 0;
    this.law = opts.law ?? 'linear';
  }

  private readonly conn: MidiConnection;

  private get link(): ByteLink | undefined {
    return this.conn.link;
  }

  async connect(): Promise<void> {
    await this.conn.connect();
  }

  async close(): Promise<void> {
    await this.conn.close();
    this.failWaiters('driver closed');
    this.state = 'offline';
    this.detail = 'closed';
  }

  /** Full state: one get per parameter the reference lists, `syncWindow` in flight at a time. */
  async sync(): Promise<{ params: number; seconds: number }> {
    const t0 = performance.now();
    this.syncing = true;
    this.state = 'syncing';
    const list = sqParams().list;
    const window = this.opts.syncWindow ?? 256;
    const pause = this.opts.syncPauseMs ?? 0;
    try {
      for (let i = 0; i < list.length; i += window) {
        const batch = list.slice(i, i + window);
        await Promise.all(batch.map((prm) => this.requestOrMissing(prm.p)));
        if (pause > 0 && i + window < list.length) await new Promise((r) => setTimeout(r, pause));
      }
    } finally {
      this.syncing = false;
    }
    this.state = 'online';
    this.detail =
      this.missing.size > 0
        ? `synced ${list.length - this.missing.size} of ${list.length} parameters (${this.missing.size} never answered: info.missing)`
        : `synced ${list.length} parameters`;
    const r = { params: list.length, seconds: (performance.now() - t0) / 1000 };
    this.emit('synced', r);
    return r;
  }

  /** The neutral value of a family path from the model (undefined = not synced). */
  get(path: string): SqValue | undefined {
    const prm = this.param(path);
    const raw = this.model.get(prm.p);
    return raw === undefined ? undefined : this.decode(prm, raw);
  }

  /** Write a neutral value, then read it back; resolves with what the console now holds. */
  async set(path: string, value: SqValue): Promise<{ path: string; requested: SqValue; actual: SqValue; raw: number }> {
    const prm = this.param(path);
    const raw = this.encode(prm, value);
    const link = this.requireLink();
    link.write(Buffer.from(nrpnWrite(this.channel, prm.p, raw)));
    // a write whose verifying read is lost is settled by a second read, not reported failed
    let got: number;
    try {
      got = await this.request(prm.p);
    } catch (e) {
      if ((e as { code?: string }).code !== 'E_CONSOLE_NO_REPLY' || this.link !== link) throw e;
      got = await this.request(prm.p);
    }
    const actual = this.decode(prm, got);
    if (got !== raw) {
      throw new RadError(
        'E_CONSOLE_WRITE_MISMATCH',
        `SQ ${path}: wrote ${JSON.stringify(value)} (V ${raw}) but the console holds ${JSON.stringify(actual)} (V ${got})`,
        {
          details: { path, requested: value, actual },
        },
      );
    }
    return { path, requested: value, actual, raw: got };
  }

  /** Recall scene n; the SQ sends nothing back, so the driver re-syncs everything it tracks. */
  async recallScene(n: number): Promise<void> {
    if (!Number.isInteger(n) || n < 1 || n > 300) {
      throw new RadError('E_VALUE_RANGE', `scene ${n} does not exist on an SQ (1..300)`, {
        details: { value: n, min: 1, max: 300 },
      });
    }
    this.requireLink().write(Buffer.from(sceneRecall(this.channel, n)));
    this.emit('scene', n);
    await this.sync();
  }

  param(path: string): SqParam {
    const prm = sqParams().byPath.get(path);
    if (!prm) throw new RadError('E_UNKNOWN_PATH', `an SQ has no parameter '${path}'`, { details: { path } });
    return prm;
  }

  encode(prm: SqParam, value: SqValue): number {
    const bad = (range: string) =>
      new RadError('E_VALUE_RANGE', `${prm.path}: ${JSON.stringify(value)} is out of range (${range})`, {
        details: { path: prm.path, value, range },
      });
    switch (prm.kind) {
      case 'mute':
      case 'assign':
        if (typeof value !== 'boolean') throw bad('true or false');
        return value ? 1 : 0;
      case 'pan':
        if (typeof value !== 'number' || !Number.isFinite(value) || value < -100 || value > 100)
          throw bad('-100..100 %');
        return panToValue(value);
      case 'level':
        if (isMinusInf(value)) return 0;
        if (typeof value !== 'number' || Number.isNaN(value) || value > 10) throw bad('"-inf" or −89..+10 dB');
        return encodeLevel(this.law, value);
    }
  }

  decode(prm: SqParam, raw: number): SqValue {
    if (prm.kind === 'mute' || prm.kind === 'assign') return raw === 1;
    if (prm.kind === 'pan') return valueToPan(raw);
    return decodeLevel(this.law, raw) ?? '-inf';
  }

  // ---- wire ----

  private requireLink(): ByteLink {
    if (!this.link || this.state === 'offline')
      throw fail('E_CONSOLE_OFFLINE', `SQ at ${this.conn.where} is offline: ${this.detail}`);
    return this.link;
  }

  /** A get retried up to `tries` times; a parameter that never answers is listed missing, not fatal. */
  private async requestOrMissing(p: number, tries = 3): Promise<number | undefined> {
    for (let i = 0; i < tries; i++) {
      try {
        return await this.request(p);
      } catch (e) {
        if ((e as { code?: string }).code !== 'E_CONSOLE_NO_REPLY') throw e;
      }
    }
    this.missing.add(p);
    return undefined;
  }

  private request(p: number): Promise<number> {
    const link = this.requireLink();
    return new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => {
        const list = this.waiters.get(p) ?? [];
        const i = list.indexOf(w);
        if (i >= 0) list.splice(i, 1);
        const prm = sqParams().byP.get(p);
        const why = `SQ did not answer a get of ${prm?.path ?? p} in ${this.opts.replyTimeoutMs ?? 2000} ms`;
        reject(fail('E_CONSOLE_NO_REPLY', why, { path: prm?.path }));
        // the SQ has no keep-alive (ah-midi.md §1): unanswered gets are how a hung console shows,
        // but one lost reply is a lost reply: only a run of them means the console is gone
        if (this.link !== link) return;
        if (++this.missesInARow >= MISSES_OFFLINE) {
          this.missesInARow = 0;
          this.goOffline(`${why} (${MISSES_OFFLINE} gets in a row unanswered)`);
        } else this.doubt(link, why);
      }, this.opts.replyTimeoutMs ?? 2000);
      const w: Waiter = { resolve, reject, timer };
      const list = this.waiters.get(p);
      if (list) list.push(w);
      else this.waiters.set(p, [w]);
      link.write(Buffer.from(nrpnGet(this.channel, p)));
    });
  }

  /**
   * After an unanswered get, probe until the console says anything (a lost reply) or has said
   * nothing for SILENCE_MS (it is gone): one lost reply never takes the link down, silence does.
   */
  private doubting = false;
  private doubt(link: ByteLink, why: string): void {
    if (this.doubting) return;
    this.doubting = true;
    const probe = sqParams().list[0]!.p;
    void (async () => {
      try {
        while (this.link === link) {
          const silent = Date.now() - this.lastHeardAt;
          if (silent >= SILENCE_MS) {
            this.goOffline(`SQ stopped answering: nothing heard for ${(silent / 1000).toFixed(1)} s (${why})`);
            return;
          }
          try {
            await this.request(probe);
            return; // it answered: the reply was lost, the console is there
          } catch {
            // unanswered again: look at the silence once more
          }
        }
      } finally {
        this.doubting = false;
      }
    })();
  }

  private input(data: Buffer): void {
    this.lastHeardAt = Date.now();
    const before = this.parser.garbage;
    for (const m of this.parser.feed(data)) {
      if (m.kind === 'realtime' || m.kind === 'sysex' || m.kind === 'system') continue;
      if (m.channel !== this.channel) continue; // DAW strips and other gear: foreign, not counted as errors
      if (m.kind === 'program') {
        const bank = this.nrpn.bank;
        this.nrpn.bank = undefined;
        if (bank === undefined) continue; // SQ-5 1.5.x stray byte after a scene change (§2)
        const scene = bank * 128 + m.program + 1;
        this.emit('scene', scene);
        if (!this.syncing)
          this.sync().catch((e) =>
            this.emit('offline', `re-sync after scene ${scene} failed: ${(e as Error).message}`),
          );
        continue;
      }
      if (m.kind !== 'cc') continue;
      const n = this.nrpn;
      if (m.controller === 0x63) this.nrpn = { mb: m.value, bank: n.bank };
      else if (m.controller === 0x62) n.lb = m.value;
      else if (m.controller === 0x06) n.vc = m.value;
      else if (m.controller === 0x26 && n.mb !== undefined && n.lb !== undefined && n.vc !== undefined) {
        this.update(n.mb * 128 + n.lb, n.vc * 128 + m.value);
        n.vc = undefined;
      } else if (m.controller === 0x00) n.bank = m.value;
      else this.ignored++;
    }
    this.ignored += this.parser.garbage - before;
  }

  private update(p: number, raw: number): void {
    const prm = sqParams().byP.get(p);
    if (!prm) {
      this.ignored++;
      return;
    }
    const waiters = this.waiters.get(p);
    const prev = this.model.get(p);
    this.model.set(p, raw);
    this.missing.delete(p);
    if (waiters?.length) {
      this.missesInARow = 0;
      this.waiters.delete(p);
      for (const w of waiters) {
        clearTimeout(w.timer);
        w.resolve(raw);
      }
    }
    if (prev !== raw) {
      const source = waiters?.length ? (this.syncing ? 'sync' : 'rad') : 'console';
      this.emit('change', {
        path: prm.path,
        p,
        value: this.decode(prm, raw),
        raw,
        source,
        initial: prev === undefined,
      });
    }
  }

  private failWaiters(why: string): void {
    for (const [, list] of this.waiters) {
      for (const w of list) {
        clearTimeout(w.timer);
        w.reject(fail('E_CONSOLE_OFFLINE', `SQ connection lost: ${why}`));
      }
    }
    this.waiters.clear();
  }

  private goOffline(why: string): void {
    this.conn.drop(why);
  }
}
