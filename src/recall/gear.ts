import { randomUUID } from 'node:crypto';
import { type Static, Type as T } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import type { Bus } from '../core/bus.ts';
import { fail } from '../core/errors.ts';
import type { GearRepo, VersionRepo } from '../store/repos.ts';

export const Control = T.Union([
  T.Object(
    {
      name: T.String({ minLength: 1, maxLength: 40 }),
      kind: T.Literal('knob'),
      min: T.Number(),
      max: T.Number(),
      unit: T.Optional(T.String({ maxLength: 12 })),
      step: T.Optional(T.Number({ exclusiveMinimum: 0 })),
    },
    { additionalProperties: false },
  ),
  T.Object(
    {
      name: T.String({ minLength: 1, maxLength: 40 }),
      kind: T.Literal('switch'),
      positions: T.Array(T.String({ minLength: 1 }), { minItems: 2, maxItems: 64 }),
    },
    { additionalProperties: false },
  ),
]);
export const GearUnitBody = T.Object(
  {
    make: T.String({ minLength: 1, maxLength: 60 }),
    model: T.String({ minLength: 1, maxLength: 60 }),
    serial: T.Optional(T.String({ maxLength: 60 })),
    patched_at: T.Optional(T.String({ maxLength: 120, description: 'where it is patched, e.g. bay-a:top:21' })),
    controls: T.Array(Control, { minItems: 1, maxItems: 128 }),
    notes: T.Optional(T.String({ maxLength: 2000 })),
  },
  { additionalProperties: false },
);
export type GearUnit = Static<typeof GearUnitBody> & { id: string };
type ControlT = Static<typeof Control>;

/** Outboard gear: each unit's controls described once; per version, the setting of every control. */
export class GearService {
  constructor(private readonly deps: { gear: GearRepo; versions: VersionRepo; bus: Pick<Bus, 'emit'> }) {}

  add(body: unknown): GearUnit {
    const errs = [...Value.Errors(GearUnitBody, body)].slice(0, 5).map((e) => `${e.path || '(body)'}: ${e.message}`);
    if (errs.length > 0) throw fail('E_GEAR_INVALID', errs.join('; '));
    const b = body as Static<typeof GearUnitBody>;
    for (const c of b.controls)
      if (c.kind === 'knob' && !(c.min < c.max))
        throw fail('E_GEAR_INVALID', `control ${c.name}: min must be below max`);
    const names = b.controls.map((c) => c.name);
    if (new Set(names).size !== names.length) throw fail('E_GEAR_INVALID', 'control names must be unique');
    const unit: GearUnit = { id: randomUUID(), ...b };
    this.deps.gear.insert({
      id: unit.id,
      make: unit.make,
      model: unit.model,
      serial: unit.serial ?? '',
      patched_at: unit.patched_at ?? '',
      controls: unit.controls,
      notes: unit.notes ?? '',
    });
    this.deps.bus.emit('recall.changed', { kind: 'gear', id: unit.id });
    return unit;
  }

  list(): GearUnit[] {
    return this.deps.gear.list() as GearUnit[];
  }

  get(id: string): GearUnit {
    const r = this.deps.gear.find(id);
    if (!r) throw fail('E_UNKNOWN_GEAR', `no gear unit ${JSON.stringify(id)}`, { unit: id });
    return r as GearUnit;
  }

  createVersion(name: string, snapshot?: string, notes = ''): { id: string; name: string } {
    if (this.deps.versions.find(name)) throw fail('E_VERSION_EXISTS', `version ${JSON.stringify(name)} exists`);
    const id = randomUUID();
    this.deps.versions.insert({ id, name, created_at: new Date().toISOString(), snapshot: snapshot ?? null, notes });
    this.deps.bus.emit('recall.changed', { kind: 'version', id });
    return { id, name };
  }

  version(idOrName: string): {
    id: string;
    name: string;
    created_at: string;
    snapshot: string | null;
    notes: string;
    print: unknown;
  } {
    const r = this.deps.versions.find(idOrName);
    if (!r) throw fail('E_UNKNOWN_VERSION', `no version ${JSON.stringify(idOrName)}`, { version: idOrName });
    return r;
  }

  versions(): Array<{ id: string; name: string; created_at: string }> {
    return this.deps.versions.list();
  }

  /** A print's record lands on its version (and the snapshot taken with it). */
  recordPrint(versionId: string, print: unknown, snapshot?: string): void {
    this.deps.versions.setPrint(versionId, print, snapshot);
    this.deps.bus.emit('recall.changed', { kind: 'print', id: versionId });
  }

  /** Records a unit's settings for a version; every value is checked against the unit's controls. */
  setSettings(
    versionRef: string,
    unitRef: string,
    values: Record<string, unknown>,
    photo?: string,
  ): Record<string, number | string> {
    const v = this.version(versionRef);
    const unit = this.get(unitRef);
    const clean: Record<string, number | string> = {};
    for (const [name, value] of Object.entries(values)) {
      const c = unit.controls.find((x) => x.name === name) as ControlT | undefined;
      if (!c)
        throw fail(
          'E_GEAR_CONTROL',
          `${unit.make} ${unit.model} has no control ${JSON.stringify(name)} (has: ${unit.controls.map((x) => x.name).join(', ')})`,
          { control: name },
        );
      if (c.kind === 'knob') {
        const n = typeof value === 'string' ? Number(value) : value;
        if (typeof n !== 'number' || !Number.isFinite(n) || n < c.min || n > c.max)
          throw fail(
            'E_GEAR_RANGE',
            `${unit.model} ${name}: ${JSON.stringify(value)} is outside ${c.min}..${c.max}${c.unit ? ` ${c.unit}` : ''}`,
            { control: name, value },
          );
        clean[name] = n;
      } else {
        if (typeof value !== 'string' || !c.positions.includes(value))
          throw fail(
            'E_GEAR_RANGE',
            `${unit.model} ${name}: ${JSON.stringify(value)} is not one of ${c.positions.join(', ')}`,
            { control: name, value },
          );
        clean[name] = value;
      }
    }
    const merged = { ...(this.deps.gear.settings(v.id, unit.id) ?? {}), ...clean };
    this.deps.gear.saveSettings(v.id, unit.id, merged, photo);
    this.deps.bus.emit('recall.changed', { kind: 'gear-settings', id: v.id });
    return merged;
  }

  /** The recall sheet of a version: every unit in use with every control's setting. */
  recallSheet(versionRef: string): {
    version: string;
    units: Array<{ unit: GearUnit; settings: Record<string, number | string>; photo: string | null }>;
  } {
    const v = this.version(versionRef);
    const rows = this.deps.gear.settingsOf(v.id);
    return {
      version: v.name,
      units: rows.map((r) => ({ unit: this.get(r.unit), settings: r.settings, photo: r.photo })),
    };
  }
}
