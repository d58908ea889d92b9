import { isMinusInf } from '../model-state.ts';
import { EventEmitter } from 'node:events';
import { RadError, fail } from '../../core/errors.ts';
import { MidiParser } from '../../drivers/midi/parser.ts';
import type { ByteLink } from '../../drivers/stream.ts';
import { MidiConnection } from '../midi-connection.ts';
import type { MidiTransport } from '../../drivers/midi/transport.ts';
import {
  parseQuSysex,
  quAssignVa,
  type QuModel,
  quCleanName,
  quGetSystemState,
  quLevelToVa,
  quMute,
  quMuteFromVelocity,
  quNrpn,
  quPanToVa,
  quSceneRecall,
  quSetName,
  quVaToLevel,
  quVaToPan,
} from './codec.ts';
import { type QuParam, quAssignKey, quParams } from './params.ts';

export type QuDriverOptions = {
  host?: string;
  port?: number;
  midiPort?: string;
  model?: QuModel;
  keepAliveMs?: number;
  silenceMs?: number;
  syncTimeoutMs?: number;
  reconnect?: boolean;
};
export type QuValue = number | boolean | string | null;
export type QuChange = { path: string; value: QuValue; source: 'console' | 'sync'; initial: boolean };

/**
 * Driver for an Allen & Heath Qu over MIDI-over-TCP (ah-midi.md §1, §5, §7, §8): Get System
 * State at connect (the console's reply teaches the MIDI channel and model, then the dump, then
 * End Sync), `FE` every second, incoming `FE` as liveness (offline after 5 s of silence). The Qu
 * has no per-parameter get, so writes are verified by a fresh state dump.
 */
export class QuDriver extends EventEmitter<{ change: [QuChange]; online: []; offline: [string]; scene: [number] }> {
  readonly model = new Map<string, number | string>();
  channel = 0;
  console: QuModel;
  firmware = '';
  state: 'offline' | 'syncing' | 'online' = 'offline';
  detail = 'not connected';
  ignored = 0;
  private parser = new MidiParser();
  private nrpn: { ch?: number; id?: number; va?: number; bank?: number } = {};
  private syncWait: { resolve: () => void; reject: (e: Error) => void; timer: NodeJS.Timeout } | undefined;
  private syncing = false;
  private lastHeard = 0;
  private timer: NodeJS.Timeout | undefined;

  readonly transport: MidiTransport;

  constructor(private readonly opts: QuDriverOptions) {
    super();
    this.transport = opts.midiPort
      ? { kind: 'port', name: opts.midiPort }
      : { kind: 'tcp', host: opts.host ?? '127.0.0.1', port: opts.port ?? 51325 };
    this.console = opts.model ?? 'Qu-32';
    this.conn = new MidiConnection(this.transport, {
      family: 'Qu',
      reconnect: opts.reconnect,
      data: (d) => this.input(d),
      online: () => this.emit('online'),
      // a Qu takes one TCP MIDI client at a time and closes a second one at once, before a byte:
      // say so only when that is what happened (not for a refusal, a reset or a timeout)
      closeNote: (why) =>
        this.transport.kind === 'tcp' && why === 'closed by the device' && !this.heard
          ? ' at once, before sending anything (a Qu takes one TCP MIDI client at a time: is another editor connected?)'
          : '',
      opened: async () => {
        this.parser = new MidiParser();
        this.heard = false;
        this.nrpn = {};
        this.lastHeard = Date.now();
        clearInterval(this.timer);
        this.timer = setInterval(() => this.tick(), this.opts.keepAliveMs ?? 1000);
        this.timer.unref();
        await this.syncSettled();
      },
      lost: (why) => {
        clearInterval(this.timer);
        const was = this.state;
        this.state = 'offline';
        this.detail = why;
        if (this.syncWait) {
          clearTimeout(this.syncWait.timer);
          this.syncWait.reject(fail('E_CONSOLE_OFFLINE', `Qu connection lost: ${why}`));
          this.syncWait = undefined;
          this.syncing = false;
        }
        if (was !== 'offline') this.emit('offline', why);
      },
    });
  }

  private readonly conn: MidiConnection;

  private get link(): ByteLink | undefined {
    return this.conn.link;
  }

  async connect(): Promise<void> {
    await this.conn.connect();
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.conn.close();
    this.state = 'offline';
    this.detail = 'closed';
  }

  /** How long the last complete dump took (ms): the next one's time limit follows it. */
  private lastDumpMs: number | undefined;

  /** A dump's time limit: syncTimeoutMs if set, else 5× the last dump + 500 ms (1–5 s), 5 s before the first. */
  private dumpLimitMs(): number {
    if (this.opts.syncTimeoutMs !== undefined) return this.opts.syncTimeoutMs;
    if (this.lastDumpMs === undefined) return 5000;
    return Math.min(5000, Math.max(1000, 5 * this.lastDumpMs + 500));
  }

