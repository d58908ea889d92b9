import type { AudioTopology, TopologyInput } from '../dsp/engine/protocol.ts';
import { PassiveBay } from '../patchbay/passive/bay.ts';
import { expandWiring, type MatrixView, PathTracer } from '../patchbay/trace.ts';
import type { Programme } from '../drivers/audio/band.ts';
import type { BAND_PROGRAMMES, Settings, SimFault } from '../settings/schema.ts';
import type { LineDeviceSim } from './patchbay/base.ts';
import { oscDestPoints } from '../console/x32/oscdest.ts';
import { consoleOutputPoint, pathName } from '../settings/wiring.ts';

export { pathName };

/** The simulated consoles' part in the plant: preamp gains per console input, and the band at them. */
export type PlantConsoles = {
  /** Per console id: the preamp gain (dB) at its input point k (0 where there is no preamp). */
  preamps?: Map<string, (k: number) => number>;
  band?: Settings['sim']['band']['players'];
};

// the settings' list of band programmes and the renderer's are one list
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _programmesAgree: Same<(typeof BAND_PROGRAMMES)[number], Programme> = true;
void _programmesAgree;

/** A console's test oscillator as the plant needs it (the X32 simulator's running state). */
export type OscillatorView = () => {
  on: boolean;
  freqHz: number;
  levelDb: number | null;
  type: 'sine' | 'pink' | 'white';
  dest: number;
};

/**
 * The simulated plant's audio: for every interface input, which interface outputs reach it,
 * traced through the install wiring, the bays and the switchers' *simulated* state (the truth,
 * not the driver's model), with the faults from settings applied per path.
 */
export function plantTopology(
  settings: Settings,
  sims: Map<string, LineDeviceSim>,
  oscillators: Map<string, OscillatorView> = new Map(),
  consoles: PlantConsoles = {},
): AudioTopology | undefined {
  const a = settings.audio;
  if (!a) return undefined;
  const wiring = expandWiring(settings.wiring);
  // without outputs into the plant and returns from it, the interface is its own loop (a band
  // playing into returned console inputs is still a plant)
  const returns = wiring.some((w) => w.to.startsWith('iface:in:'));
  if (!returns || (!wiring.some((w) => w.from.startsWith('iface:out:')) && !consoles.band?.length)) return undefined;
  const matrices: MatrixView[] = [...sims.entries()].map(([id, sim]) => ({
    id,
    map: () => sim.map,
    known: () => true,
    label: (k, n) => `${k} ${n}`,
  }));
  const tracer = new PathTracer({
    wiring,
    bays: settings.bays.map((b) => new PassiveBay(b)),
    matrices,
    cords: () => settings.cords,
  });
  const base = a.latency_samples;
  // the path a source belongs to: the endpoint an interface output is wired to
  const sourceOf = new Map<number, string>();
  for (const w of wiring) {
    const m = /^iface:out:(\d+)$/.exec(w.from);
    if (m) sourceOf.set(Number(m[1]), w.to);
  }
  const outputOfPath = new Map<string, number>();
  for (const [o, src] of sourceOf) outputOfPath.set(pathName(src), o);
  /** What a point of the plant hears: traced back to the interface outputs and console outputs that reach it. */
  const hear = (endpoint: string): { spec: TopologyInput; paths: string[] } => {
    const traced = tracer.trace(endpoint, 'backward');
    const outs = [
      ...new Set(
        traced.paths
          .map((p) => /^iface:out:(\d+)$/.exec(p.source)?.[1])
          .filter((x): x is string => x !== undefined)
          .map(Number),
      ),
    ];
    // console outputs (mix buses, mains, matrices) wired here carry the console's oscillator when it is sent there
    const generators: NonNullable<TopologyInput['generators']> = [];
    const consoleOuts: string[] = [];
    for (const src of new Set(traced.paths.map((p) => p.source))) {
      const cp = consoleOutputPoint(src);
      const osc = cp && oscillators.get(cp.console);
      if (!cp || !osc) continue;
      consoleOuts.push(pathName(src));
      const o = osc();
      if (o.on && o.levelDb !== null && oscDestPoints(o.dest).includes(cp.point)) {
        generators.push({
          kind: o.type === 'sine' ? 'sine' : 'white',
          freq: o.freqHz,
          levelDbfs: o.levelDb,
          path: pathName(src),
        });
      }
    }
    // a console input on the way amplifies by its preamp's gain (the plant is unity at 0 dB)
    const gainOf = new Map<number, number>();
    for (const p of traced.paths) {
      const o = /^iface:out:(\d+)$/.exec(p.source)?.[1];
      if (o !== undefined && !gainOf.has(Number(o)))
        gainOf.set(Number(o), preampOnPath([...p.hops.map((h) => h.to), endpoint]));
    }
    const spec: TopologyInput = {
      sources: outs
        .filter((o) => o <= a.outputs)
        .map((o) => ({ output: o, gainDb: gainOf.get(o) ?? 0, delaySamples: base, polarity: 1 as const })),
      noiseDbfs: -120,
      ...(generators.length ? { generators } : {}),
    };
    return { spec, paths: [...outs.map((o) => pathName(sourceOf.get(o) ?? `iface:out:${o}`)), ...consoleOuts] };
  };
  /** The preamp gain (dB) of the first simulated console input among these points, else 0. */
  const preampOnPath = (points: string[]): number => {
    for (const pt of points) {
      const m = /^(.+):in:(\d+)$/.exec(pt);
      const fn = m && consoles.preamps?.get(m[1]!);
      if (fn) return fn(Number(m[2]));
    }
    return 0;
  };
  const topo: AudioTopology = { inputs: [] };
  const pathsAt: Array<string[]> = [];
  for (let i = 1; i <= a.inputs; i++) {
    const h = hear(`iface:in:${i}`);
    topo.inputs.push(h.spec);
    pathsAt.push(h.paths);
  }
  applyFaults(topo, pathsAt, outputOfPath, settings.sim.faults, base);
  // the simulated consoles' own inputs (their meters), whether or not a direct out returns them
  const tapNames = [
    ...new Set(
      wiring
        .map((w) => w.to)
        .filter((to) => {
          const m = /^(.+):in:\d+$/.exec(to);
          return m !== null && oscillators.has(m[1]!);
        }),
    ),
  ];
  if (tapNames.length > 0) {
    const taps: AudioTopology = { inputs: [] };
    const tapPaths: string[][] = [];
    for (const name of tapNames) {
      const h = hear(name);
      taps.inputs.push(h.spec);
      tapPaths.push(h.paths);
    }
    applyFaults(taps, tapPaths, outputOfPath, settings.sim.faults, base);
    topo.taps = taps.inputs.map((t, i) => ({ ...t, name: tapNames[i]! }));
  }
  // the band: each player's programme at its console input (amplified by that input's preamp),
  // heard by the console's meter there and by every interface input fed from it (direct outs)
  for (const p of consoles.band ?? []) {
    const m = /^(.+):in:(\d+)$/.exec(p.input);
    const gain = m ? (consoles.preamps?.get(m[1]!)?.(Number(m[2])) ?? 0) : 0;
    const gen = { kind: 'band' as const, programme: p.programme, levelDbfs: p.level_dbfs + gain, path: p.input };
    const tap = topo.taps?.find((t) => t.name === p.input);
    if (tap) tap.generators = [...(tap.generators ?? []), gen];
    for (const d of tracer.trace(p.input, 'forward').paths) {
      const i = /^iface:in:(\d+)$/.exec(d.destination)?.[1];
      const inp = i === undefined ? undefined : topo.inputs[Number(i) - 1];
      if (inp && !inp.generators?.some((g) => g.path === p.input)) inp.generators = [...(inp.generators ?? []), gen];
    }
  }
  return topo;
}

