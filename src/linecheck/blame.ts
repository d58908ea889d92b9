import type { PathTracer } from '../patchbay/trace.ts';
import type { PathResult } from './diagnose.ts';

export type Blame = {
  /** The device the finding points at, and its port. */
  device: string;
  port: string;
  why: string;
  /** The path through the plant, source first (device:port each). */
  chain: string[];
};

const split = (point: string) => {
  const i = point.indexOf(':');
  return i < 0 ? { device: point, port: '' } : { device: point.slice(0, i), port: point.slice(i + 1) };
};

/**
 * Where a failing path's fault most likely sits, read from the tracer's chain for the path:
 * an offline device on it; for a path that hears another source (or a stuck crosspoint), the
 * first switcher (its crosspoint); for no signal, the first point after the source (the tie
 * line's bay point or the switcher input); for polarity, level, hum, noise or crackle, the
 * source's line (a cable or a bay cord); for latency, the first switcher (a converter or
 * network hop in between).
 */
export function blamePath(
  r: PathResult,
  tracer: Pick<PathTracer, 'trace'>,
  deps: { isSwitcher(id: string): boolean; stateOf(id: string): string | undefined },
): Blame {
  let chain: string[] = [r.source, r.input];
  try {
    const t = tracer.trace(r.input, 'backward');
    const p = t.paths.find((x) => x.source === r.source) ?? t.paths[0];
    if (p && p.hops.length > 0) {
      chain = [p.hops[0]!.from, ...p.hops.map((h) => h.to)];
      // the interface output that injects the tone is not part of the studio's path
      const i = chain.indexOf(r.source);
      if (i > 0) chain = chain.slice(i);
    }
  } catch {
    // an input the tracer does not know: the chain stays source → input
  }
  const at = (pt: string | undefined, why: string): Blame => ({ ...split(pt ?? r.input), why, chain });
  const offline = chain.find((pt) => {
    const s = deps.stateOf(split(pt).device);
    return s !== undefined && s !== 'online';
  });
  if (offline) return at(offline, `${split(offline).device} is ${deps.stateOf(split(offline).device)}`);
  const switcher = chain.find((pt) => deps.isSwitcher(split(pt).device));
  switch (r.verdict) {
    case 'wrong-source':
    case 'stuck-crosspoint':
    case 'crosstalk':
      return switcher
        ? at(
            switcher,
            `a crosspoint: the path hears ${r.arrived_from ?? r.swapped_with ?? r.crosstalk?.from ?? 'another source'}`,
          )
        : at(chain[1], `the path hears ${r.arrived_from ?? r.swapped_with ?? 'another source'}: check the patch`);
    case 'dead':
      return at(chain[1] ?? chain[0], 'no signal arrives: start at the first patch point after the source');
    case 'latency':
      return at(switcher ?? r.input, 'extra delay on the path (a converter or network hop)');
    default:
      return at(chain[0], `${r.verdict}: the source's line (cable, tie or bay cord)`);
  }
}
