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
          `${d.overdue ? 'OVERDUE' : 'due    '}  ${d.due}  ${d.name}: ${d.what}${d.overdue ? ` (${-d.days} days ago)` : ` (in ${d.days} days)`}\n`,
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
