import {
  masterParam,
  type Master,
  type MuteStrip,
  muteParam,
  SQ_COUNTS,
  type Sink,
  type Source,
  sendParam,
} from './codec.ts';

/**
 * Every SQ parameter the reference lists (ah-midi.md §3), with its kind and a family path.
 * The simulator holds exactly these; the driver syncs exactly these. Unknown P = ignored.
 */
export type SqKind = 'mute' | 'assign' | 'level' | 'pan';
export type SqParam = { p: number; kind: SqKind; path: string };

const COUNT: Record<Source | Sink | MuteStrip, number> = {
  input: SQ_COUNTS.inputs,
  group: SQ_COUNTS.groups,
  fxreturn: SQ_COUNTS.fxReturns,
  lr: 1,
  aux: SQ_COUNTS.auxes,
  fxsend: SQ_COUNTS.fxSends,
  matrix: SQ_COUNTS.matrices,
  dca: SQ_COUNTS.dcas,
  mutegroup: SQ_COUNTS.muteGroups,
};

const ROUTES: Array<[Source, Sink, SqKind[]]> = [
  ['input', 'lr', ['level', 'pan', 'assign']],
  ['group', 'lr', ['level', 'pan', 'assign']],
  ['fxreturn', 'lr', ['level', 'pan', 'assign']],
  ['input', 'aux', ['level', 'pan', 'assign']],
  ['group', 'aux', ['level', 'pan', 'assign']],
  ['fxreturn', 'aux', ['level', 'pan', 'assign']],
  ['input', 'group', ['assign']],
  ['fxreturn', 'group', ['assign']],
  ['input', 'fxsend', ['level', 'assign']],
  ['group', 'fxsend', ['level', 'assign']],
  ['fxreturn', 'fxsend', ['level', 'assign']],
  ['lr', 'matrix', ['level', 'pan', 'assign']],
  ['aux', 'matrix', ['level', 'pan', 'assign']],
  ['group', 'matrix', ['level', 'pan', 'assign']],
];

let cache: { list: SqParam[]; byP: Map<number, SqParam>; byPath: Map<string, SqParam> } | undefined;

export function sqParams() {
  if (cache) return cache;
  const list: SqParam[] = [];
  for (const strip of Object.keys(COUNT) as MuteStrip[]) {
    for (let n = 1; n <= COUNT[strip]; n++)
      list.push({ p: muteParam(strip, n), kind: 'mute', path: strip === 'lr' ? 'lr/mute' : `${strip}/${n}/mute` });
  }
  for (const [src, sink, kinds] of ROUTES) {
    for (let s = 1; s <= COUNT[src]; s++) {
      for (let k = 1; k <= COUNT[sink]; k++) {
        const from = src === 'lr' ? 'lr' : `${src}/${s}`;
        const to = sink === 'lr' ? 'lr' : `${sink}/${k}`;
        for (const kind of kinds) {
          const field = kind === 'assign' ? 'on' : kind;
          list.push({
            p: sendParam(kind as 'level' | 'pan' | 'assign', src, s, sink, k),
            kind,
            path: `${from}/send/${to}/${field}`,
          });
        }
      }
    }
  }
  for (const [out, n] of [
    ['lr', 1],
    ['aux', 12],
    ['fxsend', 4],
    ['matrix', 3],
    ['dca', 8],
  ] as Array<[Master, number]>) {
    for (let i = 1; i <= n; i++) {
      const base = out === 'lr' ? 'lr' : `${out}/${i}`;
      list.push({ p: masterParam('level', out, i), kind: 'level', path: `${base}/fader` });
      if (out !== 'dca') list.push({ p: masterParam('balance', out, i), kind: 'pan', path: `${base}/balance` });
    }
  }
  const byP = new Map(list.map((x) => [x.p, x]));
  if (byP.size !== list.length) throw new Error('SQ parameter map has a duplicate number');
  cache = { list, byP, byPath: new Map(list.map((x) => [x.path, x])) };
  return cache;
}
