import { sqParams } from '../../../src/console/sq/params.ts';
import { describe, expect, it } from 'vitest';
import {
  audioToLevel,
  levelToAudio,
  levelToLinear,
  linearToLevel,
  masterParam,
  muteParam,
  nrpnGet,
  nrpnWrite,
  panToValue,
  sceneRecall,
  sendParam,
  splitParam,
  valueToPan,
} from '../../../src/console/sq/codec.js';

const hex = (p: number) => {
  const { mb, lb } = splitParam(p);
  return [mb, lb].map((b) => b.toString(16).toUpperCase().padStart(2, '0')).join(' ');
};
const bytes = (a: Uint8Array) => Array.from(a, (b) => b.toString(16).toUpperCase().padStart(2, '0')).join(' ');

describe('SQ parameter numbers (ah-midi.md §3)', () => {
  it('matches every worked example of the reference', () => {
    expect(hex(sendParam('level', 'input', 1, 'aux', 1))).toBe('40 44');
    expect(hex(sendParam('level', 'input', 2, 'aux', 1))).toBe('40 50');
    expect(hex(sendParam('level', 'input', 40, 'aux', 5))).toBe('44 1C');
    expect(hex(sendParam('level', 'input', 48, 'aux', 12))).toBe('45 03');
    expect(hex(sendParam('level', 'group', 4, 'aux', 8))).toBe('45 2F');
    expect(hex(sendParam('level', 'input', 36, 'fxsend', 3))).toBe('4D 22');
    expect(hex(sendParam('pan', 'input', 24, 'aux', 5))).toBe('52 5C');
    expect(hex(sendParam('assign', 'fxreturn', 1, 'aux', 7))).toBe('66 1A');
    expect(hex(sendParam('assign', 'group', 2, 'matrix', 2))).toBe('6E 4F');
  });

  it('places pan at level MB + 10 and assign at level MB + 20 for the same LB', () => {
    for (const [src, sink] of [
      ['input', 'aux'],
      ['group', 'aux'],
      ['fxreturn', 'aux'],
      ['lr', 'matrix'],
    ] as const) {
      const l = splitParam(sendParam('level', src, 1, sink, 2));
      const p = splitParam(sendParam('pan', src, 1, sink, 2));
      const a = splitParam(sendParam('assign', src, 1, sink, 2));
      expect(p).toEqual({ mb: l.mb + 0x10, lb: l.lb });
      expect(a).toEqual({ mb: l.mb + 0x20, lb: l.lb });
    }
  });

  it('mutes and masters', () => {
    expect(hex(muteParam('input', 1))).toBe('00 00');
    expect(hex(muteParam('input', 48))).toBe('00 2F');
    expect(hex(muteParam('lr', 1))).toBe('00 44');
    expect(hex(muteParam('aux', 12))).toBe('00 50');
    expect(hex(muteParam('matrix', 3))).toBe('00 57');
    expect(hex(muteParam('dca', 8))).toBe('02 07');
    expect(hex(muteParam('mutegroup', 1))).toBe('04 00');
    expect(hex(masterParam('level', 'lr', 1))).toBe('4F 00');
    expect(hex(masterParam('level', 'aux', 12))).toBe('4F 0C');
    expect(hex(masterParam('level', 'fxsend', 4))).toBe('4F 10');
    expect(hex(masterParam('balance', 'matrix', 3))).toBe('5F 13');
    expect(hex(masterParam('level', 'dca', 8))).toBe('4F 27');
    // FX send balances, ah-midi.md §3.3 ("doc lists 5F 0D..5F 10")
    expect(hex(masterParam('balance', 'fxsend', 1))).toBe('5F 0D');
    expect(hex(masterParam('balance', 'fxsend', 4))).toBe('5F 10');
    expect(sqParams().byPath.get('fxsend/4/balance')).toMatchObject({ kind: 'pan' });
    expect(sqParams().list).toHaveLength(4245);
  });

  it('refuses strips and routes an SQ does not have, naming them', () => {
    expect(() => muteParam('input', 49)).toThrow(/input 49/);
    expect(() => muteParam('dca', 0)).toThrow(/dca 0/);
    expect(() => sendParam('level', 'input', 1, 'group', 1)).toThrow(/no level for input → group/);
    expect(() => sendParam('pan', 'input', 1, 'fxsend', 1)).toThrow(/no pan/);
    expect(() => sendParam('level', 'input', 1, 'aux', 13)).toThrow(/aux 13/);
    expect(() => masterParam('balance', 'dca', 1)).toThrow(/no balance/);
  });
});

