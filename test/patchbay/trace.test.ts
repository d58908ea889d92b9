import { describe, expect, it } from 'vitest';
import { PassiveBay } from '../../src/patchbay/passive/bay.ts';
import { directionFor, expandWiring, type MatrixView, PathTracer } from '../../src/patchbay/trace.ts';
import type { CordSettings } from '../../src/settings/schema.ts';

const matrix = (id: string, map: Array<number | null>): MatrixView => ({
  id,
  map: () => map,
  known: () => true,
  label: (k, n) => `${k} ${n}`,
});

function studio(
  cords: CordSettings[],
  mode: 'full' | 'half' | 'isolated' | 'parallel' = 'half',
  swMap: Array<number | null> = [1, 2, 3, 4],
) {
  return new PathTracer({
    wiring: expandWiring([
      { from: 'tie:1-4', to: 'bay:top:1-4' },
      { from: 'bay:bottom:1-4', to: 'sw:in:1-4' },
      { from: 'sw:out:1-4', to: 'desk:in:1-4' },
      { from: 'outboard:out:1', to: 'bay:top:9' },
      { from: 'bay:bottom:9', to: 'outboard:in:1' },
    ]),
    bays: [new PassiveBay({ id: 'bay', points: 12, normal: mode })],
    matrices: [matrix('sw', swMap)],
    cords: () => cords,
  });
}

describe('path tracer', () => {
  it('follows wiring, a half-normal bay and switcher ties to the console input', () => {
    const r = studio([]).trace('desk:in:3', 'backward');
    expect(r.paths.map((p) => p.source)).toEqual(['tie:3']);
    expect(r.paths[0]!.hops.map((h) => h.why)).toEqual([
      'wiring',
      'bay point 3 half-normal',
      'wiring',
      'sw tie input 3 → output 3',
      'wiring',
    ]);
  });

  it('a switcher re-tie changes what arrives: tie 2 now reaches desk input 3', () => {
    const r = studio([], 'half', [1, 2, 2, 4]).trace('desk:in:3', 'backward');
    expect(r.paths.map((p) => p.source)).toEqual(['tie:2']);
    expect(
      studio([], 'half', [1, 2, 2, 4])
        .trace('tie:2', 'forward')
        .paths.map((p) => p.destination)
        .sort(),
    ).toEqual(['desk:in:2', 'desk:in:3']);
  });

  it('half-normal: a cord in the top jack taps (the normal stays); in the bottom jack it breaks', () => {
    const tap = studio([{ a: 'bay:top:1', b: 'bay:bottom:9' }]).trace('tie:1', 'forward');
    expect(tap.paths.map((p) => p.destination).sort()).toEqual(['desk:in:1', 'outboard:in:1']);
    const insert = studio([{ a: 'bay:top:9', b: 'bay:bottom:2' }]).trace('desk:in:2', 'backward');
    expect(insert.paths.map((p) => p.source)).toEqual(['outboard:out:1']); // tie 2's normal is broken
  });

  it('full-normal: a cord in the top jack breaks the normal too; isolated never joins', () => {
    const full = studio([{ a: 'bay:top:1', b: 'bay:bottom:9' }], 'full').trace('tie:1', 'forward');
    expect(full.paths.map((p) => p.destination)).toEqual(['outboard:in:1']);
    expect(
      studio([], 'isolated')
        .trace('desk:in:1', 'backward')
        .paths.map((p) => p.source),
    ).toEqual(['bay:bottom:1']);
  });

  it('parallel points join both ways and flag two sources on one input', () => {
    const r = studio([{ a: 'bay:bottom:1', b: 'bay:top:9' }], 'parallel').trace('desk:in:1', 'backward');
    expect(new Set(r.paths.map((p) => p.source))).toEqual(new Set(['tie:1', 'outboard:out:1']));
    expect(r.warnings.some((w) => w.includes('outputs paralleled'))).toBe(true);
  });

  it('expands ranges and refuses ranges of different lengths', () => {
    expect(expandWiring([{ from: 'a:1-3', to: 'b:in:5-7' }]).map((w) => `${w.from}>${w.to}`)).toEqual([
      'a:1>b:in:5',
      'a:2>b:in:6',
      'a:3>b:in:7',
    ]);
    expect(() => expandWiring([{ from: 'a:1-3', to: 'b:1-2' }])).toThrow(/differ in length/);
    expect(directionFor('x32-main:in:7')).toBe('backward');
    expect(directionFor('tie:3')).toBe('forward');
  });
});
