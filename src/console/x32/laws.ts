import { fail } from '../../core/errors.ts';

/** X32 value laws (x32-osc.md §6) and the console's text forms (§4). Pure functions. */

export type TextFmt =
  | 'level'
  | 'sign1'
  | 'sign1w5'
  | 'fix1'
  | 'fix2'
  | 'int'
  | 'pan'
  | 'eqg'
  | 'freq'
  | 'hpf'
  | 'q'
  | 'time'
  | 'delay';

export type Law =
  | { kind: 'enum'; names: readonly string[] }
  | { kind: 'int'; min: number; max: number }
  | { kind: 'bitmap'; bits: number }
  | { kind: 'string'; max: number }
  | { kind: 'level'; steps: number }
  | { kind: 'lin'; min: number; max: number; step: number; fmt: TextFmt }
  | { kind: 'log'; min: number; max: number; count: number; fmt: TextFmt }
  /** FX parameters: per-effect laws are not modelled; the scene token is kept as written. */
  | { kind: 'token' };

/** A raw value as the wire carries it: int, float 0..1, or string. */
export type Raw = number | string;

export const enumLaw = (names: readonly string[]): Law => ({ kind: 'enum', names });
export const intLaw = (min: number, max: number): Law => ({ kind: 'int', min, max });
export const bitmapLaw = (bits: number): Law => ({ kind: 'bitmap', bits });
export const stringLaw = (max: number): Law => ({ kind: 'string', max });
export const levelLaw = (steps: number): Law => ({ kind: 'level', steps });
export const linLaw = (min: number, max: number, step: number, fmt: TextFmt): Law => ({
  kind: 'lin',
  min,
  max,
  step,
  fmt,
});
export const logLaw = (min: number, max: number, count: number, fmt: TextFmt): Law => ({
  kind: 'log',
  min,
  max,
  count,
  fmt,
});
export const tokenLaw: Law = { kind: 'token' };

export function oscType(law: Law): 'i' | 'f' | 's' {
  switch (law.kind) {
    case 'enum':
    case 'int':
    case 'bitmap':
      return 'i';
    case 'string':
      return 's';
    default:
      return 'f';
  }
}

// ---- level law (faders, sends) ----

export function levelToDb(f: number): number {
  if (f <= 0) return Number.NEGATIVE_INFINITY;
  if (f < 0.0625) return 480 * f - 90;
  if (f < 0.25) return 160 * f - 70;
  if (f < 0.5) return 80 * f - 50;
  return 40 * f - 30;
}

export function dbToLevel(d: number): number {
  if (d === Number.NEGATIVE_INFINITY || d <= -90) return 0;
  if (d < -60) return (d + 90) / 480;
  if (d < -30) return (d + 70) / 160;
  if (d < -10) return (d + 50) / 80;
  return Math.min(1, (d + 30) / 40);
}

function gridSteps(law: Law): number {
  switch (law.kind) {
    case 'level':
      return law.steps - 1;
    case 'lin':
      return Math.round((law.max - law.min) / law.step);
    case 'log':
      return law.count - 1;
    default:
      return 0;
  }
}

/** Rounds a float to the parameter's grid, as the console stores it. */
export function quantize(law: Law, f: number): number {
  const n = gridSteps(law);
  if (n === 0) return f;
  const c = Math.min(1, Math.max(0, f));
  return Math.round(c * n) / n;
}

/** Grid index of a stored float (exact comparison of values that went through float32). */
export function stepIndex(law: Law, f: number): number {
  return Math.round(f * gridSteps(law));
}

export function floatToUnits(law: Law, f: number): number {
  switch (law.kind) {
    case 'level':
      return levelToDb(f);
    case 'lin':
      return law.min + f * (law.max - law.min);
    case 'log':
      return law.min * (law.max / law.min) ** f;
    default:
      return f;
  }
}

export function unitsToFloat(law: Law, x: number): number {
  switch (law.kind) {
    case 'level':
      return dbToLevel(x);
    case 'lin':
      return (x - law.min) / (law.max - law.min);
    case 'log':
      return Math.log(x / law.min) / Math.log(law.max / law.min);
    default:
      return x;
  }
}

export type Units = number | string | boolean | null;

export function describeRange(law: Law): string {
  switch (law.kind) {
    case 'enum':
      return law.names.length <= 24
        ? `one of ${law.names.join(', ')} (or 0..${law.names.length - 1})`
        : `0..${law.names.length - 1}`;
    case 'int':
      return `${law.min}..${law.max}`;
    case 'bitmap':
      return `0..${2 ** law.bits - 1}`;
    case 'string':
      return `text of at most ${law.max} characters`;
    case 'level':
      return '-oo (null) or -90..+10 dB';
    case 'lin':
    case 'log':
      return `${Math.min(law.min, law.max)}..${Math.max(law.min, law.max)}`;
    case 'token':
      return 'a scene token';
  }
}