function applyFaults(
  topo: AudioTopology,
  pathsAt: string[][],
  outputOfPath: Map<string, number>,
  faults: SimFault[],
  base: number,
): void {
  const inputsOf = (path: string) => pathsAt.flatMap((ps, i) => (ps.includes(path) ? [i] : []));
  const norm = (p: string | undefined) => (p === undefined ? undefined : p.includes(':') ? pathName(p) : p);
  const swaps: Array<[number, number]> = [];
  for (const f of faults) {
    const path = norm(f.path);
    if (!path) continue;
    const out = outputOfPath.get(path);
    for (const i of inputsOf(path)) {
      const inp = topo.inputs[i]!;
      const mine = inp.sources.filter((s) => s.output === out);
      if (out === undefined && (f.kind === 'dead' || f.kind === 'gain-db' || f.kind === 'crosstalk-from')) {
        // a console output path (bus, main, matrix): these act on what the console sends there;
        // hum, noise, clip and swaps act on the point itself, as for any path (below)
        const gens = inp.generators ?? [];
        if (f.kind === 'dead') inp.generators = gens.filter((g) => g.path !== path);
        else if (f.kind === 'gain-db') {
          for (const g of gens) if (g.path === path) g.levelDbfs += f.db ?? f.value ?? -6;
        } else {
          const from = norm(f.from);
          const at = from === undefined ? undefined : inputsOf(from)[0];
          for (const g of at === undefined ? [] : (topo.inputs[at]!.generators ?? [])) {
            if (g.path === from)
              inp.generators = [
                ...(inp.generators ?? []),
                { ...g, levelDbfs: g.levelDbfs + (f.db ?? -60), path: `${from}>${path}` },
              ];
          }
        }
        continue;
      }
      switch (f.kind) {
        case 'dead':
          inp.sources = inp.sources.filter((s) => s.output !== out);
          break;
        case 'polarity':
          for (const s of mine) s.polarity = -1;
          break;
        case 'gain-db':
          for (const s of mine) s.gainDb += f.db ?? f.value ?? -6;
          break;
        case 'latency-samples':
          for (const s of mine) s.delaySamples += f.value ?? 48;
          break;
        case 'hum':
          inp.humDbfs = f.db ?? -50;
          inp.humHz = f.value === 60 ? 60 : 50;
          break;
        case 'noise':
          inp.noiseDbfs = f.db ?? -50;
          break;
        case 'clip':
          inp.clipDbfs = f.db ?? -24;
          break;
        case 'crosstalk-from': {
          const from = outputOfPath.get(norm(f.from) ?? '');
          if (from !== undefined)
            inp.sources.push({ output: from, gainDb: f.db ?? -60, delaySamples: base, polarity: 1 });
          break;
        }
        case 'swap-with': {
          const other = inputsOf(norm(f.with) ?? '')[0];
          if (other !== undefined) swaps.push([i, other]);
          break;
        }
        default:
          break;
      }
    }
  }
  for (const [a, b] of swaps) {
    const A = topo.inputs[a]!;
    const B = topo.inputs[b]!;
    [A.sources, B.sources] = [B.sources, A.sources];
    [A.generators, B.generators] = [B.generators, A.generators];
  }
}
