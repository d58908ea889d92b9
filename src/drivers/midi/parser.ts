/**
 * MIDI byte-stream parser shared by every transport (TCP 51325, MIDI ports): running status,
 * real-time bytes (F8–FF, e.g. FE active sensing) between any two bytes, SysEx, messages split
 * across reads or many in one read. Pure: feed bytes, get messages.
 */

export type MidiMessage =
  | { kind: 'cc'; channel: number; controller: number; value: number }
  | { kind: 'note-on'; channel: number; note: number; velocity: number }
  | { kind: 'note-off'; channel: number; note: number; velocity: number }
  | { kind: 'program'; channel: number; program: number }
  | { kind: 'pitch-bend'; channel: number; value: number }
  | { kind: 'aftertouch'; channel: number; data: number[] }
  | { kind: 'sysex'; data: Uint8Array }
  | { kind: 'realtime'; byte: number }
  | { kind: 'system'; status: number; data: number[] };

const DATA_LEN: Record<number, number> = { 128: 2, 144: 2, 160: 2, 176: 2, 192: 1, 208: 1, 224: 2 };
const SYSTEM_LEN: Record<number, number> = { 241: 1, 242: 2, 243: 1, 246: 0 };
const MAX_SYSEX = 64 * 1024;

export class MidiParser {
  private running = 0; // running status (channel voice only)
  private data: number[] = [];
  private sysex: number[] | undefined;
  /** Bytes that fit no message (data with no status, overlong SysEx): counted, never thrown. */
  garbage = 0;

  feed(bytes: Uint8Array, out: MidiMessage[] = []): MidiMessage[] {
    for (const b of bytes) this.byte(b, out);
    return out;
  }

  private byte(b: number, out: MidiMessage[]): void {
    if (b >= 0xf8) {
      out.push({ kind: 'realtime', byte: b }); // may sit between any two bytes; state untouched
      return;
    }
    if (this.sysex) {
      if (b === 0xf7) {
        out.push({ kind: 'sysex', data: Uint8Array.from([0xf0, ...this.sysex, 0xf7]) });
        this.sysex = undefined;
        return;
      }
      if (b < 0x80) {
        if (this.sysex.length < MAX_SYSEX) this.sysex.push(b);
        else this.garbage++;
        return;
      }
      // a status byte ends an unterminated SysEx (dropped)
      this.garbage += this.sysex.length + 1;
      this.sysex = undefined;
    }
    if (b === 0xf0) {
      this.sysex = [];
      this.running = 0;
      return;
    }
    if (b >= 0x80) {
      this.data = [];
      if (b >= 0xf0) {
        this.running = 0; // system common cancels running status
        const n = SYSTEM_LEN[b];
        if (n === 0) out.push({ kind: 'system', status: b, data: [] });
        else if (n !== undefined) this.running = b;
        return;
      }
      this.running = b;
      return;
    }
    // a data byte
    if (this.running === 0) {
      this.garbage++;
      return;
    }
    this.data.push(b);
    const st = this.running;
    const need = st >= 0xf0 ? SYSTEM_LEN[st]! : DATA_LEN[st & 0xf0]!;
    if (this.data.length < need) return;
    const d = this.data;
    this.data = [];
    if (st >= 0xf0) {
      out.push({ kind: 'system', status: st, data: d });
      this.running = 0;
      return;
    }
    const channel = st & 0x0f;
    switch (st & 0xf0) {
      case 0xb0:
        out.push({ kind: 'cc', channel, controller: d[0]!, value: d[1]! });
        break;
      case 0x90:
        out.push({ kind: 'note-on', channel, note: d[0]!, velocity: d[1]! });
        break;
      case 0x80:
        out.push({ kind: 'note-off', channel, note: d[0]!, velocity: d[1]! });
        break;
      case 0xc0:
        out.push({ kind: 'program', channel, program: d[0]! });
        break;
      case 0xe0:
        out.push({ kind: 'pitch-bend', channel, value: d[0]! | (d[1]! << 7) });
        break;
      default:
        out.push({ kind: 'aftertouch', channel, data: d });
    }
  }
}
