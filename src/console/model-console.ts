import { fail } from '../core/errors.ts';
import type { Console, ConsoleState, LineVerdict, RestoreOptions, RestoreReport, Value } from './model.ts';
import { type ModelValues, modelText, parseModelFile, sameModelValue } from './model-state.ts';

/**
 * State, capture and restore for consoles whose protocol carries no scene text (SQ, Qu): the
 * synced key/value model is the state, and a restore writes each differing value through the
 * console's own read-back write.
 */
export type ModelConsole = Console & { readonly family: 'sq' | 'qu' };

/** The live model (every value the console confirmed), as rows. */
export function liveValues(con: ModelConsole): ModelValues {
  return Object.fromEntries(con.nodes('').map((n) => [n.path, (n.value ?? null) as ModelValues[string]]));
}

function requireOnline(con: ModelConsole): void {
  const st = con.status();
  if (st.state !== 'online')
    throw fail(
      'E_CONSOLE_OFFLINE',
      `${con.id} is ${st.state}${st.detail ? `: ${st.detail}` : ''}; its state cannot be read`,
      { console: con.id },
    );
}

export function captureModel(con: ModelConsole, extra: Record<string, unknown> = {}): ConsoleState {
  requireOnline(con);
  const t0 = performance.now();
  const values = liveValues(con);
  return {
    family: con.family,
    console: con.id,
    text: modelText(con.family, con.id, values, extra),
    lines: Object.keys(values).length,
    missing: [],
    retries: 0,
    seconds: (performance.now() - t0) / 1000,
  };
}

export async function restoreModel(con: ModelConsole, text: string, opts: RestoreOptions = {}): Promise<RestoreReport> {
  const t0 = performance.now();
  const file = parseModelFile(text);
  if (file.family !== con.family)
    throw fail(
      'E_SNAPSHOT_FAMILY',
      `the state is from an ${file.family.toUpperCase()}; the console ${con.id} is an ${con.family.toUpperCase()}`,
      { state: file.family, console: con.family },
    );
  requireOnline(con);
  const live = liveValues(con);
  const changes = Object.entries(file.values)
    .filter(([path, v]) => opts.onlyChanged === false || !sameModelValue(live[path], v))
    .map(([path, value]) => ({ path, value: value as Value }));
  const empty: RestoreReport = {
    applied: 0,
    verified: 0,
    mismatched: 0,
    failed: 0,
    skipped: [],
    lines: [],
    not_taken: [],
    seconds: 0,
  };
  if (changes.length === 0) return { ...empty, seconds: (performance.now() - t0) / 1000 };
  const rep = await con.write(changes, opts.actor ?? 'recall');
  const count = (v: string) => rep.results.filter((r) => r.verdict === v).length;
  const lines: LineVerdict[] = rep.results.map((r, i) => ({
    line: i + 1,
    path: r.path,
    status: r.verdict,
    ...(r.verdict === 'mismatched'
      ? { diffs: [{ address: r.address, wanted: JSON.stringify(r.requested), got: JSON.stringify(r.actual ?? null) }] }
      : {}),
  }));
  return {
    applied: changes.length,
    verified: count('verified'),
    mismatched: count('mismatched'),
    failed: count('failed'),
    skipped: [],
    lines,
    not_taken: rep.results
      .filter((r) => r.verdict !== 'verified')
      .map(
        (r) =>
          `${r.path}: wanted ${JSON.stringify(r.requested)} got ${JSON.stringify(r.actual ?? null)}${r.error ? ` (${r.error})` : ''}`,
      ),
    seconds: (performance.now() - t0) / 1000,
  };
}

/** A raw wire value for `raw: true`: an integer 0..max, else E_VALUE_RANGE naming the range. */
export function rawData(path: string, v: unknown, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > max)
    throw fail('E_VALUE_RANGE', `${path}: raw ${JSON.stringify(v)} is out of range; allowed 0..${max}`, {
      path,
      value: v,
      range: `0..${max}`,
    });
  return v;
}

/** What a console without an oscillator over its protocol answers. */
export function noOscillator(con: Console): never {
  throw fail('E_CAPABILITY', `an ${con.family.toUpperCase()} has no oscillator control over its protocol`, {
    console: con.id,
    family: con.family,
  });
}
