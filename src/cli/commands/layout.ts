import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { parse } from 'yaml';
import { writeFileAtomic } from '../../core/atomic.ts';
import { parseInputList } from '../../layout/inputlist.ts';
import type { LayoutApplyReport, LayoutDiff } from '../../layout/apply.ts';
import { type CueApplyReport, type CueDiff, type CuePlan, planCues } from '../../layout/cues.ts';
import { type LayoutPlan, planLayout } from '../../layout/plan.ts';
import { validateProfile } from '../../layout/profile.ts';
import { capsFor } from '../../console/factory.ts';
import type { ConsoleCaps } from '../../console/model.ts';
import { loadSettings } from '../../settings/load.ts';
import { renderRpp } from '../../session/rpp.ts';
import { trackSheetCsv, trackSheetHtml } from '../../session/tracksheet.ts';
import { DaemonClient } from '../client.ts';
import { CliError, printJson } from '../output.ts';

type Conn = {
  url?: string;
  token?: string;
  config?: string;
  json?: boolean;
  profile: string;
  console?: string;
  family?: string;
  model?: string;
};

const conn = (c: Command) =>
  c
    .requiredOption('--profile <name>', 'engineer profile (a name known to the daemon, or a .yaml file)')
    .option('--console <id>', 'console id (default: the first)')
    .option('--family <family>', 'with a profile file: plan for this console family (x32 | sq | qu)')
    .option('--model <model>', 'with a profile file: the console model (Qu-16, Qu-24, Qu-32, …)')
    .option('--url <url>', 'daemon URL')
    .option('--token <token>', 'API token')
    .option('-c, --config <file>', 'settings file to find the daemon from')
    .option('--json', 'print JSON');

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new CliError(
      `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
      2,
      'E_FILE',
    );
  }
}

const isProfileFile = (p: string) => /\.ya?ml$/i.test(p);

/**
 * What a plan made without the daemon is for: --family/--model, else the first console of the
 * settings file given with --config, else an X32.
 */
function localCaps(o: Conn): ConsoleCaps {
  if (o.family !== undefined) {
    if (o.family !== 'x32' && o.family !== 'sq' && o.family !== 'qu')
      throw new CliError(`--family ${o.family} is not a console family (x32, sq, qu)`, 2, 'E_USAGE');
    return capsFor(o.family, o.model);
  }
  if (o.config) {
    const c = loadSettings(o.config).consoles[0];
    if (c) return capsFor(c.family, c.model);
  }
  return capsFor('x32');
}

function printPlan(plan: LayoutPlan, diff?: LayoutDiff): void {
  for (const c of plan.channels) {
    const flag = c.role === 'unknown' ? '  ?' : c.confidence < 0.8 ? '  ~' : '';
    process.stdout.write(
      `${String(c.channel).padStart(3)}  ${c.name.padEnd(12)}  ${c.source.padEnd(24)} ${c.role.padEnd(16)} ${c.phantom ? '48V' : '   '}${flag}\n`,
    );
  }
  for (const w of plan.warnings) process.stdout.write(`warning: ${w}\n`);
  if (diff) {
    process.stdout.write(`\n${diff.changes.length} change(s) on ${diff.console} (${diff.unchanged} already right):\n`);
    for (const ch of diff.changes)
      process.stdout.write(`  ${ch.path}: ${JSON.stringify(ch.from)} → ${JSON.stringify(ch.to)}\n`);
    for (const c of diff.cannot) process.stdout.write(`  cannot: ${c}\n`);
  }
}

export function layoutCommands(program: Command): void {
  const layout = program
    .command('layout')
    .description("lay out the console to the engineer's preferences from an input list");

  conn(
    layout
      .command('plan')
      .description('show the plan and the diff against the live console')
      .argument('<inputs>', 'input list (CSV or text)'),
  ).action(async (file: string, o: Conn) => {
    const inputs = readText(file);
    if (isProfileFile(o.profile)) {
      const plan = planLayout(parseInputList(inputs), validateProfile(parse(readText(o.profile))), localCaps(o));
      if (o.json) return printJson({ plan });
      return printPlan(plan);
    }
    const r = await new DaemonClient(o).request<{ plan: LayoutPlan; diff?: LayoutDiff }>(
      'POST',
      '/api/v1/layout/plan',
      { inputs, profile: o.profile, console: o.console },
    );
    if (o.json) return printJson(r);
    printPlan(r.plan, r.diff);
  });

  conn(
    layout
      .command('apply')
      .description('apply the layout to the console (only what changes), then read back')
      .argument('<inputs>'),
  ).action(async (file: string, o: Conn) => {
    const r = await new DaemonClient(o).request<{ plan: LayoutPlan; report: LayoutApplyReport }>(
      'POST',
      '/api/v1/layout/apply',
      { inputs: readText(file), profile: o.profile, console: o.console },
    );
    if (o.json) return printJson(r);
    const bad = r.report.written.filter((w) => w.verdict !== 'verified');
    process.stdout.write(
      `${r.report.console}: ${r.report.written.length} value(s) written, ${r.report.written.length - bad.length} verified, ${r.report.unchanged} already right\n`,
    );
    for (const w of bad)
      process.stdout.write(
        `  ${w.address}: ${w.verdict} (wanted ${JSON.stringify(w.requested)}, console holds ${JSON.stringify(w.actual)})\n`,
      );
    for (const c of r.report.cannot) process.stdout.write(`  cannot: ${c}\n`);
    if (!r.report.ok) process.exitCode = 1;
  });

  const cue = program.command('cue').description("cue mixes from the engineer's profile: one aux bus per musician");
  const printCues = (cues: CuePlan, diff?: CueDiff) => {
    for (const c of cues.cues) {
      const heard = c.sends.filter((x) => x.level_db !== null);
      process.stdout.write(
        `aux ${c.bus} ${c.name}: ${heard.map((x) => `${x.name} ${x.level_db! > 0 ? '+' : ''}${x.level_db}`).join(', ') || 'nothing'}\n`,
      );
    }
    for (const m of cues.missing) process.stdout.write(`${m.code}: ${m.cue} wants ${m.key}, which this list lacks\n`);
    for (const c of cues.cannot) process.stdout.write(`cannot: ${c}\n`);
    if (diff) {
      process.stdout.write(`\n${diff.changes.length} change(s) on ${diff.console} (${diff.unchanged} already right)\n`);
      for (const c of diff.cannot) process.stdout.write(`  cannot: ${c}\n`);
    }
  };
  conn(
    cue
      .command('plan')
      .description("show each musician's mix and the diff against the live console")
      .argument('<inputs>', 'input list (CSV or text)'),
  ).action(async (file: string, o: Conn) => {
    const inputs = readText(file);
    if (isProfileFile(o.profile)) {
      const profile = validateProfile(parse(readText(o.profile)));
      const caps = localCaps(o);
      const cues = planCues(planLayout(parseInputList(inputs), profile, caps), profile, caps);
      if (o.json) return printJson({ cues });
      return printCues(cues);
    }
    const r = await new DaemonClient(o).request<{ cues: CuePlan; diff?: CueDiff }>('POST', '/api/v1/cues/plan', {
      inputs,
      profile: o.profile,
      console: o.console,
    });
    if (o.json) return printJson(r);
    printCues(r.cues, r.diff);
  });
  conn(
    cue
      .command('apply')
      .description('write the cue mixes (bus names and sends) and read them back; exit 1 if any value did not verify')
      .argument('<inputs>')
      .option('--force', 'apply even when a mix names a role the input list lacks'),
  ).action(async (file: string, o: Conn & { force?: boolean }) => {
    const r = await new DaemonClient(o).request<{ cues: CuePlan; report: CueApplyReport }>(
      'POST',
      '/api/v1/cues/apply',
      { inputs: readText(file), profile: o.profile, console: o.console, ...(o.force ? { force: true } : {}) },
    );
    if (o.json) return printJson(r);
    const bad = r.report.written.filter((w) => w.verdict !== 'verified');
    process.stdout.write(
      `${r.report.console}: ${r.cues.cues.length} cue mix(es); ${r.report.written.length} value(s) written, ${r.report.written.length - bad.length} verified, ${r.report.unchanged} already right\n`,
    );
    for (const w of bad) process.stdout.write(`  ${w.address}: ${w.verdict}\n`);
    for (const c of r.report.cannot) process.stdout.write(`  cannot: ${c}\n`);
    if (!r.report.ok) process.exitCode = 1;
  });

  const session = program.command('session').description('DAW session files');
  conn(
    session
      .command('template')
      .description('write a REAPER session (.RPP) matching the layout, and optionally the track sheet')
      .argument('<inputs>')
      .requiredOption('-o, --out <file>', 'the .RPP to write')
      .option('--sheet <file>', 'also write the track sheet (.csv or .html)'),
  ).action(async (file: string, o: Conn & { out: string; sheet?: string }) => {
    const inputs = readText(file);
    let plan: LayoutPlan;
    let daw: { dividers?: boolean; record_arm?: boolean; input_offset?: number } | undefined;
    if (isProfileFile(o.profile)) {
      const profile = validateProfile(parse(readText(o.profile)));
      plan = planLayout(parseInputList(inputs), profile, localCaps(o));
      daw = profile.daw;
    } else {
      const client = new DaemonClient(o);
      plan = (
        await client.request<{ plan: LayoutPlan }>('POST', '/api/v1/layout/plan', {
          inputs,
          profile: o.profile,
          console: o.console,
        })
      ).plan;
      daw = (await client.request<{ daw?: typeof daw }>('GET', `/api/v1/profiles/${encodeURIComponent(o.profile)}`))
        .daw;
    }
    writeFileAtomic(
      o.out,
      renderRpp(plan, { dividers: daw?.dividers, recordArm: daw?.record_arm, inputOffset: daw?.input_offset }),
    );
    if (o.sheet) writeFileAtomic(o.sheet, o.sheet.endsWith('.html') ? trackSheetHtml(plan) : trackSheetCsv(plan));
    if (o.json) return printJson({ out: o.out, sheet: o.sheet, tracks: plan.channels.length });
    process.stdout.write(`${o.out}: ${plan.channels.length} tracks${o.sheet ? `; track sheet ${o.sheet}` : ''}\n`);
  });
}
