import type { WireSettings } from './schema.ts';

/** `tie:1-8` → tie:1 … tie:8; a wire between two ranges of equal length is one wire per pair. */
export function expandWiring(wires: WireSettings[]): WireSettings[] {
  const range = (e: string) => {
    const m = /^(.*:)(\d+)-(\d+)$/.exec(e);
    if (!m) return [e];
    const a = Number(m[2]);
    const b = Number(m[3]);
    if (b < a || b - a > 1024) throw new RangeError(`bad range in ${e}`);
    return Array.from({ length: b - a + 1 }, (_, i) => `${m[1]}${a + i}`);
  };
  const out: WireSettings[] = [];
  for (const w of wires) {
    const f = range(w.from);
    const t = range(w.to);
    if (f.length !== t.length)
      throw new RangeError(`wiring ${w.from} → ${w.to}: ranges differ in length (${f.length} vs ${t.length})`);
    for (let i = 0; i < f.length; i++) out.push({ from: f[i]!, to: t[i]!, ...(w.name ? { name: w.name } : {}) });
  }
  return out;
}

/** The name a path goes by in faults and line-check results: `tie:7` → `tie-07`. */
export function pathName(source: string): string {
  const m = /^(.*):(\d+)$/.exec(source);
  return m ? `${m[1]!.replace(/:/g, '-')}-${m[2]!.padStart(2, '0')}` : source.replace(/:/g, '-');
}

/** `x32-main:bus:3` → { console: 'x32-main', point: 'bus:3' }: a console output endpoint (mix bus, main L/R/M, matrix). */
export function consoleOutputPoint(endpoint: string): { console: string; point: string } | undefined {
  const m = /^(.+):(bus:\d+|main:[LRM]|mtx:\d+)$/.exec(endpoint);
  return m ? { console: m[1]!, point: m[2]! } : undefined;
}
