import { describe, expect, it } from 'vitest';
import {
  parseQuSysex,
  quDest,
  quEndSync,
  quGetSystemState,
  quLevelToVa,
  quMute,
  quMuteFromVelocity,
  quNameReply,
  quNrpn,
  quPanToVa,
  quSceneRecall,
  quSetName,
  quStrip,
  quSystemStateReply,
  quVaToLevel,
  quVaToPan,
  quAssignFromVa,
  quAssignVa,
} from '../../../src/console/qu/codec.js';
import { MidiParser } from '../../../src/drivers/midi/parser.js';

const hex = (a: Uint8Array) => Array.from(a, (b) => b.toString(16).toUpperCase().padStart(2, '0')).join(' ');

describe('Qu strips and destinations (ah-midi.md §5.1, §5.3)', () => {
  it('numbers strips per model and refuses what the model lacks', () => {
    expect(quStrip('Qu-16', 'input', 1)).toBe(0x20);
    expect(quStrip('Qu-32', 'input', 32)).toBe(0x3f);
    expect(quStrip('Qu-16', 'stereo', 3)).toBe(0x42);
    expect(quStrip('Qu-16', 'fxreturn', 4)).toBe(0x0b);
    expect(quStrip('Qu-16', 'dca', 1)).toBe(0x10);
    expect(quStrip('Qu-16', 'mutegroup', 4)).toBe(0x53);
    expect(quStrip('Qu-16', 'mix', 7)).toBe(0x66);
    expect(quStrip('Qu-16', 'lr')).toBe(0x67);
    expect(quStrip('Qu-32', 'group', 4)).toBe(0x6b);
    expect(quStrip('Qu-24', 'matrix', 2)).toBe(0x6d);
    expect(() => quStrip('Qu-16', 'input', 17)).toThrow(/input 17 does not exist on a Qu-16/);
    expect(() => quStrip('Qu-16', 'group', 1)).toThrow(/none/);
    expect(() => quStrip('Qu-16', 'fxsend', 3)).toThrow(/1\.\.2/);
    expect(() => quStrip('Qu-24', 'group', 3)).toThrow();
  });

  it('maps send destinations to VX', () => {
    expect(quDest('Qu-32', { kind: 'mix', n: 1 })).toBe(0x00);
    expect(quDest('Qu-32', { kind: 'mix', n: 7 })).toBe(0x06);
    expect(quDest('Qu-32', { kind: 'lr' })).toBe(0x07);
    expect(quDest('Qu-32', { kind: 'group', n: 4 })).toBe(0x0b);
    expect(quDest('Qu-32', { kind: 'matrix', n: 2 })).toBe(0x0d);
    expect(quDest('Qu-32', { kind: 'fxsend', n: 4 })).toBe(0x13);
    expect(() => quDest('Qu-16', { kind: 'matrix', n: 1 })).toThrow();
  });
});

describe('Qu messages', () => {
  it('writes NRPN fields as four separate bytes; the real Qu-16 first state bytes decode as input 1 fader', () => {
    expect(hex(quNrpn(0, quStrip('Qu-16', 'input', 1), 0x17, 0x4d))).toBe('B0 63 20 B0 62 17 B0 06 4D B0 26 07');
    const msgs = new MidiParser().feed(Uint8Array.from([0xb0, 0x63, 0x20, 0x62, 0x17, 0x06, 0x4d, 0x26, 0x07]));
    expect(msgs.map((m) => (m.kind === 'cc' ? [m.controller, m.value] : []))).toEqual([
      [0x63, 0x20],
      [0x62, 0x17],
      [0x06, 0x4d],
      [0x26, 0x07],
    ]);
  });

  it('mutes by Note On 7F / 3F with a release, and reads velocities by the receive rule', () => {
    expect(hex(quMute(0, 0x20, true))).toBe('90 20 7F 90 20 00');
    expect(hex(quMute(0, 0x67, false))).toBe('90 67 3F 90 67 00');
    expect(quMuteFromVelocity(0x7f)).toBe(true);
    expect(quMuteFromVelocity(0x40)).toBe(true);
    expect(quMuteFromVelocity(0x3f)).toBe(false);
    expect(quMuteFromVelocity(0x01)).toBe(false);
    expect(quMuteFromVelocity(0x00)).toBeUndefined();
  });

  it('recalls scenes with bank 00, 20 00 and a program change', () => {
    expect(hex(quSceneRecall(0, 1))).toBe('B0 00 00 B0 20 00 C0 00');
    expect(hex(quSceneRecall(3, 100))).toBe('B3 00 00 B3 20 00 C3 63');
    expect(() => quSceneRecall(0, 101)).toThrow(/scene 101/);
  });
});

