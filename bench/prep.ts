// Strip silence and declick (clicks and pops, as `rad prep declick` runs by default) on 1 hour of mono 48 kHz audio (16-bit WAV made here: speech-like
// bursts of tones with pauses, a noise floor and a click every 2 s), one thread each.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mulberry32 } from '../src/core/random.ts';
import { DECLICK_DEFAULTS, declickFile } from '../src/dsp/offline/declick.ts';
import { DEPOP_DEFAULTS } from '../src/dsp/offline/depop.ts';
import { findRegions, hopPeaks, renderRegions, SILENCE_DEFAULTS } from '../src/dsp/offline/silence.ts';
import { WavWriter } from '../src/dsp/offline/wav.ts';
import { lowpassZeroPhase } from '../src/dsp/offline/filters.ts';
import { breaths, deess, denoise, VOCAL_DEFAULTS, vocalFile } from '../src/dsp/offline/vocal.ts';
import {
  damage,
  music,
  phrases,
  readMono,
  score,
  scoreBreaths,
  scoreDeess,
  scoreDenoise,
  speech,
  vocalTake,
  writeMono,
} from '../test/fixtures/corpus.ts';
import { report } from './_report.ts';

const FS = 48000;
const SECONDS = Number(process.env.PREP_SECONDS ?? 3600);
const dir = mkdtempSync(join(tmpdir(), 'rad-bench-prep-'));
const src = join(dir, 'hour.wav');
const rng = mulberry32(3);
const w = new WavWriter(src, { sampleRate: FS, channels: 1, format: 'int16' });
const block = new Float32Array(FS);
let clicks = 0;
for (let s = 0; s < SECONDS; s++) {
  const talking = s % 10 < 7; // 7 s of sound, 3 s of pause
  for (let i = 0; i < FS; i++) {
    const t = s + i / FS;
    block[i] =
      (rng() - 0.5) * 0.002 +
      (talking
        ? 0.2 * Math.sin(2 * Math.PI * 180 * t + 2 * Math.sin(2 * Math.PI * 3 * t)) +
          0.08 * Math.sin(2 * Math.PI * 540 * t)
        : 0);
  }
  if (s % 2 === 0) {
    const p = 1000 + Math.floor(rng() * 40000);
    for (let k = 0; k < 4; k++) block[p + k]! += 0.4 * (1 - k / 4);
    clicks++;
  }
  w.write([block]);
}
w.close();

let t0 = performance.now();
const { peaks, hop, info } = hopPeaks(src);
const regions = findRegions(peaks, hop, info.sampleRate, info.frames, SILENCE_DEFAULTS);
const detectS = (performance.now() - t0) / 1000;
t0 = performance.now();
renderRegions(src, join(dir, 'hour.stripped.wav'), regions, SILENCE_DEFAULTS.fadeMs);
const stripS = detectS + (performance.now() - t0) / 1000;
t0 = performance.now();
const { repairs } = declickFile(src, join(dir, 'hour.declicked.wav'), DECLICK_DEFAULTS, undefined, DEPOP_DEFAULTS);
const declickS = (performance.now() - t0) / 1000;

// quality on material no one tuned to: espeak-ng speech and synthetic music, 40 s each, with 25
// clicks and 25 pops inserted at known places (test/fixtures/corpus.ts), declicked from disk
const quality: Record<string, unknown> = {};
const corpus = [
  ['speech', speech(dir, 40)],
  ['music', music(40)],
] as const;
/** The damaged take through declickFile from disk, as rad runs it: clicks and pops scored, and its speed. */
function declickCorpus(tag: string, c: ReturnType<typeof damage>) {
  const inPath = join(dir, `${tag}.wav`);
  writeMono(inPath, c.damaged);
  const outPath = join(dir, `${tag}.declicked.wav`);
  const t = performance.now();
  const found = declickFile(inPath, outPath, DECLICK_DEFAULTS, undefined, DEPOP_DEFAULTS).repairs;
  const realtimeX = c.damaged.length / FS / ((performance.now() - t) / 1000);
  const repaired = readMono(outPath);
  const of = (kind: 'click' | 'pop') =>
    score(
      c,
      kind,
      found.filter((r) => r.kind === kind),
      repaired,
    );
  return { clicks: of('click'), pops: of('pop'), realtimeX };
}
for (const [name, clean] of corpus) {
  const { clicks: clicksQ, pops: popsQ, realtimeX: qx } = declickCorpus(name, damage(clean, 25, 25));
  console.log(
    `declick on ${name} (${qx.toFixed(0)}x real time: 25 clicks and 25 pops in 40 s): clicks P ${clicksQ.precision.toFixed(2)} R ${clicksQ.recall.toFixed(2)}, ${clicksQ.improvement_db} dB closer to the clean take around them; pops P ${popsQ.precision.toFixed(2)} R ${popsQ.recall.toFixed(2)}, ${popsQ.improvement_db} dB closer`,
  );
  quality[`declick_${name}_click_precision`] = Number(clicksQ.precision.toFixed(3));
  quality[`declick_${name}_click_recall`] = Number(clicksQ.recall.toFixed(3));
  quality[`declick_${name}_click_db`] = clicksQ.improvement_db;
  quality[`declick_${name}_pop_precision`] = Number(popsQ.precision.toFixed(3));
  quality[`declick_${name}_pop_recall`] = Number(popsQ.recall.toFixed(3));
  quality[`declick_${name}_pop_db`] = popsQ.improvement_db;
  quality[`declick_${name}_realtime_x`] = Math.round(qx);
}

