// The simulated plant's audio, against expectations written by hand for a small studio: which
// interface outputs each interface input hears through the tie lines, a half-normalled bay, a
// switcher's (simulated) crosspoints and a cord, and what each configured fault does to it.
import { describe, expect, it } from 'vitest';
import { validateSettings } from '../../src/settings/load.ts';
import { plantTopology } from '../../src/sim/plant.ts';
import type { LineDeviceSim } from '../../src/sim/patchbay/base.ts';

const studio = (extra: Record<string, unknown> = {}) =>
  validateSettings({
    api: { port: 0 },
    data_dir: '/tmp/rad-plant-test',
    audio: { backend: 'sim', inputs: 4, outputs: 4, latency_samples: 100 },
    bays: [{ id: 'bay', points: 4, normal: 'half' }],
    wiring: [
      { from: 'iface:out:1-4', to: 'tie:1-4' },
      { from: 'tie:1-4', to: 'bay:top:1-4' },
      { from: 'bay:bottom:1-4', to: 'sw:in:1-4' },
      { from: 'sw:out:1-4', to: 'iface:in:1-4' },
    ],
    ...extra,
    sim: { enabled: true, ...(extra.sim as object) },
  });

/** The plant reads only the switcher's crosspoints (output → input) from its simulator. */
const switcher = (map: Array<number | null>) => new Map([['sw', { map } as unknown as LineDeviceSim]]);
const heard = (t: ReturnType<typeof plantTopology>) => t!.inputs.map((i) => i.sources.map((s) => s.output));

describe('simulated plant', () => {
  it('traces each interface input back through switcher crosspoints to the outputs that feed it', () => {
    const t = plantTopology(studio(), switcher([2, 1, 3, null]));
    expect(heard(t)).toEqual([[2], [1], [3], []]);
    expect(t!.inputs[0]!.sources[0]).toEqual({ output: 2, gainDb: 0, delaySamples: 100, polarity: 1 });
  });

  it('a cord into the bottom row breaks the normal: the cord source reaches the switcher instead', () => {
    const t = plantTopology(studio({ cords: [{ a: 'bay:top:4', b: 'bay:bottom:1' }] }), switcher([1, 2, 3, 4]));
    // half normal: top 1 still feeds bottom 1 unless something is plugged into bottom 1; the cord is
    expect(heard(t)).toEqual([[4], [2], [3], [4]]);
  });

  it('faults act on the named path only', () => {
    const t = plantTopology(
      studio({
        sim: {
          faults: [
            { path: 'tie-01', kind: 'polarity' },
            { path: 'tie-02', kind: 'dead' },
            { path: 'tie-03', kind: 'gain-db', db: -12 },
            { path: 'tie-04', kind: 'hum', db: -40, value: 60 },
          ],
        },
      }),
      switcher([1, 2, 3, 4]),
    );
    const [i1, i2, i3, i4] = t!.inputs;
    expect(i1!.sources).toEqual([{ output: 1, gainDb: 0, delaySamples: 100, polarity: -1 }]);
    expect(i2!.sources).toEqual([]);
    expect(i3!.sources).toEqual([{ output: 3, gainDb: -12, delaySamples: 100, polarity: 1 }]);
    expect(i4).toMatchObject({ humDbfs: -40, humHz: 60, sources: [{ output: 4, gainDb: 0, polarity: 1 }] });
  });

  it('a swapped pair trades what the two inputs hear', () => {
    const t = plantTopology(
      studio({ sim: { faults: [{ path: 'tie-01', kind: 'swap-with', with: 'tie-02' }] } }),
      switcher([1, 2, 3, 4]),
    );
    expect(heard(t)).toEqual([[2], [1], [3], [4]]);
  });

  it('no audio section, or wiring that never leaves and returns to the interface: no plant', () => {
    expect(plantTopology({ ...studio(), audio: undefined }, switcher([1, 2, 3, 4]))).toBeUndefined();
    expect(plantTopology(studio({ wiring: [{ from: 'iface:out:1-4', to: 'tie:1-4' }] }), switcher([]))).toBeUndefined();
  });
});
