import { describe, expect, it } from 'vitest';
import { MidiParser } from '../../src/drivers/midi/parser.js';

describe('MIDI byte-stream parser', () => {
  it('parses an SQ NRPN sent with running status, with active sensing in the middle', () => {
    const p = new MidiParser();
    const msgs = p.feed(Uint8Array.from([0xb0, 0x63, 0x40, 0xfe, 0x62, 0x00, 0x06, 0x76, 0x26, 0x5c]));
    expect(msgs).toEqual([
      { kind: 'cc', channel: 0, controller: 0x63, value: 0x40 },
      { kind: 'realtime', byte: 0xfe },
      { kind: 'cc', channel: 0, controller: 0x62, value: 0x00 },
      { kind: 'cc', channel: 0, controller: 0x06, value: 0x76 },
      { kind: 'cc', channel: 0, controller: 0x26, value: 0x5c },
    ]);
    expect(p.garbage).toBe(0);
  });

  it('reassembles messages split across reads, byte by byte', () => {
    const p = new MidiParser();
    const stream = [0xb2, 0x00, 0x01, 0xc2, 0x1b, 0x9a, 0x30, 0x7f, 0x8a, 0x30, 0x00];
    const out = stream.flatMap((b) => p.feed(Uint8Array.of(b)));
    expect(out).toEqual([
      { kind: 'cc', channel: 2, controller: 0, value: 1 },
      { kind: 'program', channel: 2, program: 0x1b },
      { kind: 'note-on', channel: 10, note: 0x30, velocity: 0x7f },
      { kind: 'note-off', channel: 10, note: 0x30, velocity: 0 },
    ]);
  });

  it('parses SysEx, drops an unterminated one, and counts stray data bytes', () => {
    const p = new MidiParser();
    const sx = [0xf0, 0x00, 0x00, 0x1a, 0x50, 0x11, 0x01, 0x00, 0x00, 0x11, 0x03, 0x01, 0x61, 0xf7];
    const out = p.feed(Uint8Array.from([0x12, 0x13, ...sx, 0xf0, 0x01, 0x02, 0xb1, 0x07, 0x64]));
    expect(out[0]).toEqual({ kind: 'sysex', data: Uint8Array.from(sx) });
    expect(out[1]).toEqual({ kind: 'cc', channel: 1, controller: 7, value: 0x64 });
    expect(out).toHaveLength(2);
    expect(p.garbage).toBe(2 + 3); // two stray data bytes, the dropped SysEx body + its terminator status
  });

  it('data after a system common message does not reuse the old running status', () => {
    const p = new MidiParser();
    const out = p.feed(Uint8Array.from([0xb0, 0x07, 0x10, 0xf3, 0x05, 0x07, 0x20]));
    expect(out).toEqual([
      { kind: 'cc', channel: 0, controller: 7, value: 0x10 },
      { kind: 'system', status: 0xf3, data: [5] },
    ]);
    expect(p.garbage).toBe(2);
  });
});