describe('Qu fader/send law and pan (§5.5)', () => {
  const ROWS: Array<[number | null, number]> = [
    [10, 0x7f],
    [5, 0x72],
    [0, 0x62],
    [-5, 0x4f],
    [-10, 0x3f],
    [-15, 0x36],
    [-20, 0x2f],
    [-25, 0x27],
    [-30, 0x1f],
    [-35, 0x17],
    [-40, 0x10],
    [-45, 0x0c],
    [-50, 0x08],
    [null, 0x00],
  ];
  it('encodes and decodes every published point exactly', () => {
    for (const [db, va] of ROWS) {
      expect(quLevelToVa(db), `${db} dB`).toBe(va);
      expect(quVaToLevel(va), `VA ${va}`).toBe(db);
    }
  });
  it('interpolates between points and stays monotonic over all 128 steps', () => {
    expect(quLevelToVa(-2.5)).toBe(Math.round((0x4f + 0x62) / 2));
    let prev = Number.NEGATIVE_INFINITY;
    for (let va = 1; va < 128; va++) {
      const db = quVaToLevel(va)!;
      expect(db).toBeGreaterThan(prev);
      prev = db;
      expect(quLevelToVa(db)).toBe(va);
    }
  });
  it('pan: 00 left, 25 centre, 4A right', () => {
    expect(quPanToVa(-100)).toBe(0x00);
    expect(quPanToVa(0)).toBe(0x25);
    expect(quPanToVa(100)).toBe(0x4a);
    expect(quVaToPan(0x25)).toBe(0);
    expect(quVaToPan(0x00)).toBe(-100);
    expect(quVaToPan(0x4a)).toBe(100);
  });
});

describe('Qu SysEx frames (§5.7), against the real Qu-16 capture', () => {
  it('builds the request, reply, end sync and name frames byte for byte', () => {
    expect(hex(quGetSystemState())).toBe('F0 00 00 1A 50 11 01 00 7F 10 00 F7');
    expect(hex(quSystemStateReply(0, 'Qu-16', 1, 0x61))).toBe('F0 00 00 1A 50 11 01 00 00 11 01 01 61 F7');
    expect(hex(quEndSync(0))).toBe('F0 00 00 1A 50 11 01 00 00 14 F7');
    expect(hex(quNameReply(0, 0x22, 'VIOLIN'))).toBe('F0 00 00 1A 50 11 01 00 00 02 22 56 49 4F 4C 49 4E 00 F7');
    expect(hex(quSetName(0, 0x20, 'Kick drum\u00e9'))).toBe('F0 00 00 1A 50 11 01 00 00 03 20 4B 69 63 6B 20 64 F7');
  });

  it('parses them back and refuses foreign or broken frames', () => {
    expect(parseQuSysex(Uint8Array.from([0xf0, 0, 0, 0x1a, 0x50, 0x11, 1, 0, 0, 0x11, 1, 1, 0x61, 0xf7]))).toEqual({
      kind: 'state-reply',
      channel: 0,
      model: 'Qu-16',
      box: 1,
      firmware: '1.97',
    });
    expect(parseQuSysex(quNameReply(0, 0x22, 'VIOLIN'))).toEqual({
      kind: 'name',
      channel: 0,
      strip: 0x22,
      name: 'VIOLIN',
    });
    expect(parseQuSysex(quNameReply(0, 0x23, ''))).toEqual({ kind: 'name', channel: 0, strip: 0x23, name: '' });
    expect(parseQuSysex(quEndSync(4))).toEqual({ kind: 'end-sync', channel: 4 });
    expect(parseQuSysex(quGetSystemState(true))).toEqual({ kind: 'state-request', channel: 0x7f, quPad: true });
    // dLive family byte 10, a non-A&H frame, a truncated frame
    expect(parseQuSysex(Uint8Array.from([0xf0, 0, 0, 0x1a, 0x50, 0x10, 1, 0, 0, 0x14, 0xf7]))).toBeUndefined();
    expect(parseQuSysex(Uint8Array.from([0xf0, 0x7f, 0x7f, 0x06, 0x02, 0xf7]))).toBeUndefined();
    expect(parseQuSysex(Uint8Array.from([0xf0, 0, 0, 0x1a, 0x50, 0x11, 1, 0, 0, 0x11, 1, 0xf7]))).toBeUndefined();
  });
});

describe('Qu DCA and mute-group assignment values (ah-midi.md §5.2)', () => {
  it('40 + (n−1) assigns, (n−1) removes; anything past 4 is not an assignment', () => {
    expect([1, 2, 3, 4].map((n) => quAssignVa(n, true))).toEqual([0x40, 0x41, 0x42, 0x43]);
    expect([1, 2, 3, 4].map((n) => quAssignVa(n, false))).toEqual([0x00, 0x01, 0x02, 0x03]);
    expect(quAssignFromVa(0x42)).toEqual({ n: 3, on: true });
    expect(quAssignFromVa(0x03)).toEqual({ n: 4, on: false });
    expect(quAssignFromVa(0x44)).toBeUndefined();
    expect(quAssignFromVa(0x10)).toBeUndefined();
  });
});
