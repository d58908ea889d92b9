// Full X32 scene capture (2117 /node lines): pipelined vs strictly sequential, same run, on the
// simulator with a stated LAN model (one-way delay per datagram).
import { Bus } from '../src/core/bus.ts';
import { silentLogger } from '../src/core/logger.ts';
import { X32Console } from '../src/console/x32/console.ts';
import { X32Simulator } from '../src/sim/x32/simulator.ts';
import { Store } from '../src/store/db.ts';
import { report } from './_report.ts';

const lanDelayMs = Number(process.env.LAN_DELAY_MS ?? 1);
const sim = new X32Simulator({ port: 0, lanDelayMs });
await sim.start();
const _store = Store.inMemory();
const con = new X32Console(
  { id: 'bench', host: '127.0.0.1', port: sim.port },
  { bus: new Bus(), log: silentLogger() },
  { meterBanks: [] },
);
await con.start();

const reference = sim.nodeLines();
const pipe = await con.capture({ window: 16, maxWindow: 64, timeoutMs: 250 });
const seq = await con.capture({ window: 1, maxWindow: 1, timeoutMs: 250 });
const check = (text: string) => {
  const lines = text.split('\n').slice(1, -1);
  return lines.length === reference.length && lines.every((l, i) => l === reference[i]);
};
await con.stop();
await sim.stop();

console.log(`LAN model: ${lanDelayMs} ms each way (round trip ${2 * lanDelayMs} ms) on loopback UDP`);
console.log(
  `pipelined : ${pipe.lines} lines in ${pipe.seconds.toFixed(3)} s, ${pipe.retries} retries, ${pipe.missing.length} missing, equal to simulator dump: ${check(pipe.text)}`,
);
console.log(
  `sequential: ${seq.lines} lines in ${seq.seconds.toFixed(3)} s, ${seq.retries} retries, ${seq.missing.length} missing, equal to simulator dump: ${check(seq.text)}`,
);
report({
  bench: 'x32-capture',
  lan_delay_ms_each_way: lanDelayMs,
  lines: pipe.lines,
  pipelined_s: Number(pipe.seconds.toFixed(3)),
  sequential_s: Number(seq.seconds.toFixed(3)),
  ratio: Number((seq.seconds / pipe.seconds).toFixed(1)),
  missing_pipelined: pipe.missing.length,
  missing_sequential: seq.missing.length,
});
