// Every enum table of the X32 schema checked against the public protocol documents as quoted in
// shared/reference/x32-osc.md §5 and x32-scene.md §6–7. Each expectation is read out of a sentence
// that must appear verbatim in the reference (so a citation that drifts fails too), and the
// schema's list is compared with it name by name, in index order.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Law } from '../../../src/console/x32/laws.ts';
import { parseScene } from '../../../src/console/x32/scene.ts';
import { x32Tree } from '../../../src/console/x32/schema.ts';
import { ROOT } from '../../helpers.ts';

const REF = join(ROOT, '..', 'shared', 'reference');
const OSC = readFileSync(join(REF, 'x32-osc.md'), 'utf8');
const SCENE = readFileSync(join(REF, 'x32-scene.md'), 'utf8');
const tree = x32Tree();

/** The quoted text must be in the reference; returns it. */
function cite(doc: string, text: string): string {
  expect(doc, `reference no longer says: ${text}`).toContain(text);
  return text;
}

/** "0–4: EXP2 EXP3 EXP4 GATE DUCK" → the names, checked against the count the range gives. */
function enumFrom(text: string): string[] {
  const m = /(\d+)–(\d+):\s*(.+)$/.exec(text);
  if (!m) throw new Error(`no "a–b: names" in ${text}`);
  const names = m[3]!.trim().split(/\s+/);
  expect(names.length, text).toBe(Number(m[2]) - Number(m[1]) + 1);
  return names;
}

function law(address: string): Law {
  const l = tree.leafByAddress.get(address);
  if (!l) throw new Error(`no leaf ${address}`);
  return l.law;
}
const names = (address: string) => {
  const l = law(address);
  if (l.kind !== 'enum') throw new Error(`${address} is ${l.kind}, not an enum`);
  return [...l.names];
};
const expand = (prefix: string, from: number, to: number, suffix = '') =>
  Array.from({ length: to - from + 1 }, (_, i) => `${prefix}${from + i}${suffix}`);

