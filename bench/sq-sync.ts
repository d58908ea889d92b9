// Full SQ-7 sync (one get per parameter the reference lists) over MIDI-over-TCP against the
// simulator with a stated LAN model: at the reference's Companion pacing (batches of 20, 300 ms
// pauses) and unpaced (256 gets in flight), same run. Checks the driver model equals the console.
import { SqDriver } from '../src/console/sq/driver.ts';
import { sqParams } from '../src/console/sq/params.ts';
import { SqSimulator } from '../src/sim/sq/simulator.ts';
import { mulberry32 } from '../src/core/random.ts';
import { report } from './_report.ts';

const lanDelayMs = Number(process.env.LAN_DELAY_MS ?? 1);
const sim = new SqSimulator({ port: 0, lanDelayMs });
await sim.start();
// a non-factory console so equality means something
const rnd = mulberry32(12);
for (const prm of sqParams().list) {
  const v = prm.kind === 'mute' || prm.kind === 'assign' ? (rnd() < 0.3 ? 1 : 0) : Math.floor(rnd() * 16384);
  sim.state.set(prm.p, v);
}
const equal = (d: SqDriver) => sqParams().list.every((prm) => d.model.get(prm.p) === sim.state.get(prm.p));

async function run(window: number, pauseMs: number) {
  const d = new SqDriver({
    host: '127.0.0.1',
    port: sim.port,
    syncWindow: window,
    syncPauseMs: pauseMs,
    reconnect: false,
    replyTimeoutMs: 10000,
  });
  const t0 = performance.now();
  await d.connect(); // connect includes the full sync
  const s = (performance.now() - t0) / 1000;
  const ok = equal(d);
  await d.close();
  return { s, ok };
}

const n = sqParams().list.length;
const unpaced = await run(256, 0);
const sequential = await run(1, 0);
const paced = await run(20, 300);
await sim.stop();
const msgs = n * 2; // one get out, one 4-message write back, per parameter
console.log(
  `LAN model: ${lanDelayMs} ms each way on loopback TCP; ${n} parameters, ${msgs} messages (${n * 9 + n * 12} bytes)`,
);
console.log(
  `unpaced (256 in flight): ${unpaced.s.toFixed(3)} s, ${(msgs / unpaced.s).toFixed(0)} msg/s, model equals console: ${unpaced.ok}`,
);
console.log(`sequential (1 in flight): ${sequential.s.toFixed(3)} s, model equals console: ${sequential.ok}`);
console.log(
  `paced (20 per 300 ms, Companion): ${paced.s.toFixed(3)} s, ${(msgs / paced.s).toFixed(0)} msg/s, model equals console: ${paced.ok}`,
);
report({
  bench: 'sq-sync',
  models: 'a full SQ-7 sync over TCP at 1 ms LAN: pipelined vs one at a time vs Companion pacing',
  lan_delay_ms_each_way: lanDelayMs,
  params: n,
  messages: msgs,
  unpaced_s: Number(unpaced.s.toFixed(3)),
  unpaced_msg_per_s: Math.round(msgs / unpaced.s),
  sequential_s: Number(sequential.s.toFixed(3)),
  paced_s: Number(paced.s.toFixed(3)),
  paced_msg_per_s: Math.round(msgs / paced.s),
  ratio_sequential_vs_unpaced: Number((sequential.s / unpaced.s).toFixed(1)),
  equal: unpaced.ok && sequential.ok && paced.ok,
});
