import { describe, expect, it } from 'vitest';
import {
  dbToLevel,
  formatField,
  levelLaw,
  levelToDb,
  linLaw,
  logLaw,
  parseField,
  quantize,
  splitFields,
  unitsToRaw,
} from '../../../src/console/x32/laws.ts';

const FADER = levelLaw(1024);
const SEND = levelLaw(161);

describe('level law (x32-osc.md §6)', () => {
  it.each([
    [0.03125, -75.0],
    [0.0625, -60.0],
    [0.1, -54.0],
    [0.25, -30.0],
    [0.375, -20.0],
    [0.5, -10.0],
    [0.75, 0.0],
    [0.825, 3.0],
    [1.0, 10.0],
  ])('f=%s -> %s dB', (f, db) => {
    expect(levelToDb(f)).toBeCloseTo(db, 6);
    expect(dbToLevel(db)).toBeCloseTo(f, 9);
  });

  it('f=1/1023 is -89.53 dB and 0 is -oo', () => {
    expect(levelToDb(1 / 1023)).toBeCloseTo(-89.53, 2);
    expect(levelToDb(0)).toBe(Number.NEGATIVE_INFINITY);
  });

  it.each([
    [0, 767, -0.01, '  0.0'],
    [-10, 512, -9.98, ' -10.0'],
    [3, 844, 3.001, ' +3.0'],
    [-85.4, 10, -85.308, '-85.3'],
    [10, 1023, 10, '+10.0'],
  ])('fader grid: %s dB -> step %s -> %s dB, text %s', (db, step, stored, text) => {
    const f = quantize(FADER, dbToLevel(db));
    expect(Math.round(f * 1023)).toBe(step);
    expect(levelToDb(f)).toBeCloseTo(stored, 2);
    expect(formatField(FADER, f)).toBe(text.length > 5 ? text.trimStart().padStart(5) : text);
  });

  it('161-value grid: 0 dB is exactly 0.75, first step above -oo is -87 dB', () => {
    expect(quantize(SEND, dbToLevel(0))).toBe(0.75);
    expect(levelToDb(1 / 160)).toBeCloseTo(-87.0, 6);
    expect(formatField(SEND, 0)).toBe('  -oo');
  });
});

describe('linear and log laws', () => {
  it.each([
    [linLaw(-18, 18, 0.25, 'sign1'), 0, 0.5],
    [linLaw(-12, 60, 0.5, 'sign1'), 0, 1 / 6],
    [linLaw(-12, 60, 0.5, 'sign1'), 41, 106 / 144],
    [linLaw(-100, 100, 2, 'pan'), 50, 0.75],
    [linLaw(-15, 15, 0.25, 'eqg'), 3, 0.6],
    [logLaw(20, 20000, 201, 'freq'), 632.456, 0.5],
    [logLaw(20, 400, 101, 'hpf'), 89.4427, 0.5],
    [logLaw(10, 0.3, 72, 'q'), 2.0, 33 / 71],
    [logLaw(20, 20000, 121, 'freq'), 1000, 68 / 120],
  ])('check values', (law, x, f) => {
    expect(unitsToRaw('/x', law, x)).toBeCloseTo(f, 6);
  });

  it('1 kHz on the EQ grid is 0.565 (990.9 Hz); 80 Hz HPF is 0.46 (79.3 Hz)', () => {
    const eq = logLaw(20, 20000, 201, 'freq');
    expect(unitsToRaw('/x', eq, 1000)).toBeCloseTo(0.565, 9);
    expect(formatField(eq, 0.565)).toBe('990.9');
    const hpf = logLaw(20, 400, 101, 'hpf');
    expect(unitsToRaw('/x', hpf, 80)).toBeCloseTo(0.46, 9);
  });

  it('writes frequencies >= 1 kHz with k as the decimal mark and reads them back', () => {
    const eq = logLaw(20, 20000, 201, 'freq');
    expect(formatField(eq, 1)).toBe('20k00');
    expect(formatField(eq, 0.665)).toBe('1k97');
    expect(parseField(eq, '1k97')).toBeCloseTo(0.665, 9);
    expect(parseField(eq, '10k02')).toBeCloseTo(0.9, 9);
  });

  it('refuses out-of-range units naming the allowed range', () => {
    expect(() => unitsToRaw('/ch/01/mix/fader', FADER, 11)).toThrow(/E_VALUE_RANGE|out of range; allowed -oo/);
    expect(() => unitsToRaw('/ch/01/preamp/hpf', logLaw(20, 400, 101, 'hpf'), 10)).toThrow(/allowed 20\.\.400/);
  });
});

describe('field splitting', () => {
  it('splits on spaces outside quotes', () => {
    expect(splitFields('/ch/01/config "Kick In" 1 RD 1')).toEqual(['/ch/01/config', '"Kick In"', '1', 'RD', '1']);
    expect(splitFields('/ch/01/mix ON  -3.5 ON +0 OFF   -oo')).toEqual([
      '/ch/01/mix',
      'ON',
      '-3.5',
      'ON',
      '+0',
      'OFF',
      '-oo',
    ]);
    expect(() => splitFields('/ch/01/config "Kick')).toThrow(/unterminated/);
  });
});
