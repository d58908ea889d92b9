import { fail } from '../core/errors.ts';
import { absentSummary, type StateFormat, type StripDiff } from './state.ts';

// The state of a console whose protocol has no scene text (SQ, Qu): the synced key/value model
// (neutral paths → values) as JSON `{family, console, values}`, diffed per strip.

export type ModelValues = Record<string, string | number | boolean | null>;

/** −∞ as a level value: "-inf" (what rad reports), and on writes also "-oo", -Infinity and null (older files). */
export const isMinusInf = (v: unknown): boolean =>
  v === '-inf' || v === '-oo' || v === null || v === Number.NEGATIVE_INFINITY;

const MODEL_STRIP: Record<string, string> = {
  input: 'Input',
  st: 'Stereo',
  group: 'Group',
  aux: 'Aux',
  mix: 'Mix',
  fxsend: 'FX send',
  fxreturn: 'FX return',
  matrix: 'Matrix',
  dca: 'DCA',
  mutegroup: 'Mute group',
  lr: 'Main LR',
};

function modelStrip(path: string): { key: string; title: string; rest: string } {
  const s = path.split('/');
  if (s.length >= 3 && /^\d+$/.test(s[1]!))
    return { key: `${s[0]}/${s[1]}`, title: `${MODEL_STRIP[s[0]!] ?? s[0]} ${s[1]}`, rest: s.slice(2).join('/') };
  return { key: s[0]!, title: MODEL_STRIP[s[0]!] ?? s[0]!, rest: s.slice(1).join('/') };
}

function modelWords(rest: string, v: ModelValues[string] | undefined): string {
  if (v === undefined) return '?';
  if (/(^|\/)(fader|level)$/.test(rest))
    return isMinusInf(v) ? '−oo dB' : typeof v === 'number' ? `${v > 0 ? '+' : ''}${v.toFixed(1)} dB` : String(v);
  if (/(^|\/)mute$/.test(rest)) return v ? 'muted' : 'on';
  if (/(^|\/)(pan|balance)$/.test(rest) && typeof v === 'number')
    return v === 0 ? 'C' : `${v < 0 ? 'L' : 'R'}${Math.abs(Math.round(v))}`;
  if (typeof v === 'boolean') return v ? 'ON' : 'OFF';
  if (typeof v === 'string') return `"${v}"`;
  return String(v);
}

/** Two model values are the same setting (levels and pans compared to 0.05, below any console's step). */
export function sameModelValue(a: ModelValues[string] | undefined, b: ModelValues[string] | undefined): boolean {
  // files and snapshots of rad before 0.2 held a level at −∞ as null: the same as "-inf"
  const inf = (v: unknown) => v === null || v === '-inf';
  return a === b || (inf(a) && inf(b)) || (typeof a === 'number' && typeof b === 'number' && Math.abs(a - b) < 0.05);
}

/** Differences between two key/value console models, grouped by strip and worded for people. */
export function diffModels(a: ModelValues, b: ModelValues): StripDiff[] {
  const groups = new Map<string, StripDiff>();
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
  let onlyInB = 0;
  let onlyInA = 0;
  for (const path of keys) {
    const x = a[path];
    const y = b[path];
    if (sameModelValue(x, y)) continue;
    if (!(path in a)) {
      onlyInB++;
      continue;
    }
    if (!(path in b)) {
      onlyInA++;
      continue;
    }
    const s = modelStrip(path);
    let g = groups.get(s.key);
    if (!g) {
      const name = (b[`${s.key}/name`] ?? a[`${s.key}/name`]) as string | undefined;
      g = { strip: s.key, label: name ? `${s.title} ${name}` : s.title, changes: [], text: '' };
      groups.set(s.key, g);
    }
    g.changes.push({
      address: path,
      what: s.rest.replace(/\//g, ' '),
      from: modelWords(s.rest, x),
      to: modelWords(s.rest, y),
    });
  }
  for (const g of groups.values())
    g.text = `${g.label}: ${g.changes.map((c) => `${c.what} ${c.from} → ${c.to}`).join('; ')}`;
  return [
    ...[...groups.values()].sort((x, y) => x.strip.localeCompare(y.strip, 'en', { numeric: true })),
    ...absentSummary(onlyInB, onlyInA),
  ];
}

/** What an initialised SQ/Qu shows for a path, for the mix book's "differs from a reset desk". */
export function modelDefault(path: string): ModelValues[string] {
  if (/(fader|level)$/.test(path)) return '-inf';
  if (/(pan|balance)$/.test(path)) return 0;
  if (/name$/.test(path)) return '';
  return false;
}

/** Parses a captured model file (`rad console capture --family sq|qu`, or a snapshot export). */
export function parseModelFile(text: string): { family: 'sq' | 'qu'; values: ModelValues } {
  let j: unknown;
  try {
    j = JSON.parse(text);
  } catch (e) {
    throw fail('E_SCENE_INVALID', `console model file is not JSON: ${(e as Error).message}`);
  }
  const o = j as { family?: unknown; values?: unknown };
  if (o === null || typeof o !== 'object' || (o.family !== 'sq' && o.family !== 'qu')) {
    throw fail(
      'E_SCENE_INVALID',
      `console model file: family must be "sq" or "qu" (got ${JSON.stringify(o?.family)})`,
      { family: o?.family },
    );
  }
  if (o.values === null || typeof o.values !== 'object' || Array.isArray(o.values))
    throw fail('E_SCENE_INVALID', 'console model file: values must be an object of path → value');
  const bad = Object.entries(o.values as object).filter(
    ([k, v]) =>
      !/^[a-z]+(\/[a-z0-9]+)+$|^[a-z]+$/.test(k) || !(v === null || ['number', 'string', 'boolean'].includes(typeof v)),
  );
  if (bad.length)
    throw fail('E_SCENE_INVALID', `console model file: ${bad.length} bad row(s), e.g. ${JSON.stringify(bad[0])}`, {
      rows: bad.slice(0, 5),
    });
  return { family: o.family, values: o.values as ModelValues };
}

const FAMILY_NAME = { sq: 'an SQ', qu: 'a Qu' } as const;

/** SQ and Qu: the key/value model, diffed per strip; "initial" is a reset desk. */
export function modelStateFormat(family: 'sq' | 'qu'): StateFormat {
  const values = (text: string) => {
    const m = parseModelFile(text);
    if (m.family !== family)
      throw fail('E_SNAPSHOT_FAMILY', `the file is from ${FAMILY_NAME[m.family]}, not ${FAMILY_NAME[family]}`, {
        family: m.family,
      });
    return m.values;
  };
  return {
    family,
    mime: 'application/json',
    validate(text) {
      values(text);
    },
    diff(a, b) {
      return diffModels(values(a), values(b));
    },
    fromInitial(text) {
      // no initial scene over MIDI; a reset desk has faders and sends down, nothing muted or assigned, pans centred
      const v = values(text);
      return diffModels(Object.fromEntries(Object.keys(v).map((k) => [k, modelDefault(k)])), v);
    },
  };
}

/** The text of a key/value model, as `rad console capture --family sq|qu` writes it. */
export function modelText(
  family: 'sq' | 'qu',
  consoleId: string,
  values: ModelValues,
  extra: Record<string, unknown> = {},
): string {
  return JSON.stringify({ family, console: consoleId, ...extra, values });
}
