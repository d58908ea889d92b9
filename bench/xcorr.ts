// Latency/polarity cross-correlation, direct form vs FFT (PFFFT), on the worker's real workload:
// two 4800-sample analysis windows of noise against the played reference, over lag ranges from a
// short studio path (300) to a long one (12000 = 250 ms). Baseline: the direct form, same run.
import { correlate, FftCorrelator } from '../src/dsp/xcorr.ts';
import { mulberry32 } from '../src/core/random.ts';
import { report } from './_report.ts';

const n = 9600;
const rows: Array<{ max_lag: number; direct_ms: number; fft_ms: number; ratio: number }> = [];
for (const maxLag of [128, 300, 512, 1024, 2048, 8000, 12000]) {
  const noise = mulberry32(1);
  const sent = new Float32Array(n).map(() => (noise() - 0.5) * 0.2);
  const rng = mulberry32(2);
  const delay = Math.floor(maxLag * 0.7);
  const recv = new Float32Array(n + maxLag).map(
    (_, i) => (i >= delay && i - delay < n ? sent[i - delay]! : 0) + (rng() - 0.5) * 0.01,
  );
  const fft = await FftCorrelator.create(n, maxLag);
  const time = (fn: () => { lag: number }) => {
    let reps = 0;
    const t0 = performance.now();
    while (performance.now() - t0 < 300 || reps < 3) {
      if (fn().lag !== delay) throw new Error(`wrong lag at maxLag ${maxLag}`);
      reps++;
    }
    return (performance.now() - t0) / reps;
  };
  const direct = time(() => correlate(sent, recv, maxLag));
  const viaFft = time(() => fft.correlate(sent, recv, maxLag));
  rows.push({
    max_lag: maxLag,
    direct_ms: Math.round(direct * 100) / 100,
    fft_ms: Math.round(viaFft * 100) / 100,
    ratio: Math.round((direct / viaFft) * 10) / 10,
  });
  console.log(
    `maxLag ${String(maxLag).padStart(5)}: direct ${direct.toFixed(2)} ms, FFT (${fft.size} points) ${viaFft.toFixed(2)} ms, ratio ${(direct / viaFft).toFixed(1)}`,
  );
}
report({ bench: 'xcorr', models: 'latency by cross-correlation, FFT vs direct, per lag range', samples: n, rows });
