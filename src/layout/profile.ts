import { type Static, Type as T } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { fail } from '../core/errors.ts';
import { pointerToPath } from '../settings/load.ts';
import { FAMILY, ROLES } from './roles.ts';

const RoleName = T.Union(ROLES.map((r) => T.Literal(r)));
const Colour = T.Union(
  ['OFF', 'RD', 'GN', 'YE', 'BL', 'MG', 'CY', 'WH', 'OFFi', 'RDi', 'GNi', 'YEi', 'BLi', 'MGi', 'CYi', 'WHi'].map((c) =>
    T.Literal(c),
  ),
);
const Look = T.Object(
  {
    colour: T.Optional(Colour),
    icon: T.Optional(T.Integer({ minimum: 1, maximum: 74 })),
    hpf: T.Optional(T.Union([T.Number({ minimum: 20, maximum: 400 }), T.Null()])),
    name: T.Optional(T.String({ minLength: 1, maxLength: 32 })),
    phantom: T.Optional(T.Boolean()),
    dca: T.Optional(T.Array(T.Integer({ minimum: 1, maximum: 8 }))),
    mute_groups: T.Optional(T.Array(T.Integer({ minimum: 1, maximum: 6 }))),
    sends: T.Optional(T.Record(T.String({ pattern: '^[0-9]+$' }), T.Number({ minimum: -90, maximum: 10 }))),
    divider: T.Optional(T.String({ minLength: 1, maxLength: 32 })),
  },
  { additionalProperties: false },
);

/** An engineer's layout preferences: standard locations, fill rules, looks per role and family. */
export const ProfileSchema = T.Object(
  {
    name: T.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]*$' }),
    description: T.Optional(T.String({ maxLength: 500 })),
    engineer: T.Optional(T.String({ maxLength: 100 })),
    locations: T.Partial(
      T.Record(
        RoleName,
        T.Union([
          T.Integer({ minimum: 1, maximum: 128 }),
          T.Array(T.Integer({ minimum: 1, maximum: 128 }), { minItems: 1 }),
        ]),
      ),
      {
        additionalProperties: false,
      },
    ),
    fill: T.Object(
      {
        order: T.Array(T.String({ minLength: 1 }), {
          description: 'roles or families, in the order they fill the free channels',
        }),
        start: T.Optional(T.Integer({ minimum: 1, maximum: 128 })),
        gap_between_families: T.Optional(T.Integer({ minimum: 0, maximum: 8 })),
      },
      { additionalProperties: false },
    ),
    name_style: T.Optional(T.Union([T.Literal('title'), T.Literal('upper'), T.Literal('lower'), T.Literal('as-is')])),
    use_source_names: T.Optional(T.Boolean({ description: "use the band's own names instead of role names" })),
    roles: T.Optional(T.Partial(T.Record(RoleName, Look), { additionalProperties: false })),
    families: T.Optional(T.Record(T.String(), Look)),
    /**
     * Cue mixes, one per musician: the aux bus it goes to and what they hear. Keys are roles
     * (`click`, `vocal-lead`) or families (`drums`, `bass`, `vocals`); a role's own key wins over
     * its family's. Everything else is off in that mix.
     */
    cues: T.Optional(
      T.Array(
        T.Object(
          {
            name: T.String({ minLength: 1, maxLength: 32 }),
            bus: T.Integer({ minimum: 1, maximum: 16 }),
            mix: T.Record(T.String({ minLength: 1 }), T.Number({ minimum: -90, maximum: 10 })),
          },
          { additionalProperties: false },
        ),
        { maxItems: 16 },
      ),
    ),
    daw: T.Optional(
      T.Object(
        {
          dividers: T.Optional(T.Boolean()),
          record_arm: T.Optional(T.Boolean()),
          input_offset: T.Optional(T.Integer({ minimum: 0, maximum: 512 })),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

export type Profile = Static<typeof ProfileSchema>;
export type Look = Static<typeof Look>;

/** Validates a profile; every problem as `path: message` in one E_PROFILE_INVALID. */
export function validateProfile(raw: unknown): Profile {
  const errors = [...Value.Errors(ProfileSchema, raw)]
    .slice(0, 20)
    .map((e) => `${pointerToPath(e.path)}: ${e.message}`);
  if (errors.length > 0)
    throw fail('E_PROFILE_INVALID', `profile is invalid: ${errors.join('; ')}`, { problems: errors });
  const p = raw as Profile;
  const families = new Set(Object.values(FAMILY));
  const buses = new Map<number, string>();
  for (const [i, cue] of (p.cues ?? []).entries()) {
    for (const key of Object.keys(cue.mix))
      if (!(ROLES as readonly string[]).includes(key) && !families.has(key))
        throw fail(
          'E_CUE_ROLE',
          `cues[${i}] (${cue.name}): ${JSON.stringify(key)} is neither a role nor a family (roles: ${ROLES.filter((r) => r !== 'unknown').join(', ')}; families: ${[...families].join(', ')})`,
          { value: key, cue: cue.name },
        );
    const other = buses.get(cue.bus);
    if (other !== undefined)
      throw fail('E_CUE_BUS', `cues: ${cue.name} and ${other} both want aux ${cue.bus}`, { value: cue.bus });
    buses.set(cue.bus, cue.name);
  }
  return p;
}
