// Gain staging on the shipped studio (config/studio.yaml: its simulated band of 12 players on
// the X32's 32 inputs): one listen → apply → listen cycle. Reports how many playing inputs landed
// within ±1.5 dB of the target peak, the inputs named as never played, and the cycle's time.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from '../src/app.ts';
import { silentLogger } from '../src/core/logger.ts';
import { loadSettings } from '../src/settings/load.ts';
import { report } from './_report.ts';

const seconds = Number(process.env.GAIN_SECONDS ?? 10);
const settings = loadSettings(new URL('../config/studio.yaml', import.meta.url).pathname, {});
settings.data_dir = mkdtempSync(join(tmpdir(), 'rad-bench-gain-'));
settings.api.port = 0;
for (const c of settings.consoles) c.port = 0;
for (const p of settings.patchbays) if (p.tcp) p.tcp.port = 0;
const app = await App.build(settings, { log: silentLogger() });
await app.start();
app.services.studio!.setBand(true);
const t0 = performance.now();
const cpu0 = process.cpuUsage();
const listen = await app.services.gain.listen({ seconds });
const t1 = performance.now();
const applied = await app.services.gain.apply({ seconds });
const t2 = performance.now();
const cpu = process.cpuUsage(cpu0);
await app.stop();
rmSync(settings.data_dir, { recursive: true, force: true });

const players = settings.sim.band.players.length;
const played = listen.inputs.filter((i) => i.played);
const within = applied.results.filter((r) => r.within).length;
const worst = Math.max(...applied.results.map((r) => Math.abs(r.error_db ?? 99)));
for (const r of applied.results)
  console.log(
    `input ${String(r.input).padStart(2)}: gain ${r.from_gain_db} → ${r.to_gain_db} dB, peak ${r.peak_before_dbfs} → ${r.peak_after_dbfs} dBFS (${r.error_db! > 0 ? '+' : ''}${r.error_db} dB)`,
  );
console.log(
  `${played.length} of ${players} players heard; ${within}/${applied.results.length} landed within ±1.5 dB (worst ${worst} dB) in ${applied.steps} write rounds; never played: ${listen.never_played.length} inputs`,
);
report({
  bench: 'gain',
  models: `one listen → apply → listen cycle on the shipped studio's simulated band (${players} players, ${seconds} s listens)`,
  players,
  heard: played.length,
  landed_within_1_5_db: within,
  applied: applied.results.length,
  worst_error_db: worst,
  write_rounds: applied.steps,
  never_played: listen.never_played.length,
  listen_s: Number(((t1 - t0) / 1000).toFixed(2)),
  apply_and_listen_s: Number(((t2 - t1) / 1000).toFixed(2)),
  cycle_cpu_s: Number(((cpu.user + cpu.system) / 1e6).toFixed(2)),
  goal: 'every playing input within ±1.5 dB in one cycle',
});
