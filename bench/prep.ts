// Strip silence and declick on 1 hour of mono 48 kHz audio (16-bit WAV made here: speech-like
// bursts of tones with pauses, a noise floor and a click every 2 s), one thread each.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mulberry32 } from '../src/core/random.ts';
import { DECLICK_DEFAULTS, declickFile } from '../src/dsp/offline/declick.ts';
import { findRegions, hopPeaks, renderRegions, SILENCE_DEFAULTS } from '../src/dsp/offline/silence.ts';
import { WavWriter } from '../src/dsp/offline/wav.ts';
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
const { repairs } = declickFile(src, join(dir, 'hour.declicked.wav'), DECLICK_DEFAULTS);
const declickS = (performance.now() - t0) / 1000;
rmSync(dir, { recursive: true, force: true });

console.log(
  `${SECONDS} s of mono 48 kHz (16-bit): strip silence ${stripS.toFixed(2)} s (detect ${detectS.toFixed(2)} s + render) = ${(SECONDS / stripS).toFixed(0)}x real time, ${regions.length} regions`,
);
console.log(
  `declick ${declickS.toFixed(2)} s = ${(SECONDS / declickS).toFixed(0)}x real time, ${repairs.length} repairs for ${clicks} inserted clicks`,
);
report({
  bench: 'prep',
  models: 'strip silence and declick on 1 hour of mono 48 kHz audio, as rad prep runs them',
  audio_s: SECONDS,
  strip_silence_s: Number(stripS.toFixed(2)),
  strip_silence_realtime_x: Math.round(SECONDS / stripS),
  declick_s: Number(declickS.toFixed(2)),
  declick_realtime_x: Math.round(SECONDS / declickS),
  goal_strip_x: 500,
  goal_declick_x: 50,
});