  /** Get System State → reply, dump, End Sync. */
  sync(): Promise<void> {
    const link = this.requireLink(true);
    this.state = 'syncing';
    const limit = this.dumpLimitMs();
    const t0 = performance.now();
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.syncWait = undefined;
        this.syncing = false;
        reject(fail('E_CONSOLE_NO_REPLY', `Qu did not finish its state dump in ${Math.round(limit)} ms`));
      }, limit);
      this.syncWait = {
        resolve: () => {
          this.lastDumpMs = performance.now() - t0;
          resolve();
        },
        reject,
        timer,
      };
      this.syncing = true;
      link.write(Buffer.concat([Uint8Array.of(0xfe), quGetSystemState()]));
    });
  }

  /**
   * A dump that never ends (its reply or End Sync lost) is asked for again, up to 3 times in all
   * (ah-midi issue rule: one lost reply is not a failure); only then is it an error.
   */
  async syncSettled(tries = 3): Promise<void> {
    for (let i = 1; ; i++) {
      try {
        await this.sync();
        return;
      } catch (e) {
        if ((e as { code?: string }).code !== 'E_CONSOLE_NO_REPLY' || i >= tries) throw e;
        this.dumpsRetried++;
      }
    }
  }

  /** Dumps asked for again after one went unanswered. */
  dumpsRetried = 0;

  param(path: string): QuParam {
    const p = quParams(this.console).byPath.get(path);
    if (!p)
      throw new RadError('E_UNKNOWN_PATH', `a ${this.console} has no parameter '${path}'`, {
        details: { path },
      });
    return p;
  }

  get(path: string): QuValue | undefined {
    const p = this.param(path);
    const raw = this.model.get(p.key);
    return raw === undefined ? undefined : this.decode(p, raw);
  }

  encode(p: QuParam, value: QuValue): number | string {
    const bad = (range: string) =>
      new RadError('E_VALUE_RANGE', `${p.path}: ${JSON.stringify(value)} is out of range (${range})`, {
        details: { path: p.path, value, range },
      });
    switch (p.kind) {
      case 'mute':
      case 'assign':
      case 'lr':
      case 'phantom':
      case 'dca':
      case 'mgroup':
        if (typeof value !== 'boolean') throw bad('true or false');
        return value ? 1 : 0;
      case 'name':
        if (typeof value !== 'string' || quCleanName(value) !== value) throw bad('up to 6 printable ASCII characters');
        return value;
      case 'pan':
        if (typeof value !== 'number' || !(value >= -100 && value <= 100)) throw bad('-100..100 %');
        return quPanToVa(value);
      default:
        if (isMinusInf(value)) return 0;
        if (typeof value !== 'number' || Number.isNaN(value) || value > 10) throw bad('"-inf" or ..+10 dB');
        return quLevelToVa(value);
    }
  }

  decode(p: QuParam, raw: number | string): QuValue {
    if (p.kind === 'name') return String(raw);
    if (
      p.kind === 'mute' ||
      p.kind === 'assign' ||
      p.kind === 'lr' ||
      p.kind === 'phantom' ||
      p.kind === 'dca' ||
      p.kind === 'mgroup'
    )
      return raw === 1;
    if (p.kind === 'pan') return quVaToPan(Number(raw));
    return quVaToLevel(Number(raw)) ?? '-inf';
  }

  /** Writes, then one state dump; each entry verified against what the console now holds. */
  async write(
    changes: Array<{ path: string; value: QuValue }>,
  ): Promise<Array<{ path: string; requested: QuValue; actual: QuValue | undefined; ok: boolean }>> {
    const prepared = changes.map((c) => {
      const p = this.param(c.path);
      return { c, p, raw: this.encode(p, c.value) };
    });
    const link = this.requireLink();
    for (const { p, raw } of prepared) {
      if (p.kind === 'mute') link.write(Buffer.from(quMute(this.channel, p.ch, raw === 1)));
      else if (p.kind === 'name') link.write(Buffer.from(quSetName(this.channel, p.ch, String(raw))));
      else if (p.kind === 'dca' || p.kind === 'mgroup')
        link.write(Buffer.from(quNrpn(this.channel, p.ch, p.id!, quAssignVa(p.n!, raw === 1), this.vxFor(p))));
      else link.write(Buffer.from(quNrpn(this.channel, p.ch, p.id!, Number(raw), this.vxFor(p))));
    }
    // the verifying dump: one that is lost is settled by another dump, not reported as a failed write
    await this.syncSettled();
    return prepared.map(({ c, p, raw }) => {
      const got = this.model.get(p.key);
      return {
        path: c.path,
        requested: c.value,
        actual: got === undefined ? undefined : this.decode(p, got),
        ok: got === raw,
      };
    });
  }

  /** Recall scene n (1..100), then re-request the state: the Qu does not send what changed. */
  async recallScene(n: number): Promise<void> {
    if (!Number.isInteger(n) || n < 1 || n > 100) {
      throw new RadError('E_VALUE_RANGE', `scene ${n} does not exist on a Qu (1..100)`, {
        details: { value: n, min: 1, max: 100 },
      });
    }
    this.requireLink().write(Buffer.from(quSceneRecall(this.channel, n)));
    this.emit('scene', n);
    await this.syncSettled();
  }

  private requireLink(duringSync = false): ByteLink {
    if (!this.link || (this.state === 'offline' && !duringSync))
      throw fail('E_CONSOLE_OFFLINE', `Qu at ${this.conn.where} is offline: ${this.detail}`);
    return this.link;
  }

  private tick(): void {
    if (!this.link) return;
    if (Date.now() - this.lastHeard > (this.opts.silenceMs ?? 5000)) {
      this.goOffline(`no byte from the Qu for ${this.opts.silenceMs ?? 5000} ms (it sends FE every 300 ms)`);
      return;
    }
    this.link.write(Buffer.of(0xfe));
  }

  private set(key: string, raw: number | string): void {
    const p = quParams(this.console).byKey.get(key);
    if (!p) {
      this.ignored++;
      return;
    }
    const prev = this.model.get(key);
    this.model.set(key, raw);
    if (prev !== raw)
      this.emit('change', {
        path: p.path,
        value: this.decode(p, raw),
        source: this.syncing ? 'sync' : 'console',
        initial: prev === undefined,
      });
  }

  /** Whether the console has sent a byte on this connection. */
  private heard = false;

  private input(data: Buffer): void {
    this.lastHeard = Date.now();
    this.heard = true;
    const before = this.parser.garbage;
    for (const m of this.parser.feed(data)) {
      if (m.kind === 'realtime' || m.kind === 'system') continue;
      if (m.kind === 'sysex') {
        const s = parseQuSysex(m.data);
        if (!s) continue; // MMC and foreign SysEx
        if (s.kind === 'state-reply') {
          this.channel = s.channel; // learn the mixer channel here (§5.7)
          if (s.model) this.console = s.model;
          this.firmware = s.firmware;
        } else if (s.kind === 'name' && s.channel === this.channel) this.set(`${s.strip}:name`, s.name);
        else if (s.kind === 'end-sync' && s.channel === this.channel && this.syncWait) {
          const w = this.syncWait;
          this.syncWait = undefined;
          this.syncing = false;
          clearTimeout(w.timer);
          this.state = 'online';
          this.detail = `${this.console} firmware ${this.firmware}, ${this.model.size} parameters`;
          w.resolve();
        }
        continue;
      }
      if (m.channel !== this.channel) continue;
      if (m.kind === 'program') {
        const banked = this.nrpn.bank !== undefined;
        this.nrpn.bank = undefined;
        if (banked) {
          this.emit('scene', m.program + 1);
          if (!this.syncing) this.sync().catch(() => {}); // a failed re-sync shows up as offline
        }
        continue;
      }
      if (m.kind === 'note-on') {
        const on = quMuteFromVelocity(m.velocity);
        if (on !== undefined) this.set(`${m.note}:mute`, on ? 1 : 0);
      } else if (m.kind === 'cc') {
        const n = this.nrpn;
        if (m.controller === 0x00) n.bank = m.value;
        else if (m.controller === 0x63) this.nrpn = { ch: m.value, bank: n.bank };
        else if (m.controller === 0x62) n.id = m.value;
        else if (m.controller === 0x06) n.va = m.value;
        else if (m.controller === 0x26 && n.ch !== undefined && n.id !== undefined && n.va !== undefined) {
          const a = quAssignKey(n.ch, n.id, n.va);
          if (a) this.set(a.key, a.on ? 1 : 0);
          else if (quParams(this.console).byKey.has(`${n.ch}:${n.id}:${m.value}`))
            this.set(`${n.ch}:${n.id}:${m.value}`, n.va);
          else if (m.value === 0x00 && quParams(this.console).byKey.has(`${n.ch}:${n.id}:7`)) {
            // a real Qu-16 (1.97) sends master faders, DCA and mute-group assigns with VX 00 where the
            // document says 07 (ah-midi.md §5.2 "Field capture vs document"): the same parameter;
            // writes then use the form this console has shown
            this.vxShown.set(`${n.ch}:${n.id}`, 0x00);
            this.set(`${n.ch}:${n.id}:7`, n.va);
          }
          // processing IDs (EQ, gate, comp...) are part of the dump but not modelled here
          n.va = undefined;
        }
      }
    }
    this.ignored += this.parser.garbage - before;
  }

  /** Per CH:ID, the VX form this console itself used when it is not the document's (00 for 07). */
  private readonly vxShown = new Map<string, number>();

  /** The document's VX, unless the console has shown another form for this parameter. */
  private vxFor(p: { ch: number; id?: number; vx?: number }): number {
    return this.vxShown.get(`${p.ch}:${p.id}`) ?? p.vx!;
  }

  private goOffline(why: string): void {
    this.conn.drop(why);
  }
}
