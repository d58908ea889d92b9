import { fail, RadError } from '../core/errors.ts';
import type { ConsoleCaps } from '../console/model.ts';
import { type Classification, classify } from './classifier.ts';
import { type DeviceKind, deviceKind, type InputRow } from './inputlist.ts';
import { fitName, styleName } from './names.ts';
import type { Look, Profile } from './profile.ts';
import { FAMILY, ROLE_NAME, type Role } from './roles.ts';

export type PlanChannel = {
  channel: number;
  source: string;
  line: number;
  stage_input: number;
  role: Role;
  family: string;
  index?: number;
  confidence: number;
  reason: string;
  name: string;
  colour: string;
  icon: number;
  hpf: number | null;
  phantom: boolean;
  device: DeviceKind;
  dca: number[];
  mute_groups: number[];
  sends: Record<string, number>;
  divider: string;
};

export type LayoutPlan = {
  profile: string;
  channels: PlanChannel[];
  unknown: Array<{ line: number; source: string; channel: number }>;
  warnings: string[];
};

const PHANTOM_ON: DeviceKind[] = ['condenser', 'active-di', 'active-ribbon'];

/**
 * Input list + profile → the target console layout: standard locations first, then every other
 * source by the fill rule; names cut to the console's limit; colours, icons, HPF, phantom
 * (from the declared device), DCAs, mute groups and sends from the profile.
 */
export function planLayout(
  rows: InputRow[],
  profile: Profile,
  caps: Pick<ConsoleCaps, 'inputs' | 'nameLength'>,
): LayoutPlan {
  const warnings: string[] = [];
  const classified = rows.map((row, i) => ({ row, c: classify(row.source), order: i }));
  const taken = new Map<number, string>();
  const placed: Array<{ row: InputRow; c: Classification; channel: number; order: number }> = [];
  const pending: typeof classified = [];
  const seenPerRole = new Map<Role, number>();

  for (const x of classified) {
    const loc = profile.locations[x.c.role as keyof Profile['locations']];
    if (loc === undefined) {
      pending.push(x);
      continue;
    }
    const k = seenPerRole.get(x.c.role) ?? 0;
    seenPerRole.set(x.c.role, k + 1);
    const list = Array.isArray(loc) ? loc : [loc];
    const want =
      x.c.index !== undefined && list[x.c.index - 1] !== undefined && !taken.has(list[x.c.index - 1]!)
        ? list[x.c.index - 1]!
        : list.find((ch) => !taken.has(ch));
    if (want === undefined || want > caps.inputs) {
      pending.push(x);
      if (want !== undefined)
        warnings.push(
          `${x.row.source}: standard location ${want} is beyond the console's ${caps.inputs} inputs; filled instead`,
        );
      continue;
    }
    taken.set(want, x.row.source);
    placed.push({ ...x, channel: want });
  }

  // fill: by the profile's order (roles or families), then in list order
  const rank = (c: Classification) => {
    const order = profile.fill.order;
    const byRole = order.indexOf(c.role);
    if (byRole >= 0) return byRole;
    const byFamily = order.indexOf(FAMILY[c.role]);
    return byFamily >= 0 ? byFamily : order.length;
  };
  pending.sort((a, b) => rank(a.c) - rank(b.c) || a.order - b.order);
  let next = profile.fill.start ?? 1;
  let lastFamily: string | undefined;
  const overflow: string[] = [];
  for (const x of pending) {
    const fam = FAMILY[x.c.role];
    if (lastFamily !== undefined && fam !== lastFamily) next += profile.fill.gap_between_families ?? 0;
    lastFamily = fam;
    let ch = next;
    while (taken.has(ch) && ch <= caps.inputs) ch++;
    if (ch > caps.inputs) {
      // wrap to any free channel below the fill start before giving up
      ch = 1;
      while (taken.has(ch) && ch <= caps.inputs) ch++;
    }
    if (ch > caps.inputs) {
      overflow.push(`${x.row.source} (line ${x.row.line})`);
      continue;
    }
    taken.set(ch, x.row.source);
    placed.push({ ...x, channel: ch });
    next = ch + 1;
  }
  if (overflow.length > 0) {
    throw fail(
      'E_LAYOUT_OVERFLOW',
      `${rows.length} sources do not fit the console's ${caps.inputs} inputs; left over: ${overflow.join(', ')}`,
      { overflow },
    );
  }

  const channels = placed
    .sort((a, b) => a.channel - b.channel)
    .map(({ row, c, channel, order }): PlanChannel => {
      const fam = FAMILY[c.role];
      const look: Look = {
        ...(profile.families?.[fam] ?? {}),
        ...(profile.roles?.[c.role as keyof NonNullable<Profile['roles']>] ?? {}),
      };
      const device = deviceKind(row.device);
      const base =
        profile.use_source_names || c.role === 'unknown'
          ? row.source
          : `${look.name ?? ROLE_NAME[c.role]}${c.index !== undefined && !/\d$/.test(look.name ?? '') ? ` ${c.index}` : ''}`;
      let phantom = PHANTOM_ON.includes(device);
      if (look.phantom !== undefined) {
        if (look.phantom && (device === 'ribbon' || device === 'passive-di')) {
          throw new RadError(
            'E_LAYOUT_PHANTOM',
            `channel ${channel} (${row.source}): the profile puts phantom on a ${device === 'ribbon' ? 'passive ribbon' : 'passive DI'}; refused (line ${row.line})`,
            {
              details: { channel, source: row.source, device },
            },
          );
        }
        phantom = look.phantom;
      }
      if (device === 'unknown' && row.device)
        warnings.push(`${row.source}: device ${JSON.stringify(row.device)} not recognised; phantom left off`);
      return {
        channel,
        source: row.source,
        line: row.line,
        stage_input: row.channel ?? order + 1,
        role: c.role,
        family: fam,
        ...(c.index !== undefined ? { index: c.index } : {}),
        confidence: c.confidence,
        reason: c.reason,
        // a console that takes no names over its wire (nameLength 0) leaves the name whole for the DAW and sheet
        name:
          caps.nameLength > 0
            ? fitName(styleName(base, profile.name_style), caps.nameLength)
            : styleName(base, profile.name_style),
        colour: look.colour ?? 'WH',
        icon: look.icon ?? 1,
        hpf: look.hpf === undefined ? null : look.hpf,
        phantom,
        device,
        dca: look.dca ?? [],
        mute_groups: look.mute_groups ?? [],
        sends: look.sends ?? {},
        divider: look.divider ?? fam.toUpperCase(),
      };
    });
  const unknown = channels
    .filter((c) => c.role === 'unknown')
    .map((c) => ({ line: c.line, source: c.source, channel: c.channel }));
  for (const u of unknown)
    warnings.push(`${u.source} (line ${u.line}): not recognised; placed on channel ${u.channel} by the fill rule`);
  for (const c of channels)
    if (c.stage_input > caps.inputs)
      warnings.push(`${c.source}: stage input ${c.stage_input} is beyond the console's ${caps.inputs} inputs`);
  return { profile: profile.name, channels, unknown, warnings };
}

