// Snapshot → change 32 faders → diff → restore (only what differs, read back) on the X32
// simulator with a stated LAN model, plus a 32x32 switcher map.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from '../src/app.ts';
import { silentLogger } from '../src/core/logger.ts';
import { validateSettings } from '../src/settings/load.ts';
import { report } from './_report.ts';

const lan = Number(process.env.LAN_DELAY_MS ?? 1);
const settings = validateSettings({
  api: { port: 0 },
  data_dir: mkdtempSync(join(tmpdir(), 'rad-bench-recall-')),
  consoles: [{ id: 'x32', family: 'x32', host: '127.0.0.1', port: 0 }],
  patchbays: [{ id: 'sw', protocol: 'extron-sis', tcp: { host: '127.0.0.1', port: 0 }, inputs: 32, outputs: 32 }],
  sim: { enabled: true, lan_delay_ms: lan },
});
const app = await App.build(settings, { log: silentLogger() });
await app.start();
const snaps = app.services.snapshots;
const con = app.services.consoles.get('x32');
let t = performance.now();
const snap = await snaps.take('bench');
const takeS = (performance.now() - t) / 1000;
await con.write(Array.from({ length: 32 }, (_, i) => ({ path: `input/${i + 1}/fader`, value: -10 - i / 4 })));
t = performance.now();
const d = snaps.diff(snap.id, 'live');
const diffS = (performance.now() - t) / 1000;
t = performance.now();
const r = await snaps.restore(snap.id);
const restoreS = (performance.now() - t) / 1000;
await app.stop();
rmSync(settings.data_dir, { recursive: true, force: true });
console.log(
  `LAN model ${lan} ms each way (X32 simulator); snapshot ${takeS.toFixed(3)} s, diff ${(diffS * 1000).toFixed(1)} ms (${d.strips.length} strips), restore ${restoreS.toFixed(3)} s (${r.console.applied} lines, ${r.console.verified} verified)`,
);
report({
  bench: 'recall',
  models: 'snapshot → 32 fader changes → diff → restore on the X32 simulator at 1 ms LAN',
  lan_delay_ms_each_way: lan,
  snapshot_s: Number(takeS.toFixed(3)),
  diff_ms: Number((diffS * 1000).toFixed(1)),
  restore_s: Number(restoreS.toFixed(3)),
  round_trip_s: Number((takeS + diffS + restoreS).toFixed(3)),
});
