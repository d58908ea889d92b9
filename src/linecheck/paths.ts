import { fail } from '../core/errors.ts';
import type { Settings } from '../settings/schema.ts';
import { consoleOutputPoint, expandWiring, pathName } from '../settings/wiring.ts';

export { pathName };

/** One path under test: a source that must arrive on a console input. */
export type CheckPath = {
  name: string;
  source: string;
  input: string;
  /** Interface output that injects tone into the source (from the wiring). */
  inject?: number;
  /** Interface input where the console input comes back (direct out / card, from the wiring). */
  measure?: number;
  /** Meters-only fallback: the console input channel whose meter shows this path (no return to the interface). */
  meter?: number;
  /** Console-oscillator mode: the oscillator destination that feeds this output (from the console). */
  dest?: number;
  untestable?: string;
  /** The console input's preamp gain at the start of the run: the tone goes in that much lower. */
  gain_db?: number;
};

/** The plan's paths with their injection and measurement points; what cannot be tested says why. */
export function resolvePaths(settings: Settings, only?: string[]): CheckPath[] {
  const wiring = expandWiring(settings.wiring);
  const plan = expandWiring(settings.linecheck.plan.map((p) => ({ from: p.source, to: p.input }))).map((w) => ({
    source: w.from,
    input: w.to,
  }));
  const injectOf = new Map<string, number>();
  const measureOf = new Map<string, number>();
  for (const w of wiring) {
    const o = /^iface:out:(\d+)$/.exec(w.from);
    if (o) injectOf.set(w.to, Number(o[1]));
    const i = /^iface:in:(\d+)$/.exec(w.to);
    if (i) measureOf.set(w.from, Number(i[1]));
  }
  const consoles = new Set(settings.consoles.map((c) => c.id));
  const paths = plan.map((p): CheckPath => {
    const inject = injectOf.get(p.source);
    const measure = measureOf.get(p.input);
    // without a return to the interface, a console input can still be read on the console's meters
    // (where its protocol sends them: the service decides at run time)
    const ci = /^(.+):in:(\d+)$/.exec(p.input);
    const meter = measure === undefined && ci && consoles.has(ci[1]!) ? Number(ci[2]) : undefined;
    const untestable =
      inject === undefined
        ? `no interface output is wired to ${p.source}`
        : measure === undefined && meter === undefined
          ? `${p.input} does not come back to an interface input`
          : undefined;
    return {
      name: pathName(p.source),
      source: p.source,
      input: p.input,
      ...(inject !== undefined ? { inject } : {}),
      ...(measure !== undefined ? { measure } : {}),
      ...(meter !== undefined ? { meter } : {}),
      ...(untestable ? { untestable } : {}),
    };
  });
  if (!only || only.length === 0) return paths;
  const known = new Set(paths.map((p) => p.name));
  const unknown = only.filter((n) => !known.has(n));
  if (unknown.length > 0)
    throw fail(
      'E_LINECHECK_PATH',
      `unknown path(s): ${unknown.join(', ')} (paths are named like ${paths[0]?.name ?? 'tie-01'})`,
      { unknown },
    );
  return paths.filter((p) => only.includes(p.name));
}

/**
 * Console outputs to verify with the console's own oscillator: every mix bus, main or matrix of
 * a configured console wired to an interface input (`x32-main:bus:1-16 → iface:in:65-80`).
 */
export function resolveOutputs(settings: Settings, only?: string[]): CheckPath[] {
  const consoles = new Set(settings.consoles.map((c) => c.id));
  const paths: CheckPath[] = [];
  for (const w of expandWiring(settings.wiring)) {
    const cp = consoleOutputPoint(w.from);
    const i = /^iface:in:(\d+)$/.exec(w.to);
    if (!cp || !i || !consoles.has(cp.console)) continue;
    paths.push({ name: pathName(w.from), source: w.from, input: w.to, measure: Number(i[1]) });
  }
  if (!only || only.length === 0) return paths;
  const known = new Set(paths.map((p) => p.name));
  const unknown = only.filter((n) => !known.has(n));
  if (unknown.length > 0)
    throw fail(
      'E_LINECHECK_PATH',
      `unknown output(s): ${unknown.join(', ')} (outputs are named like ${paths[0]?.name ?? 'x32-main-bus-01'})`,
      { unknown },
    );
  return paths.filter((p) => only.includes(p.name));
}
