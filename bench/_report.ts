// The last line of every bench: its figures, plus wall and CPU time of the whole bench process
// (process.cpuUsage counts every thread, the DSP and prep workers included), the machine's core
// count and its load average at start, so a figure is never read without its conditions.
import { cpus, loadavg } from 'node:os';

const load = loadavg()[0]!;

export function report(fields: Record<string, unknown>): void {
  const cpu = process.cpuUsage();
  console.log(
    JSON.stringify({
      ...fields,
      wall_s: Math.round(performance.now()) / 1000,
      cpu_s: Math.round((cpu.user + cpu.system) / 1000) / 1000,
      cores: cpus().length,
      load_at_start: Math.round(load * 100) / 100,
    }),
  );
}
