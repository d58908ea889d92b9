// Pops (low thumps of 2–10 ms) measured on the corpus made here (test/fixtures/corpus.ts):
// espeak-ng speech and synthetic music with clicks and pops at known places, through the same
// file path `rad prep declick` takes (declickFile with pops on, then the job's CSV).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../src/core/random.ts';
import { DECLICK_DEFAULTS, declickFile } from '../../src/dsp/offline/declick.ts';
import { DEPOP_DEFAULTS } from '../../src/dsp/offline/depop.ts';
import { runPrepJob } from '../../src/dsp/offline/jobs.ts';
import { damage, music, readMono, score, speech, writeMono } from '../fixtures/corpus.ts';
import { tempDir } from '../helpers.ts';

const dir = tempDir('rad-depop-');

function run(name: string, clean: Float32Array, clicks: number, pops: number, seed: number) {
  const c = damage(clean, clicks, pops, seed);
  const inPath = join(dir, `${name}.wav`);
  writeMono(inPath, c.damaged);
  const outPath = join(dir, `${name}.declicked.wav`);
  const { repairs } = declickFile(inPath, outPath, DECLICK_DEFAULTS, undefined, DEPOP_DEFAULTS);
  const repaired = readMono(outPath);
  return { c, repairs, repaired };
}

describe('pops', () => {
  it('speech: most pops found and taken off, few false, clicks unchanged', () => {
    const { c, repairs, repaired } = run('speech', speech(dir, 40), 25, 25, 7);
    const pops = repairs.filter((r) => r.kind === 'pop');
    const q = score(c, 'pop', pops, repaired);
    const qc = score(
      c,
      'click',
      repairs.filter((r) => r.kind === 'click'),
      repaired,
    );
    console.log(
      `pops on speech: P ${q.precision.toFixed(2)} R ${q.recall.toFixed(2)}, ${q.improvement_db} dB closer; clicks P ${qc.precision.toFixed(2)} R ${qc.recall.toFixed(2)} ${qc.improvement_db} dB`,
    );
    // measured 0.93 / 1.00 and 19.2 dB (bench prep reports the figures; the goal is 0.95 / 20 dB)
    expect(q.recall).toBeGreaterThanOrEqual(0.9);
    expect(q.precision).toBeGreaterThanOrEqual(0.85);
    expect(q.improvement_db).toBeGreaterThanOrEqual(10);
    expect(qc.recall).toBeGreaterThanOrEqual(0.95);
    expect(qc.improvement_db).toBeGreaterThanOrEqual(20);
    // every pop repair says what it took off: a thump of 0.2–0.5 peak is −30 … −6 dBFS RMS
    for (const p of pops) expect(p.removed_dbfs).toBeGreaterThan(-40);
    for (const p of pops) expect(p.removed_dbfs).toBeLessThan(0);
  });

  it('speech: no loud pop is missed, in a pause or next to a word (placements 7 and 21)', () => {
    const clean = speech(dir, 40);
    for (const seed of [7, 21]) {
      const { c, repairs } = run(`speech-${seed}`, clean, 25, 25, seed);
      const pops = repairs.filter((r) => r.kind === 'pop');
      const tol = 240;
      // a pop's peak: what the damage added; over 0.3 it is heard by anyone (seed 21 has two in
      // pauses that the level detector once skipped: a ripple of its band filter just before each
      // was taken for the peak, and its extent ran through the pop)
      const loud = c.events.filter((e) => {
        let pk = 0;
        for (let i = e.start; i < e.start + e.length; i++) pk = Math.max(pk, Math.abs(c.damaged[i]! - c.clean[i]!));
        return e.kind === 'pop' && pk > 0.3;
      });
      expect(loud.length).toBeGreaterThan(0);
      const missed = loud.filter(
        (e) => !pops.some((r) => r.start < e.start + e.length + tol && r.start + r.length > e.start - tol),
      );
      expect(missed.map((e) => e.start / 48000)).toEqual([]);
    }
  });

  it('music: pops under a bass line and a kick’s tail are found (the band’s level barely rises there), none false', () => {
    const { c, repairs, repaired } = run('music', music(40), 25, 25, 7);
    const q = score(
      c,
      'pop',
      repairs.filter((r) => r.kind === 'pop'),
      repaired,
    );
    console.log(`pops on music: P ${q.precision.toFixed(2)} R ${q.recall.toFixed(2)}, ${q.improvement_db} dB closer`);
    // measured 1.00 / 0.96, 15.4 dB (session 8: 11.7 dB; the miss is 25 ms after a kick's attack);
    // session 7's level detector alone found 1 of 25
    expect(q.recall).toBeGreaterThanOrEqual(0.9);
    expect(q.precision).toBeGreaterThanOrEqual(0.95);
    expect(q.improvement_db).toBeGreaterThanOrEqual(10);
  });

  it('music with a kick on every beat, or a room noise floor alone: nothing is taken for a pop', () => {
    const { repairs } = run('music-clean', music(20), 0, 0, 3);
    expect(repairs.filter((r) => r.kind === 'pop')).toEqual([]);
    // −60 dBFS of white noise: its band under 150 Hz has bumps of its own, none loud enough to hear
    const rng = mulberry32(8);
    const floor = run(
      'floor',
      new Float32Array(48000 * 20).map(() => (rng() - 0.5) * 0.002),
      0,
      0,
      3,
    );
    expect(floor.repairs).toEqual([]);
  });

  it('the job writes one CSV row per repair with its kind and the level removed; pops: false leaves pops alone', () => {
    const c = damage(speech(dir, 20), 6, 6, 5);
    const inPath = join(dir, 'job.wav');
    writeMono(inPath, c.damaged);
    const [r] = runPrepJob('declick', { inputs: [inPath] }, () => {}) as Array<Record<string, unknown>>;
    const rows = readFileSync(r!.report as string, 'utf8')
      .trim()
      .split('\n');
    expect(rows[0]).toBe('kind,channel,start_s,start_sample,length_samples,removed_dbfs');
    const kinds = rows.slice(1).map((l) => l.split(',')[0]);
    expect(kinds.filter((k) => k === 'pop').length).toBe(r!.pops);
    expect(kinds.filter((k) => k === 'click').length).toBe(r!.clicks);
    expect(r!.pops).toBeGreaterThan(0);
    for (const l of rows.slice(1)) expect(Number(l.split(',')[5])).toBeLessThan(0); // dBFS of what was taken off
    const [off] = runPrepJob(
      'declick',
      { inputs: [inPath], options: { pops: false, sensitivity: 10 } },
      () => {},
    ) as Array<Record<string, unknown>>;
    expect(off!.pops).toBe(0);
    expect(off!.clicks).toBe(r!.clicks);
    expect(() => runPrepJob('declick', { inputs: [inPath], options: { pops: 'yes' } }, () => {})).toThrow(
      expect.objectContaining({ code: 'E_PREP_OPTION' }),
    );
  });
});
