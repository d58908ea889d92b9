import { type Static, Type as T } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { fail } from '../core/errors.ts';

const Day = T.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'YYYY-MM-DD' });

export const ServiceEntryBody = T.Object(
  {
    date: T.Optional(Day),
    fault: T.Optional(T.String({ maxLength: 500 })),
    work: T.String({ minLength: 1, maxLength: 2000 }),
    parts: T.Optional(T.String({ maxLength: 500 })),
    who: T.String({ minLength: 1, maxLength: 100 }),
  },
  { additionalProperties: false },
);
export const ServicePlanBody = T.Object(
  {
    /** Next calibration and next service, each a date. */
    calibration_due: T.Optional(Day),
    service_due: T.Optional(Day),
  },
  { additionalProperties: false },
);
export type ServiceEntry = Static<typeof ServiceEntryBody> & { date: string; at: string };
export type ServicePlan = Static<typeof ServicePlanBody>;
export type DueItem = {
  unit: string;
  name: string;
  what: 'calibration' | 'service';
  due: string;
  overdue: boolean;
  days: number;
};

function check<S extends Parameters<typeof Value.Check>[0]>(schema: S, body: unknown, code: 'E_SERVICE_INVALID'): void {
  const e = Value.Errors(schema, body).First();
  if (e) throw fail(code, `${e.path || '(body)'}: ${e.message}`, { path: e.path, value: e.value as unknown });
}

const validDay = (d: string | undefined, what: string) => {
  if (d !== undefined && Number.isNaN(Date.parse(`${d}T00:00:00Z`)))
    throw fail('E_SERVICE_INVALID', `${what}: ${d} is not a date`, { path: `/${what}`, value: d });
};

/**
 * The gear bench's maintenance side: a service log per unit (date, fault, work done, parts, who)
 * and its calibration and service due dates, and what is due across the inventory. Kept in the
 * store beside the inventory; a unit that does not exist is E_UNKNOWN_GEAR.
 */
export class MaintenanceService {
  constructor(
    private readonly deps: {
      gear: { get(id: string): { id: string; make: string; model: string } };
      kv: { get(key: string): unknown; set(key: string, value: unknown): void };
    },
  ) {}

  log(unitRef: string, body: unknown): ServiceEntry {
    const unit = this.deps.gear.get(unitRef);
    check(ServiceEntryBody, body, 'E_SERVICE_INVALID');
    const b = body as Static<typeof ServiceEntryBody>;
    validDay(b.date, 'date');
    const entry: ServiceEntry = {
      ...b,
      date: b.date ?? new Date().toISOString().slice(0, 10),
      at: new Date().toISOString(),
    };
    this.deps.kv.set(`service:${unit.id}`, [entry, ...this.history(unit.id)]);
    return entry;
  }

  history(unitRef: string): ServiceEntry[] {
    const unit = this.deps.gear.get(unitRef);
    return (this.deps.kv.get(`service:${unit.id}`) as ServiceEntry[] | undefined) ?? [];
  }

  plan(unitRef: string, body?: unknown): ServicePlan {
    const unit = this.deps.gear.get(unitRef);
    if (body !== undefined) {
      check(ServicePlanBody, body, 'E_SERVICE_INVALID');
      const p = body as ServicePlan;
      validDay(p.calibration_due, 'calibration_due');
      validDay(p.service_due, 'service_due');
      this.deps.kv.set(`service-plan:${unit.id}`, p);
      return p;
    }
    return (this.deps.kv.get(`service-plan:${unit.id}`) as ServicePlan | undefined) ?? {};
  }

  /** What is overdue or due within `days`, soonest first. */
  due(units: Array<{ id: string; make: string; model: string }>, days = 30, now = new Date()): DueItem[] {
    const out: DueItem[] = [];
    const today = Date.parse(`${now.toISOString().slice(0, 10)}T00:00:00Z`);
    for (const u of units) {
      const p = this.plan(u.id);
      for (const [what, date] of [
        ['calibration', p.calibration_due],
        ['service', p.service_due],
      ] as const) {
        if (!date) continue;
        const d = Math.round((Date.parse(`${date}T00:00:00Z`) - today) / 86400000);
        if (d <= days) out.push({ unit: u.id, name: `${u.make} ${u.model}`, what, due: date, overdue: d < 0, days: d });
      }
    }
    return out.sort((a, b) => a.days - b.days);
  }
}
