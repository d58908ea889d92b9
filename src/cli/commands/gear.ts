import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { parse } from 'yaml';
import type { GearUnit } from '../../recall/gear.ts';
import { DaemonClient } from '../client.ts';
import { CliError, printJson } from '../output.ts';

type Conn = { url?: string; token?: string; config?: string; json?: boolean };
const conn = (c: Command) =>
  c
    .option('--url <url>', 'daemon URL')
    .option('--token <token>', 'API token')
    .option('-c, --config <file>', 'settings file to find the daemon from')
    .option('--json', 'print JSON');

export function gearCommands(program: Command): void {
  const gear = program.command('gear').description('outboard gear: inventory, controls, settings per version');
  conn(gear.command('add').argument('<file>', 'YAML or JSON: make, model, serial, patched_at, controls[]')).action(
    async (file: string, o: Conn) => {
      let body: unknown;
      try {
        body = parse(readFileSync(file, 'utf8'));
      } catch (e) {
        throw new CliError(`cannot read ${file}: ${(e as Error).message.split('\n')[0]}`, 2, 'E_FILE');
      }
      const u = await new DaemonClient(o).request<GearUnit>('POST', '/api/v1/gear', body);
      if (o.json) return printJson(u);
      process.stdout.write(`${u.id}  ${u.make} ${u.model} (${u.controls.length} controls)\n`);
    },
  );
  conn(
    gear
      .command('service')
      .description('log a service of a unit (the maintenance log)')
      .argument('<unit>', 'unit id or "Make Model"')
      .requiredOption('--work <text>', 'work done')
      .requiredOption('--who <name>', 'who did it')
      .option('--fault <text>', 'the fault found')
      .option('--parts <text>', 'parts used')
      .option('--date <YYYY-MM-DD>', 'when (default today)')
      .option('--calibration-due <YYYY-MM-DD>', 'next calibration')
      .option('--service-due <YYYY-MM-DD>', 'next service'),
  ).action(
    async (
      unit: string,
      o: Conn & {
        work: string;
        who: string;
        fault?: string;
        parts?: string;
        date?: string;
        calibrationDue?: string;
        serviceDue?: string;
      },
    ) => {
      const c = new DaemonClient(o);
      const u = encodeURIComponent(unit);
      const e = await c.request('POST', `/api/v1/gear/${u}/service`, {
        work: o.work,
        who: o.who,
        ...(o.fault ? { fault: o.fault } : {}),
        ...(o.parts ? { parts: o.parts } : {}),
        ...(o.date ? { date: o.date } : {}),
      });
      let plan: unknown;
      if (o.calibrationDue || o.serviceDue) {
        const current = (await c.request<{ plan: Record<string, string> }>('GET', `/api/v1/gear/${u}/service`)).plan;
        plan = await c.request('PUT', `/api/v1/gear/${u}/service-plan`, {
          ...current,
          ...(o.calibrationDue ? { calibration_due: o.calibrationDue } : {}),
          ...(o.serviceDue ? { service_due: o.serviceDue } : {}),
        });
      }
      if (o.json) return printJson({ entry: e, ...(plan ? { plan } : {}) });
      process.stdout.write(`logged: ${(e as { date: string }).date} ${o.work} (${o.who})\n`);
    },
  );
  type Hours = {
    unit: string;
    counters: Array<{ name: string; hours: number; replace_at_hours?: number }>;
    running_since: string | null;
  };
  conn(
    gear
      .command('hours')
      .description("a unit's hour counters (tubes, lamps): show, define, start or stop them")
      .argument('<unit>', 'unit id or "Make Model"')
      .option('--counter <spec...>', 'define a counter: name[:replace_at_hours[:hours]], e.g. tubes:5000:0')
      .option('--start', 'the unit is powered: its counters run')
      .option('--stop', 'the unit is off: its counters stop'),
  ).action(async (unit: string, o: Conn & { counter?: string[]; start?: boolean; stop?: boolean }) => {
    const c = new DaemonClient(o);
    const u = encodeURIComponent(unit);
    if (o.start && o.stop) throw new CliError('--start or --stop, not both', 2, 'E_USAGE');
    let h: Hours;
    if (o.counter) {
      const counters = o.counter.map((spec) => {
        const [name, at, hours] = spec.split(':');
        const n = (v: string | undefined, what: string) => {
          if (v === undefined || v === '') return undefined;
          const x = Number(v);
          if (!Number.isFinite(x) || x < 0)
            throw new CliError(`--counter ${spec}: ${what} must be a number, got ${JSON.stringify(v)}`, 2, 'E_USAGE');
          return x;
        };
        const replace = n(at, 'replace_at_hours');
        const count = n(hours, 'hours');
        return {
          name: name ?? '',
          ...(replace !== undefined ? { replace_at_hours: replace } : {}),
          ...(count !== undefined ? { hours: count } : {}),
        };
      });
      h = await c.request<Hours>('PUT', `/api/v1/gear/${u}/hours`, { counters });
    }
    if (o.start || o.stop) h = await c.request<Hours>('POST', `/api/v1/gear/${u}/hours/${o.start ? 'start' : 'stop'}`);
    else h = await c.request<Hours>('GET', `/api/v1/gear/${u}/hours`);
    if (o.json) return printJson(h);
    if (h.counters.length === 0) process.stdout.write('no hour counters (define one: --counter tubes:5000)\n');
    for (const k of h.counters)
      process.stdout.write(
        `${k.name}: ${k.hours.toFixed(1)} h${k.replace_at_hours ? ` of ${k.replace_at_hours}` : ''}${h.running_since ? ' (running)' : ''}\n`,
      );
  });
  conn(
    gear
      .command('tickets')
      .description('repair tickets (open ones; --all for closed too); --close ID --resolution TEXT closes one')
      .option('--all', 'closed tickets too')
      .option('--close <id>', 'close this ticket')
      .option('--resolution <text>', 'what was done (with --close)'),
  ).action(async (o: Conn & { all?: boolean; close?: string; resolution?: string }) => {
    const c = new DaemonClient(o);
    type Ticket = { id: string; title: string; state: string; opened_at: string; resolution?: string };
    if (o.close) {
      if (!o.resolution) throw new CliError('--close needs --resolution (what was done)', 2, 'E_USAGE');
      const t = await c.request<Ticket>('POST', `/api/v1/tickets/${encodeURIComponent(o.close)}/close`, {
        resolution: o.resolution,
      });
      if (o.json) return printJson(t);
      process.stdout.write(`${t.id} closed: ${t.resolution}\n`);
      return;
    }
    const r = await c.request<{ tickets: Ticket[] }>('GET', `/api/v1/tickets${o.all ? '?all=true' : ''}`);
    if (o.json) return printJson(r);
    if (r.tickets.length === 0) process.stdout.write('no open tickets\n');
    for (const t of r.tickets)
      process.stdout.write(`${t.id}  ${t.state.padEnd(6)}  ${t.opened_at.slice(0, 10)}  ${t.title}\n`);
  });
  conn(
    gear
      .command('due')
      .description('calibrations and services overdue or due soon, across the inventory; exit 1 if any is overdue')
      .option('--days <n>', 'look this far ahead', '30'),
  ).action(async (o: Conn & { days: string }) => {
    const days = Number(o.days);
    if (!Number.isInteger(days) || days < 0)
      throw new CliError(`--days: whole days, got ${JSON.stringify(o.days)}`, 2, 'E_USAGE');
    const r = await new DaemonClient(o).request<{
      due: Array<{ name: string; what: string; due: string; overdue: boolean; days: number }>;
    }>('GET', `/api/v1/gear/due?days=${days}`);
    if (o.json) printJson(r);
    else if (r.due.length === 0) process.stdout.write(`nothing due in the next ${days} days\n`);
    else
      for (const d of r.due)
        process.stdout.write(
          d.what === 'hours'
            ? `${d.overdue ? 'OVERDUE' : 'due    '}  ${d.name}: ${(d as { counter?: string }).counter} at ${d.due}\n`
            : `${d.overdue ? 'OVERDUE' : 'due    '}  ${d.due}  ${d.name}: ${d.what}${d.overdue ? ` (${-d.days} days ago)` : ` (in ${d.days} days)`}\n`,
        );
    if (r.due.some((d) => d.overdue)) process.exitCode = 1;
  });
  conn(
    gear
      .command('set')
      .requiredOption('--version <name>', 'mix version (created if new)')
      .argument('<unit>', 'unit id or "Make Model"')
      .argument('<settings...>', 'control=value pairs'),
  ).action(async (unit: string, settings: string[], o: Conn & { version: string }) => {
    const client = new DaemonClient(o);
    const values: Record<string, number | string> = {};
    for (const s of settings) {
      const i = s.indexOf('=');
      if (i <= 0) throw new CliError(`${JSON.stringify(s)} must be control=value`, 2, 'E_USAGE');
      const v = s.slice(i + 1);
      values[s.slice(0, i)] = /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : v;
    }
    try {
      await client.request('GET', `/api/v1/versions/${encodeURIComponent(o.version)}`);
    } catch {
      await client.request('POST', '/api/v1/versions', { name: o.version });
    }
    const r = await client.request<{ settings: Record<string, unknown> }>(
      'PUT',
      `/api/v1/versions/${encodeURIComponent(o.version)}/gear/${encodeURIComponent(unit)}`,
      { settings: values },
    );
    if (o.json) return printJson(r);
    process.stdout.write(
      `${unit} @ ${o.version}: ${Object.entries(r.settings)
        .map(([k, v]) => `${k}=${v}`)
        .join(' ')}\n`,
    );
  });
  conn(gear.command('show').argument('[unit]').option('--version <name>', 'show the recall sheet of a version')).action(
    async (unit: string | undefined, o: Conn & { version?: string }) => {
      const client = new DaemonClient(o);
      if (o.version) {
        const sheet = await client.request<{
          version: string;
          units: Array<{ unit: GearUnit; settings: Record<string, unknown> }>;
        }>('GET', `/api/v1/versions/${encodeURIComponent(o.version)}/recall-sheet`);
        if (o.json) return printJson(sheet);
        for (const u of sheet.units)
          process.stdout.write(
            `${u.unit.make} ${u.unit.model} [${u.unit.patched_at}]: ${Object.entries(u.settings)
              .map(([k, v]) => `${k}=${v}`)
              .join(' ')}\n`,
          );
        return;
      }
      const r = unit
        ? [await client.request<GearUnit>('GET', `/api/v1/gear/${encodeURIComponent(unit)}`)]
        : (await client.request<{ units: GearUnit[] }>('GET', '/api/v1/gear')).units;
      if (o.json) return printJson(r);
      for (const u of r)
        process.stdout.write(
          `${u.id}  ${u.make} ${u.model}  s/n ${u.serial || '-'}  at ${u.patched_at || '-'}  controls: ${u.controls.map((c) => c.name).join(', ')}\n`,
        );
    },
  );
}
