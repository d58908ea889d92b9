import { mulberry32 } from '../core/random.ts';

/**
 * Multitone frequency plans (test-signals.md §4): bin-centred tones that keep mains bins,
 * harmonics (2nd–5th) and 2nd/3rd-order intermodulation products off every other tone (±1 bin).
 */

export type PlanOptions = { sampleRate: number; windowSize: number; fMin?: number; fMax?: number; guardBins?: number };

function mainsBins(opts: PlanOptions): Set<number> {
  const df = opts.sampleRate / opts.windowSize;
  const out = new Set<number>();
  const top = opts.sampleRate / 2;
  for (const mains of [50, 60]) for (let f = mains; f < top; f += mains) out.add(Math.round(f / df));
  return out;
}

/** Every product of a set of bins that must stay off the tones. */
function products(bins: number[]): number[] {
  const out: number[] = [];
  for (const a of bins) for (let h = 2; h <= 5; h++) out.push(h * a);
  for (let i = 0; i < bins.length; i++)
    for (let j = 0; j < bins.length; j++) {
      if (i === j) continue;
      const a = bins[i]!;
      const b = bins[j]!;
      out.push(a + b, Math.abs(a - b), 2 * a + b, Math.abs(2 * a - b));
    }
  return out;
}

export type PlanViolation = { bin: number; reason: string };

/** Brute-force check of a plan; empty when every rule holds. */
export function checkPlan(bins: number[], opts: PlanOptions): PlanViolation[] {
  const guard = opts.guardBins ?? 1;
  const mains = mainsBins(opts);
  const out: PlanViolation[] = [];
  const set = new Set(bins);
  if (set.size !== bins.length) out.push({ bin: -1, reason: 'duplicate bins' });
  for (const k of bins)
    for (let d = -guard; d <= guard; d++)
      if (mains.has(k + d)) out.push({ bin: k, reason: `within ${guard} bin of mains` });
  for (const k of bins) {
    for (const a of bins) {
      if (a === k) continue;
      for (let h = 2; h <= 5; h++)
        if (Math.abs(h * a - k) <= guard) out.push({ bin: k, reason: `near harmonic ${h} of bin ${a}` });
      for (const b of bins) {
        if (b === a || b === k) continue;
        for (const p of [a + b, Math.abs(a - b), 2 * a + b, Math.abs(2 * a - b)])
          if (Math.abs(p - k) <= guard) out.push({ bin: k, reason: `near IMD of bins ${a}, ${b}` });
      }
    }
  }
  return out;
}

function greedy(order: number[], count: number, guard: number, mains: Set<number>): number[] {
  const chosen: number[] = [];
  const blocked = new Set<number>();
  const near = (p: number, t: number) => Math.abs(p - t) <= guard;
  for (const k of order) {
    if (chosen.length >= count) break;
    let ok = !blocked.has(k);
    for (let d = -guard; ok && d <= guard; d++) if (mains.has(k + d)) ok = false;
    if (!ok) continue;
    // products of the set with the new tone must not land on any tone, the new one included
    if (products([...chosen, k]).some((p) => near(p, k) || chosen.some((t) => near(p, t)))) continue;
    chosen.push(k);
    for (const p of products(chosen)) for (let d = -guard; d <= guard; d++) blocked.add(p + d);
  }
  return chosen;
}

const planCache = new Map<string, number[]>();

/**
 * Plan of up to `count` tones: greedy over candidate bins, low end first and then a few seeded
 * random orders, keeping the largest set (random orders fit ~30% more tones). Deterministic and
 * cached. Returns bins, sorted (frequency = bin·fs/N).
 */
export function planTones(count: number, opts: PlanOptions, attempts = 24): number[] {
  const df = opts.sampleRate / opts.windowSize;
  const kMin = Math.ceil((opts.fMin ?? 200) / df);
  const kMax = Math.floor((opts.fMax ?? Math.min(10000, 0.45 * opts.sampleRate)) / df);
  const guard = opts.guardBins ?? 1;
  const key = `${count}|${opts.sampleRate}|${opts.windowSize}|${kMin}|${kMax}|${guard}|${attempts}`;
  const hit = planCache.get(key);
  if (hit) return hit;
  const mains = mainsBins(opts);
  const base: number[] = [];
  for (let k = kMin; k <= kMax; k++) base.push(k);
  let best = greedy(base, count, guard, mains);
  const rng = mulberry32(0x5eed);
  for (let a = 0; a < attempts && best.length < count; a++) {
    const order = [...base];
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(rng() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    const c = greedy(order, count, guard, mains);
    if (c.length > best.length) best = c;
  }
  best = [...best].sort((a, b) => a - b);
  planCache.set(key, best);
  return best;
}