describe('X32 enum tables against x32-osc.md §5', () => {
  it('colours (0–15) on every strip type, DCA included', () => {
    const text = cite(
      OSC,
      '0 OFF, 1 RD, 2 GN, 3 YE, 4 BL, 5 MG, 6 CY, 7 WH,\n8 OFFi, 9 RDi, 10 GNi, 11 YEi, 12 BLi, 13 MGi, 14 CYi, 15 WHi',
    );
    const want = [...text.matchAll(/(\d+) (\w+)/g)].map((m) => m[2]);
    expect(want).toHaveLength(16);
    for (const a of [
      '/ch/01/config/color',
      '/auxin/08/config/color',
      '/fxrtn/01/config/color',
      '/bus/16/config/color',
      '/mtx/06/config/color',
      '/main/st/config/color',
      '/dca/8/config/color',
    ])
      expect(names(a), a).toEqual(want);
  });

  it('sources and key sources are ints 0–64; icons 1–74', () => {
    cite(OSC, 'Source enum (`config/source`, `*/keysrc`, 0–64)');
    for (const a of [
      '/ch/01/config/source',
      '/auxin/01/config/source',
      '/ch/01/gate/keysrc',
      '/ch/01/dyn/keysrc',
      '/bus/01/dyn/keysrc',
    ])
      expect(law(a), a).toEqual({ kind: 'int', min: 0, max: 64 });
    cite(OSC, '| `config/icon` | i | 1–74 [D] |');
    expect(law('/ch/01/config/icon')).toEqual({ kind: 'int', min: 1, max: 74 });
    // matrices and mains have no key source (x32-scene.md §6: "as above without keysrc")
    cite(SCENE, '| `/mtx/NN/dyn`, `/main/*/dyn` | 14 | as above without keysrc |');
    expect(tree.leafByAddress.has('/mtx/01/dyn/keysrc')).toBe(false);
  });

  it('gate, dynamics, filters, inserts', () => {
    expect(names('/ch/01/gate/mode')).toEqual(enumFrom(cite(OSC, 'mode 0–4: EXP2 EXP3 EXP4 GATE DUCK')));
    const filter = enumFrom(cite(OSC, 'type 0–8: LC6 LC12 HC6 HC12 1.0 2.0 3.0 5.0 10.0'));
    for (const a of ['/ch/01/gate/filter/type', '/ch/01/dyn/filter/type', '/bus/01/dyn/filter/type'])
      expect(names(a), a).toEqual(filter);
    expect(names('/ch/01/dyn/ratio')).toEqual(
      enumFrom(cite(OSC, '0–11: 1.1 1.3 1.5 2.0 2.5 3.0 4.0 5.0 7.0 10 20 100')),
    );
    cite(OSC, '| `dyn/on`, `mode`, `det`, `env` | i | COMP/EXP, PEAK/RMS, LIN/LOG | — |');
    expect([names('/ch/01/dyn/mode'), names('/ch/01/dyn/det'), names('/ch/01/dyn/env')]).toEqual([
      ['COMP', 'EXP'],
      ['PEAK', 'RMS'],
      ['LIN', 'LOG'],
    ]);
    cite(OSC, 'sel 0–22: OFF, FX1L…FX8R, AUX1–6');
    const sel = ['OFF', ...expand('FX', 1, 8).flatMap((f) => [`${f}L`, `${f}R`]), ...expand('AUX', 1, 6)];
    expect(sel).toHaveLength(23);
    for (const a of ['/ch/01/insert/sel', '/bus/01/insert/sel', '/main/st/insert/sel'])
      expect(names(a), a).toEqual(sel);
    cite(OSC, '| `insert/on`, `pos`, `sel` | i | PRE/POST;');
    expect(names('/ch/01/insert/pos')).toEqual(['PRE', 'POST']);
    cite(OSC, '| `dyn/pos`, `keysrc`, `mix`, `auto` | i,i,f,i | PRE/POST;');
    expect(names('/ch/01/dyn/pos')).toEqual(['PRE', 'POST']);
    cite(OSC, '| `preamp/hpslope` | i | 0–2 = 12, 18, 24 dB/oct | — |');
    expect(names('/ch/01/preamp/hpslope')).toEqual(['12', '18', '24']);
    cite(OSC, '| `automix/group`, `automix/weight` | i, f | OFF/X/Y;');
    expect(names('/ch/01/automix/group')).toEqual(['OFF', 'X', 'Y']);
  });

  it('EQ band types: 6 on strips, 14 on matrices (and mains)', () => {
    const eq = enumFrom(cite(OSC, '0–5: LCut LShv PEQ VEQ HShv HCut'));
    for (const a of ['/ch/01/eq/1/type', '/auxin/01/eq/4/type', '/fxrtn/01/eq/1/type', '/bus/01/eq/6/type'])
      expect(names(a), a).toEqual(eq);
    const add = cite(OSC, 'type 0–13 adds BU6 BU12 BS12 LR12 BU18 BU24 BS24 LR24').split('adds ')[1]!.split(' ');
    expect(names('/mtx/01/eq/1/type')).toEqual([...eq, ...add]);
  });

  it('send taps: 6 on channel sends to buses, 5 on bus sends to matrices', () => {
    expect(names('/ch/01/mix/01/type')).toEqual(enumFrom(cite(OSC, '0–5: IN/LC <-EQ EQ-> PRE POST GRP')));
    cite(OSC, 'matrix sends `mix/01–06/{on,level}` (+`pan`,`type` 0–4 on odd)');
    expect(names('/bus/01/mix/01/type')).toEqual(['IN/LC', '<-EQ', 'EQ->', 'PRE', 'POST']);
  });

  it('monitoring, talkback and the oscillator', () => {
    expect(names('/config/solo/source')).toEqual(enumFrom(cite(OSC, '0–6: OFF LR LR+C LRPFL LRAFL AUX56 AUX78')));
    cite(OSC, '| `/config/solo/{chmode,busmode,dcamode}` | i | PFL/AFL;');
    for (const a of ['chmode', 'busmode', 'dcamode']) expect(names(`/config/solo/${a}`)).toEqual(['PFL', 'AFL']);
    cite(OSC, 'mode LR+M / LCR');
    expect(names('/config/mono/mode')).toEqual(['LR+M', 'LCR']);
    cite(OSC, 'source INT/EXT');
    expect(names('/config/talk/source')).toEqual(['INT', 'EXT']);
    cite(OSC, '| `/config/osc/fsel` / `type` | i | 0 F1, 1 F2 / 0 SINE, 1 PINK, 2 WHITE [D][E] |');
    expect(names('/config/osc/fsel')).toEqual(['F1', 'F2']);
    expect(names('/config/osc/type')).toEqual(['SINE', 'PINK', 'WHITE']);
    cite(OSC, '| `/config/osc/dest` | i | 0–25:');
    expect(law('/config/osc/dest')).toEqual({ kind: 'int', min: 0, max: 25 });
  });

  it('routing blocks: inputs (FW4 adds UIN), aux, AES50/card (to 35), 4-channel outputs (to 35)', () => {
    cite(
      OSC,
      '0–19: AN1-8 AN9-16 AN17-24 AN25-32, A1-8…A41-48, B1-8…B41-48, CARD1-8…CARD25-32; FW4 adds 20–23 UIN1-8…UIN25-32',
    );
    const blocks8 = (p: string, n: number) => Array.from({ length: n }, (_, i) => `${p}${1 + 8 * i}-${8 + 8 * i}`);
    const inBlocks = [
      ...blocks8('AN', 4),
      ...blocks8('A', 6),
      ...blocks8('B', 6),
      ...blocks8('CARD', 4),
      ...blocks8('UIN', 4),
    ];
    expect(inBlocks).toHaveLength(24);
    for (const a of ['/config/routing/IN/1-8', '/config/routing/PLAY/25-32']) expect(names(a), a).toEqual(inBlocks);
    const aux = enumFrom(
      cite(OSC, '0–12: AUX1-4 AN1-2 AN1-4 AN1-6 A1-2 A1-4 A1-6 B1-2 B1-4 B1-6 CARD1-2 CARD1-4 CARD1-6'),
    );
    cite(OSC, 'FW4 adds 13–15 UIN1-2/4/6');
    expect(names('/config/routing/IN/AUX')).toEqual([...aux, 'UIN1-2', 'UIN1-4', 'UIN1-6']);
    cite(
      OSC,
      '0–19 as IN, 20–25 OUT1-8 OUT9-16 P161-8 P169-16 AUX1-6/Mon AuxIN1-6/TB; FW4: 26–31 UOUT1-8…41-48, 32–35 UIN blocks',
    );
    const out8 = [
      ...inBlocks.slice(0, 20),
      ...'OUT1-8 OUT9-16 P161-8 P169-16 AUX1-6/Mon AuxIN1-6/TB'.split(' '),
      ...blocks8('UOUT', 6),
      ...blocks8('UIN', 4),
    ];
    expect(out8).toHaveLength(36);
    for (const a of ['/config/routing/AES50A/1-8', '/config/routing/AES50B/41-48', '/config/routing/CARD/25-32'])
      expect(names(a), a).toEqual(out8);
    cite(OSC, '4-channel blocks, same family order (…, AUX/CR, AUX/TB = 24, 25); FW4 to 35');
    for (const a of ['1-4', '5-8', '9-12', '13-16']) {
      const n = names(`/config/routing/OUT/${a}`);
      expect(n, a).toHaveLength(36);
      expect(n.indexOf('AUX/CR'), a).toBe(24);
      expect(n.indexOf('AUX/TB'), a).toBe(25);
    }
    // the initial line of every console-written file parses: OUT1-4 OUT5-8 OUT9-12 OUT13-16
    cite(SCENE, '| `routing/OUT` | `OUT1-4 OUT5-8 OUT9-12 OUT13-16` | [F4] |');
    expect(names('/config/routing/OUT/5-8')).toContain('OUT5-8');
    expect(names('/config/routing/OUT/13-16')).toContain('OUT13-16');
  });

  it('outputs, user routing, p16 iQ, FX sources and the selected strip', () => {
    cite(OSC, 'src 0–76: 0 OFF, 1 Main L, 2 Main R');
    for (const a of [
      '/outputs/main/01/src',
      '/outputs/aux/06/src',
      '/outputs/p16/16/src',
      '/outputs/aes/02/src',
      '/outputs/rec/01/src',
    ])
      expect(law(a), a).toEqual({ kind: 'int', min: 0, max: 76 });
    expect(names('/outputs/main/01/pos')).toEqual(
      enumFrom(cite(OSC, 'pos 0–8: IN/LC IN/LC+M <-EQ <-EQ+M EQ-> EQ->+M PRE PRE+M POST')),
    );
    cite(OSC, '`/config/userrout/out/01–48`, `/in/01–32` (FW4) | i | 0–208 / 0–168');
    expect(law('/config/userrout/out/48')).toEqual({ kind: 'int', min: 0, max: 208 });
    expect(law('/config/userrout/in/32')).toEqual({ kind: 'int', min: 0, max: 168 });
    cite(SCENE, '| `/outputs/p16/NN/iQ` | `OFF none Linear 0` | [F4] |');
    expect(names('/outputs/p16/01/iQ/group')[0]).toBe('OFF');
    expect(names('/outputs/p16/01/iQ/speaker')[0]).toBe('none');
    expect(names('/outputs/p16/01/iQ/eq')[0]).toBe('Linear');
    cite(OSC, '`source/l`,`source/r` (slots 1–4: INS, MIX1–16, M/C)');
    expect(names('/fx/1/source/l')).toEqual(['INS', ...expand('MIX', 1, 16), 'M/C']);
    cite(OSC, '| `/-stat/selidx` | i | selected strip 0–71:');
    expect(law('/-stat/selidx')).toEqual({ kind: 'int', min: 0, max: 71 });
  });

  it('FX types: 61 on slots 1–4, 34 on slots 5–8 in their own order (x32-scene.md §7.7)', () => {
    cite(OSC, '`type` (slots 1–4: 0–60, slots 5–8: 0–33)');
    const t14 = cite(
      SCENE,
      'HALL AMBI RPLT ROOM CHAM PLAT VREV VRM GATE RVRS DLY 3TAP 4TAP CRS FLNG PHAS DIMC FILT ROTA\nPAN SUB',
    );
    const all14 = SCENE.split('in this\nindex order: ')[1]!.split('. Slots 5–8')[0]!.split(/\s+/);
    expect(all14.slice(0, 21)).toEqual(t14.split(/\s+/));
    expect(all14).toHaveLength(61);
    for (const s of [1, 4]) expect(names(`/fx/${s}/type`), `slot ${s}`).toEqual(all14);
    const all58 = SCENE.split('own index order (it is NOT a tail of the first list): ')[1]!
      .split(' (no CMB')[0]!
      .split(/\s+/);
    expect(all58).toHaveLength(34);
    for (const s of [5, 8]) expect(names(`/fx/${s}/type`), `slot ${s}`).toEqual(all58);
  });
});

