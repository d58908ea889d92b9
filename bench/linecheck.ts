// A 64-path line check on the simulated studio (config/studio.yaml's plant: tie lines, bay,
// two switchers, X32): every path toned at once (rounds as the frequency plan needs) vs one
// path at a time, same run. The simulated audio loop runs at real-device pace.
import { App } from '../src/app.ts';
import { silentLogger } from '../src/core/logger.ts';
import { loadSettings } from '../src/settings/load.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { report } from './_report.ts';

const settings = loadSettings(new URL('../config/studio.yaml', import.meta.url).pathname, {});
settings.data_dir = mkdtempSync(join(tmpdir(), 'rad-bench-lc-'));
settings.api.port = 0;
for (const c of settings.consoles) c.port = 0;
for (const p of settings.patchbays) if (p.tcp) p.tcp.port = 0;
const app = await App.build(settings, { log: silentLogger() });
await app.start();
const lc = app.services.linecheck;
const concurrent = await lc.start({}).done;
const sequential = await lc.start({ mode: 'sequential' }).done;
await app.stop();
rmSync(settings.data_dir, { recursive: true, force: true });
const passes = (r: typeof concurrent) => r.results.filter((x) => x.verdict === 'pass').length;
console.log(
  `64 paths, block ${settings.audio!.block} samples at ${settings.audio!.sample_rate} Hz, real-time simulated loop`,
);
console.log(
  `concurrent: ${concurrent.seconds!.toFixed(2)} s (${passes(concurrent)} pass); one path at a time: ${sequential.seconds!.toFixed(2)} s (${passes(sequential)} pass)`,
);
report({
  bench: 'linecheck',
  models: 'a 64-path line check of the shipped studio (real-time simulated loop), all at once vs one path at a time',
  paths: concurrent.results.length,
  concurrent_s: Number(concurrent.seconds!.toFixed(3)),
  sequential_s: Number(sequential.seconds!.toFixed(3)),
  ratio: Number((sequential.seconds! / concurrent.seconds!).toFixed(1)),
  goal_s: 2,
  goal_ratio: 10,
});