/** The neutral console values a plan asks for, channel by channel. */
export function planValues(
  plan: LayoutPlan,
  caps: ConsoleCaps,
): Array<{ channel: number; path: string; value: number | string | boolean | null }> {
  const out: Array<{ channel: number; path: string; value: number | string | boolean | null }> = [];
  for (const c of plan.channels) {
    const p = `input/${c.channel}`;
    if (caps.names) out.push({ channel: c.channel, path: `${p}/name`, value: c.name });
    if (caps.colours) out.push({ channel: c.channel, path: `${p}/colour`, value: c.colour });
    if (caps.icons) out.push({ channel: c.channel, path: `${p}/icon`, value: c.icon });
    if (c.stage_input <= caps.inputs) out.push({ channel: c.channel, path: `${p}/source`, value: c.stage_input });
    out.push({ channel: c.channel, path: `${p}/hpf_on`, value: c.hpf !== null });
    if (c.hpf !== null) out.push({ channel: c.channel, path: `${p}/hpf`, value: c.hpf });
    // DCAs and mute groups the console does not have are left out (diffLayout lists them)
    out.push({
      channel: c.channel,
      path: `${p}/dca`,
      value: c.dca.filter((d) => d <= caps.dcas).reduce((b, d) => b | (1 << (d - 1)), 0),
    });
    out.push({
      channel: c.channel,
      path: `${p}/mutegroups`,
      value: c.mute_groups.filter((g) => g <= caps.muteGroups).reduce((b, g) => b | (1 << (g - 1)), 0),
    });
    for (const [aux, db] of Object.entries(c.sends))
      if (Number(aux) <= caps.auxes) out.push({ channel: c.channel, path: `${p}/send/aux/${aux}/level`, value: db });
    out.push({ channel: c.channel, path: `${p}/phantom`, value: c.phantom });
  }
  return out;
}
