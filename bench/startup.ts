// What `npm start` runs: the daemon on config/studio.yaml as shipped (X32, four switchers, the
// passive bay, the 64-channel simulated audio loop), spawned from the built bundle: spawn →
// READY, then CPU (all threads, from /proc) and RSS over 10 s of idle. Second row: a minimal
// file (one simulated X32) to show what the studio around it costs. Only data_dir moves to a
// temp folder (RAD_DATA_DIR), removed at the end.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { report } from './_report.ts';

const root = new URL('..', import.meta.url).pathname;
// measure the bundle a studio runs: bin/rad.mjs falls back to tsx (slower, ~35 MB more) when dist/ is older than src/
const build = spawnSync(process.execPath, [join(root, 'scripts/build.mjs')], { stdio: 'inherit' });
if (build.status !== 0) throw new Error('build failed');
const RUNS = Number(process.env.RAD_BENCH_RUNS ?? 3);
const IDLE_S = Number(process.env.RAD_BENCH_IDLE_S ?? 10);
const TICK = 100; // USER_HZ: /proc/<pid>/stat counts CPU in 1/100 s

const cpuTicks = (pid: number) => {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return Number(f[11]) + Number(f[12]); // utime + stime, every thread of the process
};
const rssMb = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;
const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)]!;

async function run(config: string, env: NodeJS.ProcessEnv) {
  const t0 = performance.now();
  const child = spawn(process.execPath, [join(root, 'bin/rad.mjs'), 'start', '--config', config], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, ...env },
  });
  let err = '';
  const ready = await new Promise<number>((resolve, reject) => {
    child.stderr.on('data', (d) => {
      err += d;
      if (err.includes('"msg":"ready"')) resolve(performance.now() - t0);
    });
    child.on('exit', (c) => reject(new Error(`daemon exited ${c}: ${err.slice(-2000)}`)));
  });
  await new Promise((r) => setTimeout(r, 1000)); // let start-up work finish
  const c0 = cpuTicks(child.pid!);
  const w0 = performance.now();
  await new Promise((r) => setTimeout(r, IDLE_S * 1000));
  const cpuPct = ((cpuTicks(child.pid!) - c0) / TICK / ((performance.now() - w0) / 1000)) * 100;
  const rss = rssMb(child.pid!);
  child.kill('SIGTERM');
  await new Promise((r) => child.on('exit', r));
  return { ready, cpuPct, rss };
}

const rows: Record<string, { start_to_ready_ms: number; idle_cpu_pct: number; idle_rss_mb: number }> = {};
const temps: string[] = [];
try {
  for (const [name, config] of [
    ['studio', join(root, 'config/studio.yaml')],
    ['minimal', ''],
  ] as const) {
    const res = [];
    for (let i = 0; i < RUNS; i++) {
      const dir = mkdtempSync(join(tmpdir(), 'rad-bench-start-'));
      temps.push(dir);
      let cfg = config;
      if (!cfg) {
        cfg = join(dir, 'studio.yaml');
        writeFileSync(
          cfg,
          'api: {port: 0}\nconsoles: [{id: x32-main, family: x32, host: 127.0.0.1, port: 0}]\nsim: {enabled: true}\n',
        );
      }
      res.push(await run(cfg, { RAD_DATA_DIR: join(dir, 'data') }));
    }
    rows[name] = {
      start_to_ready_ms: Math.round(median(res.map((r) => r.ready))),
      idle_cpu_pct: Math.round(median(res.map((r) => r.cpuPct)) * 10) / 10,
      idle_rss_mb: Math.round(median(res.map((r) => r.rss)) * 10) / 10,
    };
    console.log(
      `${name.padEnd(8)} spawn → READY ${rows[name].start_to_ready_ms} ms; idle over ${IDLE_S} s: ${rows[name].idle_cpu_pct} % of a core, RSS ${rows[name].idle_rss_mb} MB (median of ${RUNS})`,
    );
  }
} finally {
  for (const d of temps) rmSync(d, { recursive: true, force: true });
}
report({
  bench: 'startup',
  models: 'npm start: config/studio.yaml as shipped (built bundle), and a one-X32 minimal file',
  studio: rows.studio,
  minimal: rows.minimal,
  runs: RUNS,
  idle_s: IDLE_S,
  goal: { start_to_ready_ms: 1000, idle_cpu_pct: 3, idle_rss_mb: 150 },
});
