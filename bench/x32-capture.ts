// Full X32 scene capture (2117 /node lines) on the simulator running in its own process, with a
// stated LAN model (one-way delay per datagram): pipelined vs strictly sequential, at 0 ms and
// 1 ms each way; CPU time is this process's (rad's side) during each capture, retries beside it.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { Bus } from '../src/core/bus.ts';
import { silentLogger } from '../src/core/logger.ts';
import { X32Console } from '../src/console/x32/console.ts';
import type { ConsoleState } from '../src/console/model.ts';
import { report } from './_report.ts';

const here = new URL('.', import.meta.url).pathname;

async function simAt(lanDelayMs: number) {
  const child = spawn(process.execPath, ['--import', 'tsx', join(here, '_x32sim.ts'), String(lanDelayMs)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve) =>
    child.stdout.once('data', (d) => resolve(Number(String(d).trim()))),
  );
  return {
    port,
    stop: () =>
      new Promise((r) => {
        child.on('exit', r);
        child.stdin.end();
      }),
  };
}

async function timed(fn: () => Promise<ConsoleState>) {
  const c0 = process.cpuUsage();
  const r = await fn();
  const c = process.cpuUsage(c0);
  return { r, cpuMs: (c.user + c.system) / 1000 };
}

const rows: Record<string, unknown>[] = [];
for (const lan of [0, 1]) {
  const sim = await simAt(lan);
  const con = new X32Console(
    { id: 'bench', host: '127.0.0.1', port: sim.port },
    { bus: new Bus(), log: silentLogger() },
    { meterBanks: [] },
  );
  await con.start();
  const pipe = await timed(() => con.capture({ window: 16, maxWindow: 64 }));
  const seq = await timed(() => con.capture({ window: 1, maxWindow: 1 }));
  await con.stop();
  await sim.stop();
  const line = (name: string, x: { r: ConsoleState; cpuMs: number }) =>
    `${name}: ${x.r.lines} lines in ${x.r.seconds.toFixed(3)} s, CPU ${x.cpuMs.toFixed(0)} ms (${((1000 * x.cpuMs) / x.r.lines).toFixed(1)} µs a line), ${x.r.retries} retries, ${x.r.missing.length} missing`;
  console.log(`LAN ${lan} ms each way — ${line('pipelined', pipe)}; ${line('sequential', seq)}`);
  rows.push({
    lan_delay_ms_each_way: lan,
    lines: pipe.r.lines,
    pipelined_s: Number(pipe.r.seconds.toFixed(3)),
    pipelined_cpu_ms: Math.round(pipe.cpuMs),
    pipelined_retries: pipe.r.retries,
    sequential_s: Number(seq.r.seconds.toFixed(3)),
    sequential_cpu_ms: Math.round(seq.cpuMs),
    sequential_retries: seq.r.retries,
    ratio: Number((seq.r.seconds / pipe.r.seconds).toFixed(1)),
    missing: pipe.r.missing.length + seq.r.missing.length,
  });
}
report({
  bench: 'x32-capture',
  models: 'connect-time capture of a whole X32 (simulator in its own process), pipelined vs one request at a time',
  rows,
  goal: { pipelined_s: 1, ratio: 20, pipelined_cpu_ms: 30, retries_at_0ms: 0 },
});
