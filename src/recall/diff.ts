import { rawToUnits, type Raw } from '../console/x32/laws.ts';
import { parseScene, type RawState } from '../console/x32/scene.ts';
import { type Leaf, x32Tree } from '../console/x32/schema.ts';
import { badRequest } from '../core/errors.ts';

export type LeafChange = { address: string; what: string; from: string; to: string };
export type StripDiff = { strip: string; label: string; changes: LeafChange[]; text: string };

/** Scene text → leaf values (the scene's own lines only). */
export function sceneState(text: string): RawState {
  const tree = x32Tree();
  const { scene, problems } = parseScene(tree, text);
  if (problems.length > 0) {
    throw badRequest(
      'E_SCENE_INVALID',
      `scene has ${problems.length} broken line(s): ${problems
        .slice(0, 5)
        .map((p) => `line ${p.line}: ${p.reason}`)
        .join('; ')}`,
      { problems },
    );
  }
  const state: RawState = new Map();
  for (const l of scene!.lines) for (const v of l.parsed.values) state.set(v.leaf.address, v.raw);
  return state;
}

const STRIP_RE =
  /^\/(ch|auxin|fxrtn|bus|mtx)\/(\d\d)\/|^\/(dca|fx)\/(\d)\/?|^\/main\/(st|m)\/|^\/headamp\/(\d\d\d)\/|^\/outputs\/(\w+)\/(\d\d)\/|^\/config\//;
const STRIP_NAME: Record<string, string> = {
  ch: 'Ch',
  auxin: 'Aux In',
  fxrtn: 'FX Rtn',
  bus: 'Bus',
  mtx: 'Mtx',
  dca: 'DCA',
  fx: 'FX',
};

function stripOf(address: string): { key: string; title: string; nameAddr?: string } {
  const m = STRIP_RE.exec(address);
  if (!m) return { key: 'other', title: 'Other' };
  if (m[1])
    return { key: `/${m[1]}/${m[2]}`, title: `${STRIP_NAME[m[1]]} ${m[2]}`, nameAddr: `/${m[1]}/${m[2]}/config/name` };
  if (m[3])
    return {
      key: `/${m[3]}/${m[4]}`,
      title: `${STRIP_NAME[m[3]]} ${m[4]}`,
      nameAddr: m[3] === 'dca' ? `/dca/${m[4]}/config/name` : undefined,
    };
  if (m[5])
    return {
      key: `/main/${m[5]}`,
      title: m[5] === 'st' ? 'Main LR' : 'Main M/C',
      nameAddr: `/main/${m[5]}/config/name`,
    };
  if (m[6]) return { key: `/headamp/${m[6]}`, title: `Head amp ${m[6]}` };
  if (m[7]) return { key: `/outputs/${m[7]}/${m[8]}`, title: `Output ${m[7]} ${m[8]}` };
  return { key: '/config', title: 'Console setup' };
}

