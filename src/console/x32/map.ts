import { fail } from '../../core/errors.ts';
import type { Raw } from './laws.ts';
import { IN_BLOCKS, x32Tree } from './schema.ts';

/** Neutral console paths <-> X32 addresses. Nothing above console/ uses X32 addresses. */

export type Mapped = { address: string; invert?: boolean };

const pad2 = (n: number) => String(n).padStart(2, '0');

function idx(s: string | undefined, max: number, what: string, path: string): number {
  const n = Number(s);
  if (!Number.isInteger(n) || n < 1 || n > max)
    throw fail('E_UNKNOWN_PATH', `${path}: ${what} ${s} does not exist on an X32 (1..${max})`, { path });
  return n;
}

const STRIP_LEAVES: Record<string, Mapped> = {
  name: { address: 'config/name' },
  icon: { address: 'config/icon' },
  colour: { address: 'config/color' },
  color: { address: 'config/color' },
  mute: { address: 'mix/on', invert: true },
  fader: { address: 'mix/fader' },
  pan: { address: 'mix/pan' },
  main: { address: 'mix/st' },
  dca: { address: 'grp/dca' },
  mutegroups: { address: 'grp/mute' },
};

const INPUT_LEAVES: Record<string, Mapped> = {
  ...STRIP_LEAVES,
  source: { address: 'config/source' },
  trim: { address: 'preamp/trim' },
  invert: { address: 'preamp/invert' },
  hpf: { address: 'preamp/hpf' },
  hpf_on: { address: 'preamp/hpon' },
  eq_on: { address: 'eq/on' },
  gate_on: { address: 'gate/on' },
  comp_on: { address: 'dyn/on' },
};

/**
 * Headamp behind an input channel: follows the channel's source (In01–32) through the
 * `/config/routing/IN` block to a local (000–031) or AES50 A/B (032–127) preamp.
 */
export function headampFor(state: ReadonlyMap<string, Raw>, input: number): number | undefined {
  const source = state.get(`/ch/${pad2(input)}/config/source`) as number | undefined;
  if (source === undefined || source < 1 || source > 32) return undefined;
  const block = Math.floor((source - 1) / 8);
  const names = ['1-8', '9-16', '17-24', '25-32'];
  const sel = state.get(`/config/routing/IN/${names[block]}`) as number | undefined;
  if (sel === undefined) return undefined;
  const name = IN_BLOCKS[sel] ?? '';
  const m = /^(AN|A|B)(\d+)-/.exec(name);
  if (!m) return undefined; // card / user inputs have no preamp
  const first = Number(m[2]) - 1 + ((source - 1) % 8);
  return m[1] === 'AN' ? first : m[1] === 'A' ? 32 + first : 80 + first;
}

/** Maps a neutral path to an X32 leaf address; raw addresses (`/ch/01/mix/fader`, `ch/01/...`) pass through. */
export function toX32(path: string, state: ReadonlyMap<string, Raw>): Mapped {
  const tree = x32Tree();
  if (path.startsWith('/')) {
    if (!tree.leafByAddress.has(path)) throw fail('E_UNKNOWN_PATH', `${path} is not an X32 parameter`, { path });
    return { address: path };
  }
  try {
    return toNeutral(path, state);
  } catch (e) {
    // `ch/01/mix/fader` without the leading slash is an X32 address too
    if (tree.leafByAddress.has(`/${path}`)) return { address: `/${path}` };
    throw e;
  }
}

function toNeutral(path: string, state: ReadonlyMap<string, Raw>): Mapped {
  const p = path.split('/');
  const [kind, n, leaf, ...rest] = p;
  if (kind === 'scene' && n === 'current' && p.length === 2) return { address: '/-show/prepos/current' };
  if (kind === 'input') {
    const ch = idx(n, 32, 'input', path);
    if (leaf === 'phantom' || leaf === 'gain') {
      const ha = headampFor(state, ch);
      if (ha === undefined)
        throw fail(
          'E_NO_PREAMP',
          `${path}: input ${ch} is not fed by a preamp (check its source and /config/routing/IN)`,
          { path },
        );
      return { address: `/headamp/${String(ha).padStart(3, '0')}/${leaf}` };
    }
    if (leaf === 'send' && rest[0] === 'aux' && rest.length === 3) {
      const bus = idx(rest[1], 16, 'aux', path);
      const what =
        rest[2] === 'level'
          ? 'level'
          : rest[2] === 'on'
            ? 'on'
            : rest[2] === 'pan' && bus % 2 === 1
              ? 'pan'
              : undefined;
      if (!what) throw fail('E_UNKNOWN_PATH', `${path}: unknown send parameter ${rest[2]}`, { path });
      return { address: `/ch/${pad2(ch)}/mix/${pad2(bus)}/${what}` };
    }
    const m = leaf === undefined || rest.length > 0 ? undefined : INPUT_LEAVES[leaf];
    if (m) return { ...m, address: `/ch/${pad2(ch)}/${m.address}` };
  }
  if (kind === 'aux') {
    const b = idx(n, 16, 'aux', path);
    const m = leaf === undefined || rest.length > 0 ? undefined : STRIP_LEAVES[leaf];
    if (m && leaf !== 'dca' && leaf !== 'mutegroups') return { ...m, address: `/bus/${pad2(b)}/${m.address}` };
  }
  if (kind === 'dca') {
    const d = idx(n, 8, 'DCA', path);
    if (leaf === 'name' || leaf === 'icon' || leaf === 'colour' || leaf === 'color')
      return { address: `/dca/${d}/config/${leaf === 'colour' ? 'color' : leaf}` };
    if (leaf === 'fader') return { address: `/dca/${d}/fader` };
    if (leaf === 'mute') return { address: `/dca/${d}/on`, invert: true };
  }
  if (kind === 'mutegroup' && leaf === 'on') return { address: `/config/mute/${idx(n, 6, 'mute group', path)}` };
  if (kind === 'main' && n === 'lr' && leaf !== undefined) {
    if (leaf === 'fader') return { address: '/main/st/mix/fader' };
    if (leaf === 'mute') return { address: '/main/st/mix/on', invert: true };
    if (leaf === 'name') return { address: '/main/st/config/name' };
  }
  throw fail(
    'E_UNKNOWN_PATH',
    `${path} is not a console path (e.g. input/3/fader, input/3/send/aux/2/level, dca/1/name, or an X32 address like /ch/03/mix/fader)`,
    { path },
  );
}
