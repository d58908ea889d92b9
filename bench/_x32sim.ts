// The X32 simulator in its own process for bench x32-capture, so the bench's CPU figure is rad's
// alone: prints its port, runs until its stdin closes.
import { X32Simulator } from '../src/sim/x32/simulator.ts';

const sim = new X32Simulator({ port: 0, lanDelayMs: Number(process.argv[2] ?? 0) });
await sim.start();
process.stdout.write(`${sim.port}\n`);
process.stdin.resume();
process.stdin.on('end', () => void sim.stop().then(() => process.exit(0)));
