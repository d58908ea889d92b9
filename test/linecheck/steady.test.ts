// The tone round's re-read: what the engine reports (its spread between windows is tested in
// test/dsp/engine.test.ts) is scripted here, so each case is exact.
import { describe, expect, it } from 'vitest';
import type { MeasureSpec, Measurement } from '../../src/dsp/engine/protocol.ts';
import { steadyRead } from '../../src/linecheck/steady.ts';

const read = (level: number, spread: number, floorSpread = 0): Measurement[] => [
  {
    channel: 1,
    rms_dbfs: level,
    peak_dbfs: level + 3,
    dc_dbfs: -200,
    clipped_samples: 0,
    digital_silence: false,
    noise_floor_dbfs: -120,
    tones: [
      { freq: 1230, level_dbfs: level, spread_db: spread },
      { freq: 3690, level_dbfs: -118, spread_db: floorSpread }, // the 3rd harmonic's bin: noise floor
    ],
    hum: { hz: 50, level_dbfs: -130, harmonics_dbfs: [-130, -130, -130, -130, -130] },
  },
];

function engine(script: Measurement[][]) {
  const specs: MeasureSpec[] = [];
  return {
    specs,
    measure: async (spec: MeasureSpec) => {
      specs.push(spec);
      return script[Math.min(specs.length - 1, script.length - 1)]!;
    },
  };
}

const spec: MeasureSpec = { channels: [1], freqs: [1230, 3690], windows: 2, settleMs: 60 };

describe('a tone round read across a dropout', () => {
  it('a steady reading is taken once, whatever the noise-floor bins do', async () => {
    const e = engine([read(-18, 0.02, 6)]);
    expect((await steadyRead(e, spec))[0]!.tones[0]!.level_dbfs).toBe(-18);
    expect(e.specs).toHaveLength(1);
  });

  it('windows that disagree are read again (without settling again) and the steady reading is kept', async () => {
    const e = engine([read(-20.2, 4.5), read(-18, 0.03)]);
    expect((await steadyRead(e, spec))[0]!.tones[0]!.level_dbfs).toBe(-18);
    expect(e.specs).toHaveLength(2);
    expect(e.specs[1]!.settleMs).toBe(0);
  });

  it('a path that stays unsteady is read three times and the steadiest reading is reported', async () => {
    const e = engine([read(-21, 5), read(-19.5, 2), read(-22, 6)]);
    const m = await steadyRead(e, spec);
    expect(e.specs).toHaveLength(3);
    expect(m[0]!.tones[0]).toMatchObject({ level_dbfs: -19.5, spread_db: 2 });
  });
});
