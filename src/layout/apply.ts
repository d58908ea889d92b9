import { describeError, RadError } from '../core/errors.ts';
import type { Console, Value, WriteVerdict } from '../console/model.ts';
import { type LayoutPlan, planValues } from './plan.ts';

export type LayoutChange = { channel: number; path: string; from: Value | undefined; to: Value };
export type LayoutDiff = { console: string; changes: LayoutChange[]; unchanged: number; cannot: string[] };
export type LayoutApplyReport = LayoutDiff & { written: WriteVerdict[]; ok: boolean };

function same(path: string, a: Value | undefined, b: Value): boolean {
  if (a === undefined) return false;
  // −∞ reads back as "-inf" (and as a level at or under the law's floor on some consoles)
  const inf = (x: Value) => x === '-inf' || (typeof x === 'number' && x <= -89.5);
  if (/(level|fader)$/.test(path) && (inf(a) || inf(b))) return inf(a) && inf(b);
  if (typeof a === 'number' && typeof b === 'number') {
    if (path.endsWith('/hpf')) return Math.abs(a - b) / b < 0.03; // the console's HPF grid is ~3 % wide
    if (path.endsWith('/level') || path.endsWith('/fader')) return Math.abs(a - b) < 0.3;
    return a === b;
  }
  return a === b;
}

/** What would change on the console, line by line (the console's live model against the plan). */
export function diffLayout(plan: LayoutPlan, con: Console): LayoutDiff {
  const cannot: string[] = [];
  if (!con.caps.names) cannot.push(`${con.family}: channel names cannot be set over this protocol`);
  if (!con.caps.colours) cannot.push(`${con.family}: colours cannot be set over this protocol`);
  for (const c of plan.channels) {
    for (const d of c.dca.filter((x) => x > con.caps.dcas))
      cannot.push(`input/${c.channel}/dca: DCA ${d} does not exist on this ${con.family} (${con.caps.dcas} DCAs)`);
    for (const g of c.mute_groups.filter((x) => x > con.caps.muteGroups))
      cannot.push(
        `input/${c.channel}/mutegroups: mute group ${g} does not exist on this ${con.family} (${con.caps.muteGroups})`,
      );
  }
  const d = diffValues(planValues(plan, con.caps), con);
  return { console: con.id, changes: d.changes, unchanged: d.unchanged, cannot: [...cannot, ...d.cannot] };
}

/** Each value against the console's live model: what changes, what is already right, what the console cannot take. */
export function diffValues(
  values: Array<{ channel: number; path: string; value: Value }>,
  con: Console,
): { changes: LayoutChange[]; unchanged: number; cannot: string[] } {
  const changes: LayoutChange[] = [];
  const cannot: string[] = [];
  let unchanged = 0;
  for (const v of values) {
    let current: Value | undefined;
    try {
      current = con.get(v.path);
    } catch (e) {
      if (v.path.endsWith('/phantom') && !(e instanceof RadError && e.code === 'E_CAPABILITY')) {
        // the phantom leaf follows the channel's source; if the source changes too, decide after
        current = undefined;
      } else {
        cannot.push(`${v.path}: ${describeError(e)}`);
        continue;
      }
    }
    if (same(v.path, current, v.value)) unchanged++;
    else changes.push({ channel: v.channel, path: v.path, from: current, to: v.value });
  }
  return { changes, unchanged, cannot };
}

/**
 * Applies only what changes, then reads everything back. Phantom switches last and only with the
 * channel muted (restored after). The report lists every line written and its verdict, so a
 * console that refuses a value is never left half-configured without saying what was written.
 */
export async function applyLayout(plan: LayoutPlan, con: Console, actor = 'layout'): Promise<LayoutApplyReport> {
  const diff = diffLayout(plan, con);
  const written: WriteVerdict[] = [];
  const main = diff.changes.filter((c) => !c.path.endsWith('/phantom'));
  try {
    if (main.length > 0)
      written.push(
        ...(
          await con.write(
            main.map((c) => ({ path: c.path, value: c.to })),
            actor,
          )
        ).results,
      );
    for (const c of diff.changes.filter((x) => x.path.endsWith('/phantom'))) {
      const mutePath = `input/${c.channel}/mute`;
      const wasMuted = con.get(mutePath) === true;
      if (con.get(c.path) === c.to) continue; // the source change already put it right
      if (!wasMuted) written.push(...(await con.write([{ path: mutePath, value: true }], actor)).results);
      written.push(...(await con.write([{ path: c.path, value: c.to }], actor)).results);
      if (!wasMuted) written.push(...(await con.write([{ path: mutePath, value: false }], actor)).results);
    }
  } catch (e) {
    // the cause's code is kept (an offline console stays E_CONSOLE_OFFLINE), with what was written
    throw new RadError(
      e instanceof RadError ? e.code : 'E_LAYOUT_APPLY',
      `layout stopped after ${written.length} written value(s): ${describeError(e)}`,
      { details: { written } },
    );
  }
  return { ...diff, written, ok: written.every((w) => w.verdict === 'verified') };
}
