import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  formatNodeLine,
  formatScene,
  initialState,
  parseNodeLine,
  parseScene,
} from '../../../src/console/x32/scene.ts';
import { SCENE_NODES, x32Tree } from '../../../src/console/x32/schema.ts';
import { sceneState } from '../../../src/console/x32/state.ts';

// a copy of shared/reference/x32-scene-nodes.txt (the expanded L4b node list)
const REF = new URL('../../fixtures/x32-scene-nodes.txt', import.meta.url);
const tree = x32Tree();

describe('X32 node tree', () => {
  it('has the 2117 scene nodes of layout L4b in the reference order', () => {
    const ref = readFileSync(REF, 'utf8').trim().split('\n');
    expect(SCENE_NODES.map((n) => n.path)).toEqual(ref);
  });

  it('initial state prints exactly the initial texts of x32-scene.md §7', () => {
    const st = initialState(tree);
    const line = (p: string) => formatNodeLine(tree.nodeByPath.get(p)!, st);
    expect(line('/ch/01/config')).toBe('/ch/01/config "" 1 YE 1');
    expect(line('/ch/05/preamp')).toBe('/ch/05/preamp +0.0 OFF OFF 24  20');
    expect(line('/ch/01/gate')).toBe('/ch/01/gate OFF GATE -80.0 60.0 1  502  983 0');
    expect(line('/ch/01/dyn')).toBe('/ch/01/dyn OFF COMP PEAK LOG 0.0 3.0 1 0.00 10 10.0  151 POST 0 100 OFF');
    expect(line('/ch/01/eq/3')).toBe('/ch/01/eq/3 PEQ 1k97 +0.00 2.0');
    expect(line('/ch/01/mix')).toBe('/ch/01/mix ON   -oo ON +0 OFF   -oo');
    expect(line('/ch/01/mix/01')).toBe('/ch/01/mix/01 ON   -oo +0 POST 0');
    expect(line('/auxin/07/config')).toBe('/auxin/07/config "USB L" 60 YE 39');
    expect(line('/config/solo')).toBe(
      '/config/solo   0.0 LRAFL 0.0 PFL PFL PFL OFF OFF OFF -20 OFF OFF OFF   0.3 OFF OFF OFF',
    );
    expect(line('/config/osc')).toBe('/config/osc -40.0 100.2 1k00 F1 PINK 0');
    expect(line('/bus/01/eq/1')).toBe('/bus/01/eq/1 LShv 79.6 +0.00 2.0');
    expect(line('/outputs/main/15')).toBe('/outputs/main/15 1 POST OFF');
    expect(line('/headamp/127')).toBe('/headamp/127 +0.0 OFF');
  });

  it('writes a scene with a 127-character header and a final LF', () => {
    const text = formatScene(tree, initialState(tree), 'X32_Compact_08022025');
    const rows = text.split('\n');
    expect(rows[0]).toHaveLength(127);
    expect(rows[0]!.startsWith('#4.0# "X32_Compact_0802" "" %000000000 1')).toBe(true);
    expect(rows).toHaveLength(2119);
    expect(rows[2118]).toBe('');
  });

  it('parses partial lines, single leaves and the examples of the reference', () => {
    const p = parseNodeLine(tree, '/ch/01/config "Kick In" 1 RD 1');
    expect(p.values.map((v) => [v.leaf.address, v.raw])).toEqual([
      ['/ch/01/config/name', 'Kick In'],
      ['/ch/01/config/icon', 1],
      ['/ch/01/config/color', 1],
      ['/ch/01/config/source', 1],
    ]);
    expect(parseNodeLine(tree, 'ch/01/mix ON -3.5').values).toHaveLength(2);
    const leaf = parseNodeLine(tree, '/ch/01/mix/fader -85.4');
    expect(Math.round((leaf.values[0]!.raw as number) * 1023)).toBe(10);
    expect(parseNodeLine(tree, '/ch/01/eq/1 LCut 91.4 +0.00 2.0').values[0]!.raw).toBe(0);
  });

  it('reports broken lines with their number and reason, and keeps the good ones', () => {
    const good = formatScene(tree, initialState(tree), 'T').split('\n');
    good[5] = '/config/mute OFF MAYBE';
    good[100] = '/ch/99/mix ON';
    good[200] = '/ch/03/mix ON -3 ON +0 OFF -oo 7';
    const { scene, problems } = parseScene(tree, good.join('\n'));
    expect(problems).toEqual([
      { line: 6, reason: '/config/mute/2: "MAYBE" is not one of OFF ON' },
      { line: 101, reason: 'unknown node /ch/99/mix' },
      { line: 201, reason: '/ch/03/mix takes at most 6 values, got 7' },
    ]);
    expect(scene!.lines).toHaveLength(2114);
    expect(parseScene(tree, 'garbage\n/ch/01/mix ON').problems[0]!.line).toBe(1);
  });

  it('a rad-written scene round-trips byte for byte', () => {
    const st = initialState(tree);
    st.set('/ch/01/config/name', 'Kick In');
    st.set('/ch/01/mix/fader', 700 / 1023);
    st.set('/ch/01/eq/2/f', 0.4);
    const text = formatScene(tree, st, 'Round');
    const { scene, problems } = parseScene(tree, text);
    expect(problems).toEqual([]);
    const back = initialState(tree);
    for (const l of scene!.lines) for (const v of l.parsed.values) back.set(v.leaf.address, v.raw);
    expect(formatScene(tree, back, 'Round')).toBe(text);
  });
});

describe('FX type tables (x32-scene.md §7.7: Maillot X32SetScene.h Xfxtyp4/Xfxtyp5, console-written files)', () => {
  const leaf = (a: string) => tree.leafByAddress.get(a)!;
  it('slots 1–4 take all 61 types; slots 5–8 take the 34 insert effects in their own order', () => {
    const law14 = leaf('/fx/1/type').law as { kind: 'enum'; names: string[] };
    const law58 = leaf('/fx/5/type').law as { kind: 'enum'; names: string[] };
    expect(law14.names).toHaveLength(61);
    expect(law58.names).toHaveLength(34);
    // integer indices name the right effect from 12 up (they used to be shifted by CMB/CMB2)
    expect(law58.names.slice(11, 13)).toEqual(['LIM', 'FAC']);
    expect(law58.names.slice(30)).toEqual(['PHAS', 'FILT', 'PAN', 'SUB']);
    for (const bad of ['CMB', 'CMB2', 'PIT2', 'PIT']) expect(law58.names).not.toContain(bad);
  });

  it('a hand-written scene with PHAS, FILT, PAN and SUB on slots 5–8 parses; PIT on slot 5 is refused', () => {
    const text = readFileSync(new URL('../../fixtures/scenes/fx-insert-slots.scn', import.meta.url), 'utf8');
    expect(parseScene(tree, text).problems).toEqual([]);
    const st = sceneState(text);
    expect(st.get('/fx/5/type')).toBe(30);
    expect(st.get('/fx/8/type')).toBe(33);
    expect(st.get('/fx/1/type')).toBe(60);
    const bad = parseScene(tree, '#4.0# "x" "" %000000000 1\n/fx/5 PIT\n');
    expect(bad.problems).toHaveLength(1);
    expect(bad.problems[0]!.reason).toMatch(/PIT/);
  });
});
