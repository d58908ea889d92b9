// A tone round's reading, taken again while its windows disagree (a dropped block is not a level fault).
import type { AudioEngine } from '../dsp/engine/engine.ts';
import type { MeasureSpec, Measurement } from '../dsp/engine/protocol.ts';

/** A tone whose two windows differ by more than this (dB) was read across a dropout: read again. */
export const UNSTEADY_DB = 1;

/**
 * A tone round's reading, taken again (twice at most) while a tone's windows disagree by more
 * than `UNSTEADY_DB`: a block the interface dropped is not a path's level fault. The steadiest
 * reading is kept (a path that is itself intermittent stays unsteady, and reads low).
 */
export async function steadyRead(engine: Pick<AudioEngine, 'measure'>, spec: MeasureSpec): Promise<Measurement[]> {
  // tones that are there (over −60 dBFS): a bin at the noise floor wanders by several dB on its own
  const spread = (m: Measurement[]) =>
    Math.max(0, ...m.flatMap((x) => x.tones.filter((t) => t.level_dbfs > -60).map((t) => t.spread_db ?? 0)));
  let best = await engine.measure(spec);
  for (let i = 0; i < 2 && spread(best) > UNSTEADY_DB; i++) {
    const again = await engine.measure({ ...spec, settleMs: 0 });
    if (spread(again) < spread(best)) best = again;
  }
  return best;
}
