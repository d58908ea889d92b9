// Daemon start-to-ready time and idle RSS on the simulated studio (real process, real sockets).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
// measure the bundle a studio runs: bin/rad.mjs falls back to tsx (slower, ~35 MB more) when dist/ is older than src/
const build = spawnSync(process.execPath, [join(root, 'scripts/build.mjs')], { stdio: 'inherit' });
if (build.status !== 0) throw new Error('build failed');
const runs = 5;
const starts: number[] = [];
const rss: number[] = [];

for (let i = 0; i < runs; i++) {
  const dir = mkdtempSync(join(tmpdir(), 'rad-bench-'));
  const cfg = join(dir, 'studio.yaml');
  writeFileSync(
    cfg,
    `api: {port: 0}\ndata_dir: ${dir}/data\nconsoles: [{id: x32-main, family: x32, host: 127.0.0.1, port: 0}]\nsim: {enabled: true}\n`,
  );
  const t0 = performance.now();
  const child = spawn(process.execPath, [join(root, 'bin/rad.mjs'), 'start', '--config', cfg], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  const ready = await new Promise<number>((resolve, reject) => {
    child.stderr.on('data', (d) => {
      err += d;
      if (err.includes('"msg":"ready"')) resolve(performance.now() - t0);
    });
    child.on('exit', (c) => reject(new Error(`daemon exited ${c}: ${err}`)));
  });
  starts.push(ready);
  await new Promise((r) => setTimeout(r, 2000)); // settle, then read idle RSS
  const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
  rss.push(Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024);
  child.kill('SIGTERM');
  await new Promise((r) => child.on('exit', r));
}
const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)]!;
console.log(
  `start-to-ready (process spawn to READY, built dist, incl. full X32 capture): median ${median(starts).toFixed(0)} ms over ${runs} runs`,
);
console.log(`idle RSS after 2 s: median ${median(rss).toFixed(1)} MB`);
console.log(
  JSON.stringify({
    bench: 'startup',
    start_to_ready_ms: Math.round(median(starts)),
    idle_rss_mb: Math.round(median(rss) * 10) / 10,
    runs,
    goal_ms: 1000,
    goal_rss_mb: 120,
  }),
);