/** Raw wire value -> engineering units (dB, Hz, ms, enum name, text). -oo is null. */
export function rawToUnits(law: Law, raw: Raw): Units {
  if (isUnvalidated(raw)) return null;
  switch (law.kind) {
    case 'enum':
      if (law.names.length === 2 && law.names[0] === 'OFF' && law.names[1] === 'ON') return raw === 1;
      return law.names[raw as number] ?? (raw as number);
    case 'int':
    case 'bitmap':
    case 'string':
    case 'token':
      return raw;
    case 'level': {
      const db = levelToDb(raw as number);
      // −∞ is a value ("-inf"); null means unknown (an unvalidated token)
      return db === Number.NEGATIVE_INFINITY ? '-inf' : Math.round(db * 100) / 100;
    }
    default:
      return Math.round(floatToUnits(law, raw as number) * 1000) / 1000;
  }
}

const rangeError = (address: string, law: Law, value: unknown) =>
  fail('E_VALUE_RANGE', `${address}: ${JSON.stringify(value)} is out of range; allowed ${describeRange(law)}`, {
    path: address,
    value,
    allowed: describeRange(law),
  });

/** Engineering units -> quantised raw value; anything out of range is an E_VALUE_RANGE naming the allowed range. */
export function unitsToRaw(address: string, law: Law, v: unknown): Raw {
  switch (law.kind) {
    case 'enum': {
      if (typeof v === 'boolean' && law.names.length === 2) return v ? 1 : 0;
      if (typeof v === 'string') {
        const i = law.names.indexOf(v);
        const j = i >= 0 ? i : law.names.findIndex((n) => n.toLowerCase() === v.toLowerCase());
        if (j < 0) throw rangeError(address, law, v);
        return j;
      }
      if (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < law.names.length) return v;
      throw rangeError(address, law, v);
    }
    case 'int':
      if (typeof v === 'number' && Number.isInteger(v) && v >= law.min && v <= law.max) return v;
      throw rangeError(address, law, v);
    case 'bitmap':
      if (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < 2 ** law.bits) return v;
      throw rangeError(address, law, v);
    case 'string':
      if (typeof v !== 'string') throw rangeError(address, law, v);
      if (v.length > law.max) throw rangeError(address, law, v);
      return v;
    case 'token':
      if (typeof v === 'string' && v.length > 0 && !/\s/.test(v)) return v;
      if (typeof v === 'number') return formatNumber(v, 4);
      throw rangeError(address, law, v);
    case 'level': {
      if (v === null || v === '-oo' || v === '-inf' || v === Number.NEGATIVE_INFINITY) return 0;
      if (typeof v !== 'number' || Number.isNaN(v) || v > 10 || v < -90) throw rangeError(address, law, v);
      return quantize(law, dbToLevel(v));
    }
    default: {
      if (typeof v !== 'number' || Number.isNaN(v)) throw rangeError(address, law, v);
      const lo = Math.min(law.min, law.max);
      const hi = Math.max(law.min, law.max);
      const eps = (hi - lo) * 1e-9;
      if (v < lo - eps || v > hi + eps) throw rangeError(address, law, v);
      return quantize(law, unitsToFloat(law, v));
    }
  }
}

// ---- text forms ----

function formatNumber(v: number, decimals: number): string {
  const s = v.toFixed(decimals);
  return /^-0(\.0+)?$/.test(s) ? s.slice(1) : s;
}

const signed = (v: number, d: number) => {
  const s = formatNumber(v, d);
  return s.startsWith('-') ? s : `+${s}`;
};

export function formatFreq(hz: number): string {
  if (hz < 1000) return formatNumber(hz, 1);
  // the console truncates in k notation (1977.6 Hz prints 1k97) but rounds below 1 kHz
  const hundredths = Math.floor(hz / 10 + 1e-6);
  return `${Math.floor(hundredths / 100)}k${String(hundredths % 100).padStart(2, '0')}`;
}

function formatUnits(fmt: TextFmt, x: number): string {
  switch (fmt) {
    case 'level':
      return (
        x === Number.NEGATIVE_INFINITY
          ? '-oo'
          : (() => {
              const s = formatNumber(x, 1);
              return s === '0.0' || s.startsWith('-') ? s : `+${s}`;
            })()
      ).padStart(5);
    case 'sign1':
      return signed(x, 1);
    case 'sign1w5':
      return signed(x, 1).padStart(5);
    case 'fix1':
      return formatNumber(x, 1);
    case 'fix2':
      return formatNumber(x, 2);
    case 'int':
      return formatNumber(x, 0);
    case 'pan':
      return signed(x, 0);
    case 'eqg':
      return Math.abs(x) >= 10 ? signed(x, 1) : signed(x, 2);
    case 'freq':
      return formatFreq(x);
    case 'hpf':
      return formatNumber(x, 0).padStart(3);
    case 'q':
      return formatNumber(x, 1);
    case 'time':
      return (x >= 100 ? formatNumber(x, 0) : x >= 10 ? formatNumber(x, 1) : formatNumber(x, 2)).padStart(4);
    case 'delay':
      return formatNumber(x, 1).padStart(5);
  }
}

