import { hexDigits, parseRelayChar } from '../../patchbay/numato/codec.ts';
import { type SimSession, LineDeviceSim } from './base.ts';

/**
 * Numato USB relay module simulator: echoes what is typed, answers, then prints the `>` prompt.
 * `relay on|off|read N`, `relay readall`, `relay writeall XX`, `ver`, `id get`, `reset`.
 * Relays are the state; the matrix view (`map`) is not used by this device.
 */
export class NumatoSim extends LineDeviceSim {
  bits = 0;
  /** Relays that report success but never move (welded contact). */
  readonly stuckRelays = new Set<number>();

  constructor(readonly relayCount: 8 | 16 | 32 = 32) {
    super(1, 1);
  }

  protected splitCommands(s: SimSession, chunk: string): string[] {
    s.write(chunk.replace(/\r/g, '\n\r')); // the firmware echoes typed characters
    return this.splitOn(s, chunk.replace(/\n/g, ''), (buf) => {
      const i = buf.indexOf('\r');
      return i < 0 ? 0 : i + 1;
    });
  }

  private setRelay(n: number, on: boolean): void {
    if (this.stuckRelays.has(n)) return;
    this.bits = on ? (this.bits | (1 << n)) >>> 0 : (this.bits & ~(1 << n)) >>> 0;
  }

  protected handle(s: SimSession, raw: string): unknown {
    const cmd = raw.replace(/\r$/, '').trim();
    const out = (text: string) => this.reply(s, `${text ? `${text}\n\r` : ''}>`);
    if (cmd === '') return out('');
    let m: RegExpExecArray | null;
    if ((m = /^relay (on|off|read) (\S+)$/.exec(cmd))) {
      const n = parseRelayChar(m[2]!);
      if (n === undefined || n >= this.relayCount) return out('Invalid relay number');
      if (m[1] === 'read') return out(this.bits & (1 << n) ? 'on' : 'off');
      this.setRelay(n, m[1] === 'on');
      return out('');
    }
    if (cmd === 'relay readall')
      return out(this.bits.toString(16).toUpperCase().padStart(hexDigits(this.relayCount), '0'));
    if ((m = /^relay writeall ([0-9A-Fa-f]+)$/.exec(cmd))) {
      if (m[1]!.length !== hexDigits(this.relayCount)) return out('Invalid bitmap');
      const want = Number.parseInt(m[1]!, 16) >>> 0;
      for (let r = 0; r < this.relayCount; r++) this.setRelay(r, (want & (1 << r)) !== 0);
      return out('');
    }
    if (cmd === 'ver') return out('00000008');
    if (cmd === 'id get') return out('RADSIM01');
    if (cmd === 'reset') {
      for (let r = 0; r < this.relayCount; r++) this.setRelay(r, false);
      return out('');
    }
    return out('Invalid command');
  }
}
