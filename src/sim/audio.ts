import type { AudioTopology } from '../dsp/engine/protocol.ts';
import type { SimFault } from '../settings/schema.ts';

/**
 * The simulated studio's audio loop before any patchbay exists: interface output N is wired
 * back to input N ("loop-N"), with the faults from settings applied per loop. The line check
 * replaces this with the plant's real topology (switchers, bays, console routing).
 */
export function loopTopology(inputs: number, outputs: number, faults: SimFault[], baseLatency = 0): AudioTopology {
  const loopIndex = (name: string | undefined): number | undefined => {
    const m = /^loop-(\d+)$/.exec(name ?? '');
    const n = m ? Number(m[1]) : Number.NaN;
    return n >= 1 && n <= inputs ? n : undefined;
  };
  const topo: AudioTopology = {
    inputs: Array.from({ length: inputs }, (_, i) => ({
      sources: i < outputs ? [{ output: i + 1, gainDb: 0, delaySamples: baseLatency, polarity: 1 as const }] : [],
      noiseDbfs: -120,
    })),
  };
  const swaps: Array<[number, number]> = [];
  for (const f of faults) {
    const n = loopIndex(f.path);
    if (n === undefined) continue;
    const inp = topo.inputs[n - 1]!;
    switch (f.kind) {
      case 'dead':
        inp.sources = [];
        break;
      case 'polarity':
        for (const s of inp.sources) s.polarity = -1;
        break;
      case 'gain-db':
        for (const s of inp.sources) s.gainDb += f.db ?? f.value ?? -6;
        break;
      case 'latency-samples':
        for (const s of inp.sources) s.delaySamples += f.value ?? 48;
        break;
      case 'hum':
        inp.humDbfs = f.db ?? -60;
        inp.humHz = f.value === 60 ? 60 : 50;
        break;
      case 'noise':
        inp.noiseDbfs = f.db ?? -50;
        break;
      case 'clip':
        inp.clipDbfs = f.db ?? -24;
        break;
      case 'crosstalk-from': {
        const from = loopIndex(f.from);
        if (from !== undefined && from <= outputs)
          inp.sources.push({ output: from, gainDb: f.db ?? -60, delaySamples: baseLatency, polarity: 1 });
        break;
      }
      case 'swap-with': {
        const other = loopIndex(f.with);
        if (other !== undefined) swaps.push([n, other]);
        break;
      }
      default:
        break;
    }
  }
  for (const [a, b] of swaps) {
    const A = topo.inputs[a - 1]!;
    const B = topo.inputs[b - 1]!;
    [A.sources, B.sources] = [B.sources, A.sources];
  }
  return topo;
}