describe('SQ messages', () => {
  it('writes an NRPN with the status on every message and gets with CC 96 7F', () => {
    // Ip1 → LR level 0 dB on MIDI channel 1
    expect(bytes(nrpnWrite(0, sendParam('level', 'input', 1, 'lr', 1), levelToLinear(0)))).toBe(
      'B0 63 40 B0 62 00 B0 06 76 B0 26 5C',
    );
    expect(bytes(nrpnGet(2, muteParam('lr', 1)))).toBe('B2 63 00 B2 62 44 B2 60 7F');
  });

  it('recalls scenes with bank select + program change', () => {
    expect(bytes(sceneRecall(0, 7))).toBe('B0 00 00 C0 06');
    expect(bytes(sceneRecall(2, 156))).toBe('B2 00 01 C2 1B');
    expect(bytes(sceneRecall(0, 264))).toBe('B0 00 02 C0 07');
    expect(() => sceneRecall(0, 301)).toThrow(/scene 301/);
    expect(() => sceneRecall(0, 0)).toThrow(/scene 0/);
  });
});

describe('SQ level and pan laws (ah-midi.md §4)', () => {
  const LINEAR: Array<[number, number]> = [
    [-89, 4630],
    [-50, 9260],
    [-40, 10447],
    [-30, 11634],
    [-20, 12822],
    [-12, 13771],
    [-10, 14009],
    [-5, 14602],
    [-1, 15077],
    [0, 15196],
    [1, 15315],
    [5, 15790],
    [10, 16383],
  ];
  it('encodes the linear table within ±1 and decodes within 0.1 dB', () => {
    for (const [db, v] of LINEAR) {
      expect(Math.abs(levelToLinear(db) - v), `${db} dB`).toBeLessThanOrEqual(1);
      if (db < 10) expect(Math.abs(linearToLevel(v)! - db), `V ${v}`).toBeLessThanOrEqual(0.1);
    }
    expect(levelToLinear(null)).toBe(0);
    expect(levelToLinear(Number.NEGATIVE_INFINITY)).toBe(0);
    expect(linearToLevel(0)).toBeNull();
    expect(levelToLinear(12)).toBe(16383);
  });

  it('encodes the audio taper table exactly at its rows and on its 255-step grid between', () => {
    const AUDIO: Array<[number, number]> = [
      [-89, 0x01 * 128 + 0x40],
      [-50, 0x08 * 128],
      [-40, 0x0f * 128 + 0x40],
      [-30, 0x1f * 128],
      [-20, 0x2e * 128 + 0x40],
      [-12, 0x3b * 128],
      [-10, 0x3e * 128],
      [-5, 0x4e * 128 + 0x40],
      [-1, 0x5e * 128],
      [0, 0x62 * 128],
      [1, 0x65 * 128 + 0x40],
      [5, 0x73 * 128 + 0x40],
      [10, 0x7f * 128 + 0x40],
    ];
    for (const [db, v] of AUDIO) {
      expect(levelToAudio(db), `${db} dB`).toBe(v);
      expect(audioToLevel(v), `V ${v}`).toBe(db);
    }
    for (let db = -89; db <= 10; db += 0.7) expect(levelToAudio(db) % 64).toBe(0);
    expect(levelToAudio(null)).toBe(0);
    expect(audioToLevel(0)).toBeNull();
  });

  it('pan rows within 1 of the table, centre 8191', () => {
    const PAN: Array<[number, number]> = [
      [-100, 0],
      [-50, 0x1f * 128 + 0x7f],
      [-10, 0x39 * 128 + 0x4b],
      [0, 8191],
      [20, 0x4c * 128 + 0x65],
      [50, 0x5f * 128 + 0x7f],
      [90, 0x79 * 128 + 0x4b],
      [100, 16383],
    ];
    for (const [p, v] of PAN) {
      expect(Math.abs(panToValue(p) - v), `pan ${p}`).toBeLessThanOrEqual(1);
      expect(valueToPan(v)).toBe(p);
    }
  });
});
