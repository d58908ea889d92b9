// The detector-bank workload of shared/bench-ref/goertzel_bank.c (64 channels, 64 tones,
// 4800-sample blocks, 10 s at 48 kHz) through our ToneBank (PFFFT) + level meter, with the C
// reference compiled and run in the same benchmark run.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LevelAccumulator } from '../src/dsp/levels.ts';
import { ToneBank } from '../src/dsp/tonebank.ts';
import { mulberry32 } from '../src/core/random.ts';
import { report } from './_report.ts';

const C = 64;
const TONES = 64;
const SECONDS = 10;
const B = 4800;
const FS = 48000;

const src = new URL('../../shared/bench-ref/goertzel_bank.c', import.meta.url).pathname;
let cRef: { realtime_x: number; wall_s: number } | undefined;
if (existsSync(src)) {
  const dir = mkdtempSync(join(tmpdir(), 'rad-bench-'));
  const bin = join(dir, 'goertzel_bank');
  try {
    execFileSync('cc', ['-O2', '-o', bin, src, '-lm']);
    cRef = JSON.parse(
      execFileSync(bin, [String(C), String(TONES), String(SECONDS), String(B)], { encoding: 'utf8' }).trim(),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
} else {
  // a figure with no baseline beside it is not a result: fail, naming what is missing
  console.error(`C reference not found at ${src} (the shared folder beside the checkout); no ratio, no result`);
  process.exit(1);
}

// same input as the C program: channel c carries tone (c % T) at -18 dBFS plus a little noise
const rng = mulberry32(1);
const input = Array.from({ length: C }, (_, c) =>
  new Float32Array(B).map(
    (_, n) => 0.1259 * Math.sin((2 * Math.PI * (10 + 3 * (c % TONES)) * n) / B) + 1e-4 * (rng() - 0.5),
  ),
);
const bins = Array.from({ length: TONES }, (_, k) => 10 + 3 * k);
const bank = await ToneBank.create(B, FS, bins);
const power = new Float64Array(TONES);
const meters = Array.from({ length: C }, () => new LevelAccumulator());
const blocks = Math.floor((SECONDS * FS) / B);
let check = 0;
// warm-up (JIT), then the timed run
for (let c = 0; c < C; c++) bank.powers(input[c]!, 0, power);
// five timed runs of the whole 10 s (each ~0.1 s: one alone is at the mercy of the scheduler); the median counts
const walls: number[] = [];
for (let run = 0; run < 5; run++) {
  const t0 = performance.now();
  for (let b = 0; b < blocks; b++) {
    for (let c = 0; c < C; c++) {
      const m = meters[c]!;
      m.reset();
      m.add(input[c]!);
      bank.powers(input[c]!, 0, power);
    }
    check += power[(b % C) % TONES]!;
  }
  walls.push((performance.now() - t0) / 1000);
}
const wall = [...walls].sort((a, b) => a - b)[2]!;
const audioS = (blocks * B) / FS;
const ours = audioS / wall;
console.log(
  `ours (PFFFT real FFT + 64 bins + RMS, one thread): ${wall.toFixed(3)} s for ${audioS} s of ${C} channels = ${ours.toFixed(1)}x real time`,
);
if (cRef) console.log(`C reference (Goertzel bank, cc -O2): ${cRef.wall_s} s = ${cRef.realtime_x}x real time`);
report({
  bench: 'dsp-bank',
  channels: C,
  tones: TONES,
  block: B,
  audio_s: audioS,
  ours_wall_s: Number(wall.toFixed(4)),
  ours_realtime_x: Number(ours.toFixed(1)),
  ours_realtime_x_range: [
    Number((audioS / Math.max(...walls)).toFixed(1)),
    Number((audioS / Math.min(...walls)).toFixed(1)),
  ],
  c_realtime_x: cRef?.realtime_x ?? null,
  ratio_vs_c: cRef ? Number((ours / cRef.realtime_x).toFixed(1)) : null,
  goal: { realtime_x: 100, ratio_vs_c: 40 },
  models: 'the line check tone detector: 64 channels × 64 tones in 100 ms blocks, one core',
  check: Number(check.toExponential(3)),
});
bank.dispose();