/** A leaf in the studio's words: `fader`, `mute`, `EQ 2 gain`, `send 03`, `HPF`. */
function leafWords(leaf: Leaf): string {
  const rel = leaf.address.replace(
    /^\/(ch|auxin|fxrtn|bus|mtx)\/\d\d\/|^\/(dca|fx)\/\d\/?|^\/main\/(st|m)\/|^\/headamp\/\d\d\d\/|^\/outputs\/\w+\/\d\d\//,
    '',
  );
  const map: Record<string, string> = {
    'mix/fader': 'fader',
    fader: 'fader',
    'mix/on': 'mute',
    on: 'mute',
    'mix/pan': 'pan',
    'config/name': 'name',
    'config/color': 'colour',
    'config/icon': 'icon',
    'config/source': 'source',
    'preamp/hpf': 'HPF',
    'preamp/hpon': 'HPF on',
    'preamp/trim': 'trim',
    'preamp/invert': 'polarity invert',
    gain: 'gain',
    phantom: '48V',
    'gate/thr': 'gate threshold',
    'dyn/thr': 'comp threshold',
    'dyn/ratio': 'comp ratio',
    'eq/on': 'EQ on',
    'grp/dca': 'DCAs',
    'grp/mute': 'mute groups',
  };
  if (map[rel]) return map[rel]!;
  let m = /^eq\/(\d)\/(type|f|g|q)$/.exec(rel);
  if (m) return `EQ ${m[1]} ${{ type: 'type', f: 'freq', g: 'gain', q: 'Q' }[m[2]!]}`;
  m = /^mix\/(\d\d)\/(level|on|pan|type)$/.exec(rel);
  if (m) return `send ${m[1]}${m[2] === 'level' ? '' : ` ${m[2]}`}`;
  return rel.replace(/\//g, ' ');
}

function words(leaf: Leaf, raw: Raw | undefined): string {
  if (raw === undefined) return '?';
  const u = rawToUnits(leaf.law, raw);
  const rel = leaf.address;
  if (/\/(mix\/)?on$/.test(rel) && typeof u === 'boolean') return u ? 'on' : 'muted';
  if (leaf.law.kind === 'level')
    return u === null ? '−oo dB' : `${(u as number) > 0 ? '+' : ''}${(u as number).toFixed(1)} dB`;
  if (typeof u === 'boolean') return u ? 'ON' : 'OFF';
  if (typeof u === 'number') {
    const unit = /\/g$|trim$|gain$|thr$/.test(rel) ? ' dB' : /\/f$|hpf$/.test(rel) ? ' Hz' : '';
    const v = Math.abs(u) >= 100 ? u.toFixed(0) : u.toFixed(1);
    return `${unit === ' dB' && u > 0 ? '+' : ''}${v}${unit}`;
  }
  return typeof u === 'string' ? (leaf.law.kind === 'string' ? `"${u}"` : u) : String(u);
}

/** Differences between two console states, grouped by strip and worded for people. */
export function diffStates(a: ReadonlyMap<string, Raw>, b: ReadonlyMap<string, Raw>): StripDiff[] {
  const tree = x32Tree();
  const groups = new Map<string, StripDiff>();
  for (const leaf of tree.sceneLeaves) {
    const x = a.get(leaf.address);
    const y = b.get(leaf.address);
    if (x === y || (x === undefined && y === undefined)) continue;
    if (typeof x === 'number' && typeof y === 'number' && Math.abs(x - y) < 1e-9) continue;
    const s = stripOf(leaf.address);
    let g = groups.get(s.key);
    if (!g) {
      const name = s.nameAddr ? ((b.get(s.nameAddr) ?? a.get(s.nameAddr)) as string | undefined) : undefined;
      g = { strip: s.key, label: name ? `${s.title} ${name}` : s.title, changes: [], text: '' };
      groups.set(s.key, g);
    }
    g.changes.push({ address: leaf.address, what: leafWords(leaf), from: words(leaf, x), to: words(leaf, y) });
  }
  for (const g of groups.values())
    g.text = `${g.label}: ${g.changes.map((c) => `${c.what} ${c.from} → ${c.to}`).join('; ')}`;
  return [...groups.values()];
}

// ---- family-neutral model snapshots (SQ, Qu: key/value rows from Console.nodes) ----

export type ModelValues = Record<string, string | number | boolean | null>;

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
    return v === null ? '−oo dB' : typeof v === 'number' ? `${v > 0 ? '+' : ''}${v.toFixed(1)} dB` : String(v);
  if (/(^|\/)mute$/.test(rest)) return v ? 'muted' : 'on';
  if (/(^|\/)(pan|balance)$/.test(rest) && typeof v === 'number')
    return v === 0 ? 'C' : `${v < 0 ? 'L' : 'R'}${Math.abs(Math.round(v))}`;
  if (typeof v === 'boolean') return v ? 'ON' : 'OFF';
  if (typeof v === 'string') return `"${v}"`;
  return String(v);
}

/** Two model values are the same setting (levels and pans compared to 0.05, below any console's step). */
export function sameModelValue(a: ModelValues[string] | undefined, b: ModelValues[string] | undefined): boolean {
  return a === b || (typeof a === 'number' && typeof b === 'number' && Math.abs(a - b) < 0.05);
}

/** Differences between two key/value console models, grouped by strip and worded for people. */
export function diffModels(a: ModelValues, b: ModelValues): StripDiff[] {
  const groups = new Map<string, StripDiff>();
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
  for (const path of keys) {
    const x = a[path];
    const y = b[path];
    if (sameModelValue(x, y)) continue;
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
  return [...groups.values()].sort((x, y) => x.strip.localeCompare(y.strip, 'en', { numeric: true }));
}

/** What an initialised SQ/Qu shows for a path, for the mix book's "differs from a reset desk". */
export function modelDefault(path: string): ModelValues[string] {
  if (/(fader|level)$/.test(path)) return null;
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
    throw badRequest('E_SCENE_INVALID', `console model file is not JSON: ${(e as Error).message}`);
  }
  const o = j as { family?: unknown; values?: unknown };
  if (o === null || typeof o !== 'object' || (o.family !== 'sq' && o.family !== 'qu')) {
    throw badRequest(
      'E_SCENE_INVALID',
      `console model file: family must be "sq" or "qu" (got ${JSON.stringify(o?.family)})`,
      { family: o?.family },
    );
  }
  if (o.values === null || typeof o.values !== 'object' || Array.isArray(o.values))
    throw badRequest('E_SCENE_INVALID', 'console model file: values must be an object of path → value');
  const bad = Object.entries(o.values as object).filter(
    ([k, v]) =>
      !/^[a-z]+(\/[a-z0-9]+)+$|^[a-z]+$/.test(k) || !(v === null || ['number', 'string', 'boolean'].includes(typeof v)),
  );
  if (bad.length)
    throw badRequest(
      'E_SCENE_INVALID',
      `console model file: ${bad.length} bad row(s), e.g. ${JSON.stringify(bad[0])}`,
      { rows: bad.slice(0, 5) },
    );
  return { family: o.family, values: o.values as ModelValues };
}
