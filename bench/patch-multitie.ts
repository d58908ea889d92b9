// A full 32x32 map set on the Extron SIS simulator over TCP: one Qik multi-tie vs one command per
// tie (each waiting for its reply), same run, with a stated LAN model. Both end with a map read-back.
import { Bus } from '../src/core/bus.ts';
import { silentLogger } from '../src/core/logger.ts';
import { PatchbayService } from '../src/patchbay/service.ts';
import { validateSettings } from '../src/settings/load.ts';
import { ExtronSim } from '../src/sim/patchbay/extron.ts';
import { Store } from '../src/store/db.ts';
import { report } from './_report.ts';

const lanDelayMs = Number(process.env.LAN_DELAY_MS ?? 1);
const N = 32;
const sim = new ExtronSim(N, N);
sim.lanDelayMs = lanDelayMs;
await sim.listen(0);
const settings = validateSettings({
  patchbays: [{ id: 'sw', protocol: 'extron-sis', tcp: { host: '127.0.0.1', port: sim.port }, inputs: N, outputs: N }],
}).patchbays[0]!;
const store = Store.inMemory();
const svc = new PatchbayService(settings, { bus: new Bus(), presets: store.presets, log: silentLogger() });
await svc.start();

const mapA = Array.from({ length: N }, (_, o) => ({ output: o + 1, input: ((o * 7) % N) + 1 }));
const mapB = Array.from({ length: N }, (_, o) => ({ output: o + 1, input: ((o * 11 + 3) % N) + 1 }));
const time = async (fn: () => Promise<unknown>) => {
  const t0 = performance.now();
  await fn();
  return (performance.now() - t0) / 1000;
};
const runs = 5;
let multi = 0;
let single = 0;
for (let r = 0; r < runs; r++) {
  multi += await time(() => svc.route(r % 2 ? mapA : mapB, 'bench', { atomic: true }));
  single += await time(() => svc.route(r % 2 ? mapB : mapA, 'bench', { atomic: false }));
}
multi /= runs;
single /= runs;
const ok = sim.map.every((v, i) => v === svc.map()[i]);
await svc.stop();
await sim.close();
console.log(
  `LAN model: ${lanDelayMs} ms each way; ${N}x${N} map, mean of ${runs} runs, each ending with a verified read-back (2 VC pages)`,
);
console.log(
  `one Qik multi-tie: ${(multi * 1000).toFixed(1)} ms; one command per tie: ${(single * 1000).toFixed(1)} ms; simulator matches the model: ${ok}`,
);
report({
  bench: 'patch-multitie',
  models: 'a full 32×32 map on the Extron simulator: one Qik multi-tie vs a command per tie, with read-back',
  lan_delay_ms_each_way: lanDelayMs,
  ties: N,
  multi_tie_s: Number(multi.toFixed(4)),
  per_tie_s: Number(single.toFixed(4)),
  ratio: Number((single / multi).toFixed(1)),
});
