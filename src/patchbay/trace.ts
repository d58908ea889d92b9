import type { CordSettings, WireSettings } from '../settings/schema.ts';
import type { PassiveBay } from './passive/bay.ts';

export { expandWiring } from '../settings/wiring.ts';

export type Hop = { from: string; to: string; why: string };
export type TracedPath = { source: string; destination: string; hops: Hop[] };
export type TraceResult = { start: string; direction: 'forward' | 'backward'; paths: TracedPath[]; warnings: string[] };

export type MatrixView = {
  id: string;
  map: () => Array<number | null>;
  known: () => boolean;
  label(kind: 'input' | 'output', n: number): string;
};

/**
 * The studio as a signal graph: install wiring, switcher ties (from each device's live map),
 * passive bay normals and declared cords. Answers "what reaches console input 7?" and "where
 * does tie line 3 go?". It explains what the plant should do; the line check proves it.
 */
export class PathTracer {
  constructor(
    private readonly parts: {
      wiring: WireSettings[];
      bays: PassiveBay[];
      matrices: MatrixView[];
      cords: () => CordSettings[];
    },
  ) {}

  edges(): { edges: Hop[]; warnings: string[] } {
    const cords = this.parts.cords();
    const edges: Hop[] = [];
    const warnings: string[] = [];
    for (const w of this.parts.wiring)
      edges.push({ from: w.from, to: w.to, why: w.name ? `wiring ${w.name}` : 'wiring' });
    for (const b of this.parts.bays) edges.push(...b.edges(cords));
    for (const c of cords) {
      edges.push({ from: c.a, to: c.b, why: `cord ${c.a} – ${c.b}` });
      edges.push({ from: c.b, to: c.a, why: `cord ${c.a} – ${c.b}` });
    }
    for (const m of this.parts.matrices) {
      if (!m.known()) warnings.push(`${m.id}: map unknown (device not online); its ties are left out`);
      m.map().forEach((input, i) => {
        if (input !== null)
          edges.push({
            from: `${m.id}:in:${input}`,
            to: `${m.id}:out:${i + 1}`,
            why: `${m.id} tie ${m.label('input', input)} → ${m.label('output', i + 1)}`,
          });
      });
    }
    return { edges, warnings };
  }

  /** Every endpoint reachable from `start` (forward) or that reaches it (backward), with the hops. */
  trace(start: string, direction: 'forward' | 'backward'): TraceResult {
    const { edges, warnings } = this.edges();
    const next = new Map<string, Hop[]>();
    for (const e of edges) {
      const key = direction === 'forward' ? e.from : e.to;
      next.set(key, [...(next.get(key) ?? []), e]);
    }
    const paths: TracedPath[] = [];
    const visit = (node: string, hops: Hop[], seen: Set<string>) => {
      const all = next.get(node) ?? [];
      const outs = all.filter((e) => !seen.has(direction === 'forward' ? e.to : e.from));
      if (outs.length === 0) {
        // an end: nothing further, or a device port whose only way on loops back (a cord's far
        // end); a bay jack reached again through a parallel point or a cord is not a source
        if (hops.length > 0 && (all.length === 0 || !/:(top|bottom):\d+$/.test(node)))
          paths.push(
            direction === 'forward'
              ? { source: start, destination: node, hops }
              : { source: node, destination: start, hops: [...hops].reverse() },
          );
        return;
      }
      for (const e of outs) {
        const to = direction === 'forward' ? e.to : e.from;
        visit(to, [...hops, e], new Set([...seen, to]));
      }
    };
    visit(start, [], new Set([start]));
    // collisions: two different sources on one destination (two outputs paralleled)
    if (direction === 'backward') {
      const sources = new Set(paths.map((p) => p.source).filter((s) => !/:(top|bottom):\d+$/.test(s)));
      if (sources.size > 1)
        warnings.push(
          `${start} is driven by ${sources.size} sources at once (${[...sources].join(', ')}): outputs paralleled`,
        );
    }
    return { start, direction, paths, warnings };
  }
}

/** A destination-looking endpoint is traced backward (what reaches it), anything else forward. */
export function directionFor(endpoint: string): 'forward' | 'backward' {
  return /:(in|bottom):\d+$/.test(endpoint) ? 'backward' : 'forward';
}

/**
 * The switcher ties a patch plan needs: for each (source → console input), the switcher input
 * the source reaches and the switcher output that feeds the input, traced with every switcher
 * open. Plans that cross no switcher, or two, need nothing here.
 */
export function requiredTies(
  plan: Array<{ source: string; input: string }>,
  parts: { wiring: WireSettings[]; bays: PassiveBay[]; cords: () => CordSettings[] },
): Array<{ patchbay: string; output: number; input: number; source: string; target: string }> {
  const open = new PathTracer({ ...parts, matrices: [] });
  const out: Array<{ patchbay: string; output: number; input: number; source: string; target: string }> = [];
  for (const p of plan) {
    const ins = open
      .trace(p.source, 'forward')
      .paths.map((x) => /^(.+):in:(\d+)$/.exec(x.destination))
      .filter((m): m is RegExpExecArray => m !== null);
    const outs = open
      .trace(p.input, 'backward')
      .paths.map((x) => /^(.+):out:(\d+)$/.exec(x.source))
      .filter((m): m is RegExpExecArray => m !== null);
    for (const i of ins)
      for (const o of outs)
        if (i[1] === o[1])
          out.push({ patchbay: i[1]!, output: Number(o[2]), input: Number(i[2]), source: p.source, target: p.input });
  }
  return out;
}