describe('hand-written scene files in the console format, one per fixed enum', () => {
  const fixture = (f: string) => readFileSync(join(ROOT, 'test/fixtures/scenes', f), 'utf8');

  it('FW4 4-channel output blocks (USB out/in, indices 26–35) parse and keep their index', () => {
    const { scene, problems } = parseScene(tree, fixture('routing-out-usb.scn'));
    expect(problems).toEqual([]);
    const vals = scene!.lines.flatMap((l) => l.parsed.values.map((v) => [v.leaf.address, v.raw]));
    const n = names('/config/routing/OUT/1-4');
    expect(vals).toEqual([
      ['/config/routing/OUT/1-4', n.indexOf('UOUT1-4')],
      ['/config/routing/OUT/5-8', names('/config/routing/OUT/5-8').indexOf('UOUT5-8')],
      ['/config/routing/OUT/9-12', n.indexOf('UIN9-12')],
      ['/config/routing/OUT/13-16', names('/config/routing/OUT/13-16').indexOf('UIN13-16')],
    ]);
    expect(vals.every(([, v]) => typeof v === 'number' && v >= 26 && v <= 35)).toBe(true);
  });

  it('an older-layout (L2) send line with 4 fields parses; panFollow is simply absent', () => {
    cite(SCENE, '| odd `…/mix/SS` (sends to bus, or bus/main → matrix) | 5 (L2: 4) | on level pan type panFollow |');
    const { scene, problems } = parseScene(tree, fixture('l2-sends.scn'));
    expect(problems).toEqual([]);
    const send = scene!.lines.find((l) => l.parsed.path === '/ch/01/mix/01')!;
    expect(send.parsed.values.map((v) => v.leaf.address.split('/').at(-1))).toEqual(['on', 'level', 'pan', 'type']);
  });
});
