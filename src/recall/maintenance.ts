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
export const CountersBody = T.Object(
  {
    counters: T.Array(
      T.Object(
        {
          /** What wears: `tubes`, `lamp`, `heads`. */
          name: T.String({ minLength: 1, maxLength: 40, pattern: '^[A-Za-z0-9 _.-]+$' }),
          /** Replace (or service) at this many hours; `rad gear due` lists it from 90 % on. */
          replace_at_hours: T.Optional(T.Number({ exclusiveMinimum: 0, maximum: 1e6 })),
          /** Set the count (a new tube set: 0); omitted keeps the count. */
          hours: T.Optional(T.Number({ minimum: 0, maximum: 1e7 })),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 16 },
    ),
  },
  { additionalProperties: false },
);
export type Counter = { name: string; hours: number; replace_at_hours?: number };
export type UnitHours = { unit: string; counters: Counter[]; running_since: string | null };

export const TicketBody = T.Object(
  {
    title: T.String({ minLength: 1, maxLength: 200 }),
    unit: T.Optional(T.String({ minLength: 1 })),
    device: T.Optional(T.String({ maxLength: 100 })),
    port: T.Optional(T.String({ maxLength: 100 })),
    detail: T.Optional(T.Record(T.String(), T.Unknown())),
  },
  { additionalProperties: false },
);
export type Ticket = {
  id: string;
  title: string;
  state: 'open' | 'closed';
  opened_at: string;
  closed_at?: string;
  resolution?: string;
  unit?: string;
  device?: string;
  port?: string;
  /** Where it came from: a line check run and path, with the verdict and measurements. */
  source?: { run: string; path: string };
  detail?: Record<string, unknown>;
};

export type ServiceEntry = Static<typeof ServiceEntryBody> & { date: string; at: string };
export type ServicePlan = Static<typeof ServicePlanBody>;
export type DueItem = {
  unit: string;
  name: string;
  what: 'calibration' | 'service' | 'hours';
  /** A date, or for an hour counter `1234 of 5000 h`. */
  due: string;
  counter?: string;
  hours?: number;
  replace_at_hours?: number;
  overdue: boolean;
  days: number;
};

function check<S extends Parameters<typeof Value.Check>[0]>(
  schema: S,
  body: unknown,
  code: 'E_SERVICE_INVALID' | 'E_TICKET_INVALID',
): void {
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
      gear: {
        get(id: string): { id: string; make: string; model: string };
        version?(id: string): { id: string; print: unknown };
        recallSheet?(id: string): { units: Array<{ unit: { id: string } }> };
      };
      kv: { get(key: string): unknown; set(key: string, value: unknown): void };
      /** Tickets opened and closed, counters started and stopped: recall.changed (kind ticket / hours). */
      bus?: { emit(topic: 'recall.changed', payload: { kind: string; id: string }): void };
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

  // ---- hour counters (tubes, lamps) ----

  private hoursKey = (id: string) => `hours:${id}`;

  /** A unit's counters, with the running span (if any) counted up to now. */
  hours(unitRef: string, now = Date.now()): UnitHours {
    const unit = this.deps.gear.get(unitRef);
    const h = (this.deps.kv.get(this.hoursKey(unit.id)) as UnitHours | undefined) ?? {
      unit: unit.id,
      counters: [],
      running_since: null,
    };
    if (!h.running_since) return h;
    const extra = Math.max(0, now - Date.parse(h.running_since)) / 3600000;
    return { ...h, counters: h.counters.map((c) => ({ ...c, hours: roundHours(c.hours + extra) })) };
  }

  /** Defines (or resets) a unit's counters. */
  setCounters(unitRef: string, body: unknown): UnitHours {
    const unit = this.deps.gear.get(unitRef);
    check(CountersBody, body, 'E_SERVICE_INVALID');
    const b = body as Static<typeof CountersBody>;
    const cur = this.hours(unit.id);
    const counters = b.counters.map((c) => ({
      name: c.name,
      hours: c.hours ?? cur.counters.find((x) => x.name === c.name)?.hours ?? 0,
      ...(c.replace_at_hours !== undefined ? { replace_at_hours: c.replace_at_hours } : {}),
    }));
    const next: UnitHours = {
      unit: unit.id,
      counters,
      running_since: cur.running_since ? new Date().toISOString() : null,
    };
    this.deps.kv.set(this.hoursKey(unit.id), next);
    return next;
  }

  /** The unit is powered / in use: its counters run (until stop). Idempotent. */
  startHours(unitRef: string, at = new Date()): UnitHours {
    const h = this.hours(unitRef);
    if (h.running_since) return h;
    const next = { ...h, running_since: at.toISOString() };
    this.deps.kv.set(this.hoursKey(h.unit), next);
    this.deps.bus?.emit('recall.changed', { kind: 'hours', id: h.unit });
    return next;
  }

  /** Stops a unit's counters, adding the span since start. Idempotent. */
  stopHours(unitRef: string, at = new Date()): UnitHours {
    const h = this.hours(unitRef, at.getTime());
    const next = { ...h, running_since: null };
    this.deps.kv.set(this.hoursKey(h.unit), next);
    if (h.running_since) this.deps.bus?.emit('recall.changed', { kind: 'hours', id: h.unit });
    return next;
  }

  /** Adds a finished use (a print of a version through the unit) to every counter of the unit. */
  addHours(unitRef: string, hours: number): UnitHours {
    const unit = this.deps.gear.get(unitRef);
    const h = (this.deps.kv.get(this.hoursKey(unit.id)) as UnitHours | undefined) ?? {
      unit: unit.id,
      counters: [],
      running_since: null,
    };
    // a running counter already counts this time
    if (h.running_since || !(hours > 0)) return this.hours(unit.id);
    const next = { ...h, counters: h.counters.map((c) => ({ ...c, hours: roundHours(c.hours + hours) })) };
    this.deps.kv.set(this.hoursKey(unit.id), next);
    return next;
  }

  /**
   * A print of a version ran its audio through every unit on the version's recall sheet: each of
   * their counters gains the print's length (units whose counters run already count it).
   */
  countPrint(versionId: string): Array<{ unit: string; hours: number }> {
    const g = this.deps.gear;
    if (!g.version || !g.recallSheet) return [];
    const print = g.version(versionId).print as { seconds?: number } | null;
    const h = (print?.seconds ?? 0) / 3600;
    if (!(h > 0)) return [];
    return g.recallSheet(versionId).units.map((u) => {
      this.addHours(u.unit.id, h);
      return { unit: u.unit.id, hours: roundHours(h) };
    });
  }

  // ---- repair tickets ----

  tickets(all = false): Ticket[] {
    const t = (this.deps.kv.get('tickets') as Ticket[] | undefined) ?? [];
    return all ? t : t.filter((x) => x.state === 'open');
  }

  ticket(id: string): Ticket {
    const t = this.tickets(true).find((x) => x.id === id);
    if (!t) throw fail('E_UNKNOWN_TICKET', `no ticket ${JSON.stringify(id)}`, { value: id });
    return t;
  }

  /** Opens a ticket (from a line check finding, or by hand); the unit, when named, must exist. */
  openTicket(body: unknown, source?: { run: string; path: string }): Ticket {
    check(TicketBody, body, 'E_TICKET_INVALID');
    const b = body as Static<typeof TicketBody>;
    const unit = b.unit !== undefined ? this.deps.gear.get(b.unit).id : undefined;
    const all = this.tickets(true);
    const n = all.reduce((m, t) => Math.max(m, Number(/^T-(\d+)$/.exec(t.id)?.[1] ?? 0)), 0) + 1;
    const t: Ticket = {
      id: `T-${String(n).padStart(4, '0')}`,
      title: b.title,
      state: 'open',
      opened_at: new Date().toISOString(),
      ...(unit ? { unit } : {}),
      ...(b.device ? { device: b.device } : {}),
      ...(b.port ? { port: b.port } : {}),
      ...(source ? { source } : {}),
      ...(b.detail ? { detail: b.detail } : {}),
    };
    this.deps.kv.set('tickets', [t, ...all]);
    this.deps.bus?.emit('recall.changed', { kind: 'ticket', id: t.id });
    return t;
  }

  closeTicket(id: string, resolution: string): Ticket {
    const t = this.ticket(id);
    if (typeof resolution !== 'string' || resolution.trim() === '')
      throw fail('E_TICKET_INVALID', 'closing a ticket needs what was done (resolution)', { value: resolution });
    const closed: Ticket = { ...t, state: 'closed', closed_at: new Date().toISOString(), resolution };
    this.deps.kv.set(
      'tickets',
      this.tickets(true).map((x) => (x.id === id ? closed : x)),
    );
    this.deps.bus?.emit('recall.changed', { kind: 'ticket', id });
    return closed;
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
      for (const c of this.hours(u.id, now.getTime()).counters) {
        if (c.replace_at_hours === undefined || c.hours < 0.9 * c.replace_at_hours) continue;
        out.push({
          unit: u.id,
          name: `${u.make} ${u.model}`,
          what: 'hours',
          counter: c.name,
          hours: c.hours,
          replace_at_hours: c.replace_at_hours,
          due: `${Math.round(c.hours)} of ${c.replace_at_hours} h`,
          overdue: c.hours >= c.replace_at_hours,
          days: c.hours >= c.replace_at_hours ? -1 : 0,
        });
      }
    }
    return out.sort((a, b) => a.days - b.days);
  }
}

const roundHours = (x: number) => Math.round(x * 1e6) / 1e6; // hours to 3.6 ms
