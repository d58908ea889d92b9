import { fail } from '../../core/errors.ts';
import { absentSummary, type StateFormat, type StripDiff } from '../state.ts';
import { isUnvalidated, type Raw, rawToUnits, unvalidatedToken } from './laws.ts';
import { initialState, type ParseMode, parseScene, type RawState } from './scene.ts';
import { type Leaf, x32Tree } from './schema.ts';

// The X32's state format: scene text (.scn) as the console writes it, diffed leaf by leaf and
// worded per strip.

/** Scene text → leaf values (the scene's own lines only). */
export function sceneState(text: string, mode: ParseMode = {}): RawState {
  const tree = x32Tree();
  const { scene, problems } = parseScene(tree, text, mode);
  if (problems.length > 0) {
    throw fail(
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
  if (isUnvalidated(raw)) return `${unvalidatedToken(raw)} (unvalidated)`;
  const u = rawToUnits(leaf.law, raw);
  const rel = leaf.address;
  if (/\/(mix\/)?on$/.test(rel) && typeof u === 'boolean') return u ? 'on' : 'muted';
  if (leaf.law.kind === 'level')
    return typeof u !== 'number' ? '−oo dB' : `${(u as number) > 0 ? '+' : ''}${(u as number).toFixed(1)} dB`;
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
  let onlyInB = 0;
  let onlyInA = 0;
  for (const leaf of tree.sceneLeaves) {
    const x = a.get(leaf.address);
    const y = b.get(leaf.address);
    if (x === y || (x === undefined && y === undefined)) continue;
    // a value one side does not have (an older firmware file, a node a console lacks) is not a change
    if (x === undefined) {
      onlyInB++;
      continue;
    }
    if (y === undefined) {
      onlyInA++;
      continue;
    }
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
  return [...groups.values(), ...absentSummary(onlyInB, onlyInA)];
}

/** The X32 family's state: scene text, validated line by line, diffed per strip. */
export const x32StateFormat: StateFormat = {
  family: 'x32',
  mime: 'text/plain',
  validate(text) {
    sceneState(text);
  },
  // snapshots in the store are the console's own words (or files validated when imported): read leniently
  diff(a, b) {
    return diffStates(sceneState(a, { lenient: true }), sceneState(b, { lenient: true }));
  },
  fromInitial(text) {
    return diffStates(initialState(x32Tree()), sceneState(text, { lenient: true }));
  },
};
