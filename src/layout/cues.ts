import { describeError, fail, RadError } from '../core/errors.ts';
import type { Console, ConsoleCaps, Value, WriteVerdict } from '../console/model.ts';
import { diffValues, type LayoutChange } from './apply.ts';
import { fitName } from './names.ts';
import type { LayoutPlan } from './plan.ts';
import type { Profile } from './profile.ts';

export type CueSend = { channel: number; name: string; role: string; level_db: number | null; by: string | null };
export type CuePlan = {
  profile: string;
  cues: Array<{ name: string; bus: number; sends: CueSend[] }>;
  /** Mix entries whose role or family has no channel in this input list (E_CUE_ROLE_MISSING). */
  missing: Array<{ cue: string; key: string; code: 'E_CUE_ROLE_MISSING' }>;
  /** What the console cannot do for these cues (a bus it does not have, names it cannot take). */
  cannot: string[];
};
export type CueDiff = { console: string; changes: LayoutChange[]; unchanged: number; cannot: string[] };
export type CueApplyReport = CueDiff & { written: WriteVerdict[]; ok: boolean };

/** The level a channel gets in one cue: its role's own entry, else its family's, else off (null). */
function levelFor(mix: Record<string, number>, role: string, family: string): { db: number | null; by: string | null } {
  if (mix[role] !== undefined) return { db: mix[role]!, by: role };
  if (mix[family] !== undefined) return { db: mix[family]!, by: family };
  return { db: null, by: null };
}

/** The profile's cue mixes over a layout plan: per musician, every channel's send to their bus. */
export function planCues(plan: LayoutPlan, profile: Profile, caps: Pick<ConsoleCaps, 'auxes'>): CuePlan {
  const cues: CuePlan['cues'] = [];
  const missing: CuePlan['missing'] = [];
  const cannot: string[] = [];
  for (const cue of profile.cues ?? []) {
    if (cue.bus > caps.auxes) {
      cannot.push(`${cue.name}: aux ${cue.bus} does not exist on this console (${caps.auxes} auxes)`);
      continue;
    }
    for (const key of Object.keys(cue.mix))
      if (!plan.channels.some((c) => c.role === key || c.family === key))
        missing.push({ cue: cue.name, key, code: 'E_CUE_ROLE_MISSING' });
    cues.push({
      name: cue.name,
      bus: cue.bus,
      sends: plan.channels.map((c) => {
        const l = levelFor(cue.mix, c.role, c.family);
        return { channel: c.channel, name: c.name, role: c.role, level_db: l.db, by: l.by };
      }),
    });
  }
  return { profile: plan.profile, cues, missing, cannot };
}

/** The neutral values the cues ask for: each bus's name, every channel's send level (−∞ when off). */
export function cueValues(
  cues: CuePlan,
  caps: Pick<ConsoleCaps, 'names' | 'nameLength'>,
): Array<{ channel: number; path: string; value: Value }> {
  const out: Array<{ channel: number; path: string; value: Value }> = [];
  for (const c of cues.cues) {
    if (caps.names && caps.nameLength > 0)
      out.push({ channel: 0, path: `aux/${c.bus}/name`, value: fitName(c.name, caps.nameLength) });
    for (const s of c.sends)
      out.push({
        channel: s.channel,
        path: `input/${s.channel}/send/aux/${c.bus}/level`,
        value: s.level_db === null ? '-inf' : s.level_db,
      });
  }
  return out;
}

export function diffCues(cues: CuePlan, con: Console): CueDiff {
  const d = diffValues(cueValues(cues, con.caps), con);
  const cannot = [...cues.cannot, ...d.cannot];
  if (!con.caps.names) cannot.unshift(`${con.family}: bus names cannot be set over this protocol`);
  return { console: con.id, changes: d.changes, unchanged: d.unchanged, cannot };
}

/**
 * Writes what differs (each value read back by the console driver), refusing a profile whose mixes
 * name roles this band does not have unless forced: a drummer's mix without the click it asks for
 * is a mix nobody checked.
 */
export async function applyCues(
  cues: CuePlan,
  con: Console,
  opts: { force?: boolean; actor?: string } = {},
): Promise<CueApplyReport> {
  if (cues.missing.length > 0 && !opts.force)
    throw fail(
      'E_CUE_ROLE_MISSING',
      `the cue mixes ask for what this input list lacks: ${cues.missing.map((m) => `${m.cue} wants ${m.key}`).join('; ')} (force to apply the rest)`,
      { missing: cues.missing },
    );
  const diff = diffCues(cues, con);
  let written: WriteVerdict[] = [];
  try {
    if (diff.changes.length > 0)
      written = (
        await con.write(
          diff.changes.map((c) => ({ path: c.path, value: c.to })),
          opts.actor ?? 'cues',
        )
      ).results;
  } catch (e) {
    throw new RadError(
      e instanceof RadError ? e.code : 'E_LAYOUT_APPLY',
      `cue mixes not written: ${describeError(e)}`,
      {
        details: { written },
      },
    );
  }
  return { ...diff, written, ok: written.every((w) => w.verdict === 'verified') };
}