// pops on the same material with other placements (seeds 17 and 18): looked at only after every
// threshold of the pop detectors was fixed (on seeds 7 and 11–16: 15 and 16 were held out until
// session 9 looked into their misses), so these are the held-out figures
for (const [name, clean] of corpus) {
  const held = [17, 18].map((seed) => {
    const q = declickCorpus(`${name}-${seed}`, damage(clean, 25, 25, seed)).pops;
    return {
      seed,
      precision: Number(q.precision.toFixed(3)),
      recall: Number(q.recall.toFixed(3)),
      db: q.improvement_db,
    };
  });
  console.log(
    `pops on ${name}, held-out placements: ${held.map((h) => `seed ${h.seed} P ${h.precision.toFixed(2)} R ${h.recall.toFixed(2)} ${h.db} dB`).join('; ')}`,
  );
  quality[`declick_${name}_pop_heldout`] = held;
}

// vocal cleanup on a 120 s take made the same way (phrases, breaths in the pauses, harsh sibilants,
// room noise), each step scored on its own, then all three from disk for the speed
{
  const take = vocalTake(phrases(dir, 120), 40);
  const st = (f: (x: Float32Array) => unknown) => {
    const x = Float32Array.from(take.damaged);
    const t = performance.now();
    const r = f(x);
    return { x, r, s: (performance.now() - t) / 1000 };
  };
  const b = st((x) => breaths(x, FS, -12));
  const bq = scoreBreaths(take, (b.r as ReturnType<typeof breaths>).spans, b.x);
  const d = st((x) => deess(x, FS, VOCAL_DEFAULTS.deessMaxDb));
  const dq = scoreDeess(take, d.r as ReturnType<typeof deess>, d.x, lowpassZeroPhase);
  const n = st((x) => denoise(x, FS, VOCAL_DEFAULTS.denoiseDb));
  const nq = scoreDenoise(take, n.x);
  const inPath = join(dir, 'take.wav');
  writeMono(inPath, take.damaged);
  const t = performance.now();
  vocalFile(inPath, join(dir, 'take.vocal.wav'), { ...VOCAL_DEFAULTS, deess: true, breathsDb: -12, denoise: true });
  const allS = (performance.now() - t) / 1000;
  console.log(
    `vocal on 120 s: breaths (${take.breaths.length}) P ${bq.precision.toFixed(2)} R ${bq.recall.toFixed(2)}, lowered ${bq.lowered_db_mean} dB (min ${bq.lowered_db_min}); de-esser (${take.sibilants.length} harsh) P ${dq.precision.toFixed(2)} R ${dq.recall.toFixed(2)}, harsh band −${dq.harsh_lowered_db} dB, voice below the crossover changed ${dq.voice_change_db} dB; denoise: pauses −${nq.pause_noise_lowered_db} dB, speech SNR ${nq.speech_snr_before_db} → ${nq.speech_snr_after_db} dB; all three from disk ${allS.toFixed(2)} s = ${(120 / allS).toFixed(0)}x real time`,
  );
  Object.assign(quality, {
    vocal_breaths_precision: Number(bq.precision.toFixed(3)),
    vocal_breaths_recall: Number(bq.recall.toFixed(3)),
    vocal_breaths_lowered_db: bq.lowered_db_mean,
    vocal_deess_precision: Number(dq.precision.toFixed(3)),
    vocal_deess_recall: Number(dq.recall.toFixed(3)),
    vocal_deess_harsh_lowered_db: dq.harsh_lowered_db,
    vocal_deess_voice_change_db: dq.voice_change_db,
    vocal_denoise_pause_lowered_db: nq.pause_noise_lowered_db,
    vocal_denoise_speech_snr_db: [nq.speech_snr_before_db, nq.speech_snr_after_db],
    vocal_all_steps_realtime_x: Math.round(120 / allS),
  });
}
rmSync(dir, { recursive: true, force: true });

console.log(
  `${SECONDS} s of mono 48 kHz (16-bit): strip silence ${stripS.toFixed(2)} s (detect ${detectS.toFixed(2)} s + render) = ${(SECONDS / stripS).toFixed(0)}x real time, ${regions.length} regions`,
);
console.log(
  `declick (clicks and pops) ${declickS.toFixed(2)} s = ${(SECONDS / declickS).toFixed(0)}x real time, ${repairs.length} repairs (${repairs.filter((r) => r.kind === 'pop').length} pops) for ${clicks} inserted clicks`,
);
report({
  bench: 'prep',
  models: 'strip silence and declick (clicks and pops) on 1 hour of mono 48 kHz audio, as rad prep runs them',
  audio_s: SECONDS,
  strip_silence_s: Number(stripS.toFixed(2)),
  strip_silence_realtime_x: Math.round(SECONDS / stripS),
  declick_s: Number(declickS.toFixed(2)),
  declick_realtime_x: Math.round(SECONDS / declickS),
  ...quality,
  goal_quality: 'P/R ≥ 0.95 and ≥ 20 dB closer around the events (issue 22)',
  goal_strip_x: 500,
  goal_declick_x: 50,
});