export function quoteString(s: string): string {
  return `"${s.replace(/"/g, "'")}"`;
}

/** Raw value -> the field as the console writes it in a node line. */
/**
 * A token a console sent that rad's tables do not know (an icon 0, an effect of newer firmware):
 * kept verbatim, marked, never written back. It travels in the raw state as a marked string.
 */
const UNVALIDATED = '\u0001';
export const unvalidatedRaw = (token: string): Raw => `${UNVALIDATED}${token}`;
export const isUnvalidated = (raw: Raw | undefined): boolean => typeof raw === 'string' && raw.startsWith(UNVALIDATED);
export const unvalidatedToken = (raw: Raw): string => String(raw).slice(UNVALIDATED.length);

export function formatField(law: Law, raw: Raw): string {
  if (isUnvalidated(raw)) return unvalidatedToken(raw);
  switch (law.kind) {
    case 'enum':
      return law.names[raw as number] ?? String(raw);
    case 'int':
      return String(raw);
    case 'bitmap':
      return `%${(raw as number).toString(2).padStart(law.bits, '0')}`;
    case 'string':
      return quoteString(raw as string);
    case 'token':
      return raw as string;
    case 'level':
      return formatUnits('level', levelToDb(raw as number));
    default:
      return formatUnits(law.fmt, floatToUnits(law, raw as number));
  }
}

export class FieldParseError extends Error {}

function parseNumberToken(tok: string): number {
  const k = /^(-?\d+)k(\d+)$/.exec(tok);
  if (k) return Number(`${k[1]}.${k[2]}`) * 1000;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(tok))
    throw new FieldParseError(`${JSON.stringify(tok)} is not a number`);
  return Number(tok);
}

/** One field of a node line -> raw value on the parameter's grid. */
export function parseField(law: Law, tok: string): Raw {
  switch (law.kind) {
    case 'enum': {
      const i = law.names.indexOf(tok);
      if (i >= 0) return i;
      const ci = law.names.findIndex((n) => n.toLowerCase() === tok.toLowerCase());
      if (ci >= 0) return ci;
      if (/^\d+$/.test(tok) && Number(tok) < law.names.length) return Number(tok);
      throw new FieldParseError(
        `${JSON.stringify(tok)} is not one of ${law.names.slice(0, 12).join(' ')}${law.names.length > 12 ? ' …' : ''}`,
      );
    }
    case 'int': {
      if (!/^[+-]?\d+$/.test(tok)) throw new FieldParseError(`${JSON.stringify(tok)} is not an integer`);
      const n = Number(tok);
      if (n < law.min || n > law.max) throw new FieldParseError(`${n} is outside ${law.min}..${law.max}`);
      return n;
    }
    case 'bitmap': {
      const m = /^%([01]+)$/.exec(tok);
      if (!m) throw new FieldParseError(`${JSON.stringify(tok)} is not a %bitmap`);
      if (m[1]!.length > law.bits) throw new FieldParseError(`${tok} has more than ${law.bits} bits`);
      return Number.parseInt(m[1]!, 2);
    }
    case 'string': {
      const s = tok.startsWith('"') && tok.endsWith('"') && tok.length >= 2 ? tok.slice(1, -1) : tok;
      return s.slice(0, law.max);
    }
    case 'token':
      return tok;
    case 'level': {
      if (tok === '-oo' || tok === '-inf') return 0;
      const d = parseNumberToken(tok);
      if (d > 10.05 || d < -90.05) throw new FieldParseError(`${tok} dB is outside -oo..+10`);
      return quantize(law, dbToLevel(Math.min(10, d)));
    }
    default: {
      const x = parseNumberToken(tok);
      const lo = Math.min(law.min, law.max);
      const hi = Math.max(law.min, law.max);
      const slack = law.kind === 'lin' ? law.step / 2 : hi * 0.03;
      if (x < lo - slack || x > hi + slack) throw new FieldParseError(`${tok} is outside ${lo}..${hi}`);
      return quantize(law, unitsToFloat(law, Math.min(hi, Math.max(lo, x))));
    }
  }
}

/** Splits a node line on whitespace outside double quotes. */
export function splitFields(line: string): string[] {
  const out: string[] = [];
  let i = 0;
  const n = line.length;
  while (i < n) {
    while (i < n && (line[i] === ' ' || line[i] === '\t')) i++;
    if (i >= n) break;
    if (line[i] === '"') {
      const end = line.indexOf('"', i + 1);
      if (end < 0) throw new FieldParseError('unterminated quoted string');
      out.push(line.slice(i, end + 1));
      i = end + 1;
    } else {
      let j = i;
      while (j < n && line[j] !== ' ' && line[j] !== '\t') j++;
      out.push(line.slice(i, j));
      i = j;
    }
  }
  return out;
}
