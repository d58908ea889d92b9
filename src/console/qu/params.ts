import { quAssignFromVa, type QuModel, quCaps, quDest, QU_ID, quStrip, type QuSink, type QuStrip } from './codec.ts';

/**
 * The Qu parameters rad models (ah-midi.md §5.2): faders, pans to LR, sends (level, assign) to
 * mixes and FX sends, LR assign, mutes, names, 48 V on local inputs, and DCA / mute-group
 * assignment of channels, per model. Key = `CH:ID:VX`, `CH:mute`, `CH:name`, `CH:dca:N`, `CH:mg:N`.
 * Processing (PEQ, HPF, gate, comp, delay) is not modelled: the reference gives no value ranges.
 */
export type QuKind = 'fader' | 'pan' | 'send' | 'assign' | 'lr' | 'mute' | 'name' | 'phantom' | 'dca' | 'mgroup';
/** `n`: the DCA or mute group (1–4) of an assignment parameter. */
export type QuParam = { key: string; kind: QuKind; ch: number; id?: number; vx?: number; n?: number; path: string };

const cache = new Map<QuModel, { list: QuParam[]; byKey: Map<string, QuParam>; byPath: Map<string, QuParam> }>();

export function quParams(model: QuModel) {
  const hit = cache.get(model);
  if (hit) return hit;
  const c = quCaps(model);
  const list: QuParam[] = [];
  const strips: Array<[QuStrip, number, string]> = [
    ['input', c.inputs, 'input'],
    ['stereo', 3, 'stereo'],
    ['fxreturn', 4, 'fxreturn'],
    ['fxsend', c.fxSends, 'fxsend'],
    ['mix', 7, 'mix'],
    ['lr', 1, 'lr'],
    ['group', c.groups, 'group'],
    ['matrix', c.matrices, 'matrix'],
    ['dca', 4, 'dca'],
    ['mutegroup', 4, 'mutegroup'],
  ];
  const sinks: Array<[QuSink, string]> = [
    ...Array.from({ length: 7 }, (_, i): [QuSink, string] => [{ kind: 'mix', n: i + 1 }, `mix/${i + 1}`]),
    ...Array.from({ length: c.fxSends }, (_, i): [QuSink, string] => [{ kind: 'fxsend', n: i + 1 }, `fxsend/${i + 1}`]),
  ];
  for (const [strip, count, name] of strips) {
    for (let n = 1; n <= count; n++) {
      const ch = quStrip(model, strip, n);
      const base = strip === 'lr' ? 'lr' : `${name}/${n}`;
      list.push({ key: `${ch}:mute`, kind: 'mute', ch, path: `${base}/mute` });
      list.push({ key: `${ch}:name`, kind: 'name', ch, path: `${base}/name` });
      if (strip === 'mutegroup') continue;
      list.push({ key: `${ch}:${QU_ID.fader}:7`, kind: 'fader', ch, id: QU_ID.fader, vx: 7, path: `${base}/fader` });
      if (strip === 'input' || strip === 'stereo' || strip === 'fxreturn') {
        list.push({ key: `${ch}:${QU_ID.pan}:7`, kind: 'pan', ch, id: QU_ID.pan, vx: 7, path: `${base}/pan` });
        list.push({ key: `${ch}:${QU_ID.lrAssign}:7`, kind: 'lr', ch, id: QU_ID.lrAssign, vx: 7, path: `${base}/lr` });
        if (strip === 'input')
          list.push({
            key: `${ch}:${QU_ID.phantom}:7`,
            kind: 'phantom',
            ch,
            id: QU_ID.phantom,
            vx: 7,
            path: `${base}/phantom`,
          });
        for (let g = 1; g <= 4; g++) {
          list.push({
            key: `${ch}:dca:${g}`,
            kind: 'dca',
            ch,
            id: QU_ID.dcaAssign,
            vx: 7,
            n: g,
            path: `${base}/dca/${g}`,
          });
          list.push({
            key: `${ch}:mg:${g}`,
            kind: 'mgroup',
            ch,
            id: QU_ID.muteGroupAssign,
            vx: 7,
            n: g,
            path: `${base}/mutegroup/${g}`,
          });
        }
        for (const [sink, sp] of sinks) {
          const vx = quDest(model, sink);
          list.push({
            key: `${ch}:${QU_ID.sendLevel}:${vx}`,
            kind: 'send',
            ch,
            id: QU_ID.sendLevel,
            vx,
            path: `${base}/send/${sp}/level`,
          });
          list.push({
            key: `${ch}:${QU_ID.assign}:${vx}`,
            kind: 'assign',
            ch,
            id: QU_ID.assign,
            vx,
            path: `${base}/send/${sp}/on`,
          });
        }
      }
    }
  }
  const r = { list, byKey: new Map(list.map((p) => [p.key, p])), byPath: new Map(list.map((p) => [p.path, p])) };
  if (r.byKey.size !== list.length) throw new Error('Qu parameter map has a duplicate key');
  cache.set(model, r);
  return r;
}

/** The model key an assignment NRPN (DCA 40, mute group 5C) addresses, whatever its VX. */
export function quAssignKey(ch: number, id: number, va: number): { key: string; on: boolean } | undefined {
  if (id !== QU_ID.dcaAssign && id !== QU_ID.muteGroupAssign) return undefined;
  const a = quAssignFromVa(va);
  return a ? { key: `${ch}:${id === QU_ID.dcaAssign ? 'dca' : 'mg'}:${a.n}`, on: a.on } : undefined;
}
