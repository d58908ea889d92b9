import { randomUUID } from 'node:crypto';
import { type Static, Type as T } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import type { Bus } from '../core/bus.ts';
import { badRequest, conflict, notFound } from '../core/errors.ts';
import type { Store } from '../store/db.ts';

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
  constructor(private readonly deps: { store: Store; bus: Bus }) {}

  add(body: unknown): GearUnit {
    const errs = [...Value.Errors(GearUnitBody, body)].slice(0, 5).map((e) => `${e.path || '(body)'}: ${e.message}`);
    if (errs.length > 0) throw badRequest('E_GEAR_INVALID', errs.join('; '));
    const b = body as Static<typeof GearUnitBody>;
    for (const c of b.controls)
      if (c.kind === 'knob' && !(c.min < c.max))
        throw badRequest('E_GEAR_INVALID', `control ${c.name}: min must be below max`);
    const names = b.controls.map((c) => c.name);
    if (new Set(names).size !== names.length) throw badRequest('E_GEAR_INVALID', 'control names must be unique');
    const unit: GearUnit = { id: randomUUID(), ...b };
    this.deps.store.db
      .prepare(
        'INSERT INTO gear_units (id, make, model, serial, patched_at, controls, notes) VALUES (?, ?, ?, ?, ?, ?, ?)',
      )
      .run(
        unit.id,
        unit.make,
        unit.model,
        unit.serial ?? '',
        unit.patched_at ?? '',
        JSON.stringify(unit.controls),
        unit.notes ?? '',
      );
    this.deps.bus.emit('recall.changed', { kind: 'gear', id: unit.id });
    return unit;
  }

  list(): GearUnit[] {
    return (
      this.deps.store.db.prepare('SELECT * FROM gear_units ORDER BY make, model').all() as Array<Record<string, string>>
    ).map((r) => this.row(r));
  }

  get(id: string): GearUnit {
    const r = this.deps.store.db
      .prepare("SELECT * FROM gear_units WHERE id = ? OR (make || ' ' || model) = ?")
      .get(id, id) as Record<string, string> | undefined;
    if (!r) throw notFound('E_UNKNOWN_GEAR', `no gear unit ${JSON.stringify(id)}`, { unit: id });
    return this.row(r);
  }

  private row(r: Record<string, string>): GearUnit {
    return {
      id: r.id!,
      make: r.make!,
      model: r.model!,
      serial: r.serial!,
      patched_at: r.patched_at!,
      controls: JSON.parse(r.controls!),
      notes: r.notes!,
    };
  }

  createVersion(name: string, snapshot?: string, notes = ''): { id: string; name: string } {
    const exists = this.deps.store.db.prepare('SELECT id FROM versions WHERE name = ?').get(name);
    if (exists) throw conflict('E_VERSION_EXISTS', `version ${JSON.stringify(name)} exists`);
    const id = randomUUID();
    this.deps.store.db
      .prepare('INSERT INTO versions (id, name, created_at, snapshot, notes) VALUES (?, ?, ?, ?, ?)')
      .run(id, name, new Date().toISOString(), snapshot ?? null, notes);
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
    const r = this.deps.store.db.prepare('SELECT * FROM versions WHERE id = ? OR name = ?').get(idOrName, idOrName) as
      | Record<string, string | null>
      | undefined;
    if (!r) throw notFound('E_UNKNOWN_VERSION', `no version ${JSON.stringify(idOrName)}`, { version: idOrName });
    return {
      id: r.id!,
      name: r.name!,
      created_at: r.created_at!,
      snapshot: r.snapshot ?? null,
      notes: r.notes ?? '',
      print: r.print ? JSON.parse(r.print) : null,
    };
  }

  versions(): Array<{ id: string; name: string; created_at: string }> {
    return this.deps.store.db.prepare('SELECT id, name, created_at FROM versions ORDER BY created_at').all() as Array<{
      id: string;
      name: string;
      created_at: string;
    }>;
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
        throw badRequest(
          'E_GEAR_CONTROL',
          `${unit.make} ${unit.model} has no control ${JSON.stringify(name)} (has: ${unit.controls.map((x) => x.name).join(', ')})`,
          { control: name },
        );
      if (c.kind === 'knob') {
        const n = typeof value === 'string' ? Number(value) : value;
        if (typeof n !== 'number' || !Number.isFinite(n) || n < c.min || n > c.max)
          throw badRequest(
            'E_GEAR_RANGE',
            `${unit.model} ${name}: ${JSON.stringify(value)} is outside ${c.min}..${c.max}${c.unit ? ` ${c.unit}` : ''}`,
            { control: name, value },
          );
        clean[name] = n;
      } else {
        if (typeof value !== 'string' || !c.positions.includes(value))
          throw badRequest(
            'E_GEAR_RANGE',
            `${unit.model} ${name}: ${JSON.stringify(value)} is not one of ${c.positions.join(', ')}`,
            { control: name, value },
          );
        clean[name] = value;
      }
    }
    const prev = this.deps.store.db
      .prepare('SELECT settings FROM gear_settings WHERE version = ? AND unit = ?')
      .get(v.id, unit.id) as { settings: string } | undefined;
    const merged = { ...(prev ? (JSON.parse(prev.settings) as Record<string, number | string>) : {}), ...clean };
    this.deps.store.db
      .prepare(
        'INSERT INTO gear_settings (version, unit, settings, photo, updated_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT(version, unit) DO UPDATE SET settings = excluded.settings, photo = COALESCE(excluded.photo, gear_settings.photo), updated_at = excluded.updated_at',
      )
      .run(v.id, unit.id, JSON.stringify(merged), photo ?? null, new Date().toISOString());
    this.deps.bus.emit('recall.changed', { kind: 'gear-settings', id: v.id });
    return merged;
  }

  /** The recall sheet of a version: every unit in use with every control's setting. */
  recallSheet(versionRef: string): {
    version: string;
    units: Array<{ unit: GearUnit; settings: Record<string, number | string>; photo: string | null }>;
  } {
    const v = this.version(versionRef);
    const rows = this.deps.store.db
      .prepare('SELECT unit, settings, photo FROM gear_settings WHERE version = ?')
      .all(v.id) as Array<{ unit: string; settings: string; photo: string | null }>;
    return {
      version: v.name,
      units: rows.map((r) => ({ unit: this.get(r.unit), settings: JSON.parse(r.settings), photo: r.photo })),
    };
  }
}
