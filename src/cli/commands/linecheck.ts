import type { Command } from 'commander';
import { writeFileAtomic } from '../../core/atomic.ts';
import type { RunRecord } from '../../linecheck/service.ts';
import { DaemonClient } from '../client.ts';
import { CliError, printJson } from '../output.ts';
import { progressBar } from '../progress.ts';

type Clock = {
  ok: boolean;
  expected: { rate: number; master: string | null };
  console: { id: string; rate: number | null; source: string | null } | null;
  interface: { backend: string; rate: number | null; state: string } | null;
  mismatches: string[];
  cannot: string[];
};

export function linecheckCommands(program: Command): void {
  const cable = program.command('cable').description('the cable tester (and the list of cables tested)');
  cable
    .command('test')
    .description(
      'test the cable between interface output OUT and input IN: continuity, polarity, loss, hum, noise, flex test; exit 1 if it fails',
    )
    .requiredOption('--out <n>', 'interface output the cable is plugged into')
    .requiredOption('--in <n>', 'interface input the other end is plugged into')
    .option('--flex <seconds>', 'flex test length (wiggle the connectors meanwhile)', '10')
    .option('--label <text>', 'the cable\'s name for its tag, e.g. "XLR 10 m #23"')
    .option('--force', 'test on an output the studio wiring uses')
    .option('--url <url>', 'daemon URL')
    .option('--token <token>', 'API token')
    .option('-c, --config <file>', 'settings file to find the daemon from')
    .option('--json', 'print JSON')
    .action(
      async (o: {
        out: string;
        in: string;
        flex: string;
        label?: string;
        force?: boolean;
        url?: string;
        token?: string;
        config?: string;
        json?: boolean;
      }) => {
        const num = (v: string, what: string) => {
          const n = Number(v);
          if (!Number.isFinite(n) || n < 0)
            throw new CliError(`${what}: a number, got ${JSON.stringify(v)}`, 2, 'E_USAGE');
          return n;
        };
        if (!o.json) process.stderr.write(`flex the connectors now (${o.flex} s)…\n`);
        const r = await new DaemonClient(o).request<{ verdict: string; line: string }>('POST', '/api/v1/cables/test', {
          out: num(o.out, '--out'),
          in: num(o.in, '--in'),
          flex_seconds: num(o.flex, '--flex'),
          ...(o.label ? { label: o.label } : {}),
          ...(o.force ? { force: true } : {}),
        });
        if (o.json) printJson(r);
        else process.stdout.write(`${r.line}\n`);
        if (r.verdict !== 'pass') process.exitCode = 1;
      },
    );

  program
    .command('clock')
    .description(
      "the clock plan against the console's rate and source and the interface's rate; exit 1 on a mismatch (every line check checks it first)",
    )
    .option('--url <url>', 'daemon URL')
    .option('--token <token>', 'API token')
    .option('-c, --config <file>', 'settings file to find the daemon from')
    .option('--json', 'print JSON')
    .action(async (o: { url?: string; token?: string; config?: string; json?: boolean }) => {
      const c = await new DaemonClient(o).request<Clock>('GET', '/api/v1/clock');
      if (o.json) printJson(c);
      else {
        const khz = (r: number | null) => (r ? `${r / 1000} kHz` : '?');
        process.stdout.write(
          `plan: ${khz(c.expected.rate)}${c.expected.master ? `, console on ${c.expected.master}` : ''}\n`,
        );
        if (c.console)
          process.stdout.write(`console ${c.console.id}: ${khz(c.console.rate)}, source ${c.console.source ?? '?'}\n`);
        if (c.interface)
          process.stdout.write(`interface (${c.interface.backend}): ${khz(c.interface.rate)}, ${c.interface.state}\n`);
        for (const m of c.mismatches) process.stdout.write(`MISMATCH  ${m}\n`);
        for (const m of c.cannot) process.stdout.write(`cannot    ${m}\n`);
        process.stdout.write(c.ok ? 'clock ok\n' : `${c.mismatches.length} mismatch(es)\n`);
      }
      if (!c.ok) process.exitCode = 1;
    });

  program
    .command('linecheck')
    .description('prove every patch passes signal; exit 0 if every path passes, 1 if faults were found')
    .option('--paths <names...>', 'only these paths (e.g. tie-07 tie-08)')
    .option('--inject', 'tie the switchers as the plan needs for the test (restored after)')
    .option('--sequential', 'one path at a time (slow; for comparison)')
    .option(
      '--outputs',
      "check the console's outputs instead: its oscillator to each bus/main/matrix wired back to the interface",
    )
    .option('--force', 'check even when the clock check finds a mismatch')
    .option('--html <file>', 'also write the report page')
    .option('--ticket', 'open a repair ticket for each failing path (with the device and port the tracer blames)')
    .option('--url <url>', 'daemon URL')
    .option('--token <token>', 'API token')
    .option('-c, --config <file>', 'settings file to find the daemon from')
    .option('--json', 'print JSON')
    .action(
      async (o: {
        paths?: string[];
        inject?: boolean;
        sequential?: boolean;
        outputs?: boolean;
        force?: boolean;
        html?: string;
        ticket?: boolean;
        url?: string;
        token?: string;
        config?: string;
        json?: boolean;
      }) => {
        const client = new DaemonClient(o);
        const { run } = await client.request<{ run: string }>('POST', '/api/v1/linecheck', {
          paths: o.paths,
          inject: o.inject,
          mode: o.sequential ? 'sequential' : 'concurrent',
          ...(o.force ? { force: true } : {}),
          ...(o.outputs ? { target: 'outputs' } : {}),
        });
        const bar = progressBar('line check', !o.json && process.stderr.isTTY === true);
        let rec: RunRecord;
        for (;;) {
          rec = await client.request<RunRecord>('GET', `/api/v1/linecheck/${run}`);
          if (rec.state !== 'running') break;
          bar.update(rec.progress?.done ?? 0, rec.progress?.total ?? 1);
          await new Promise((r) => setTimeout(r, 100));
        }
        bar.stop();
        if (o.html) writeFileAtomic(o.html, await client.text(`/api/v1/linecheck/${run}?format=html`));
        const failing = rec.results.filter((r) => r.verdict !== 'pass' && r.verdict !== 'untestable');
        let tickets: Array<{ id: string; title: string }> = [];
        if (o.ticket && rec.state === 'done' && failing.length > 0)
          tickets = (
            await client.request<{ tickets: Array<{ id: string; title: string }> }>(
              'POST',
              `/api/v1/linecheck/${run}/tickets`,
              {},
            )
          ).tickets;
        if (!o.json) for (const t of tickets) process.stderr.write(`ticket ${t.id}: ${t.title}\n`);
        if (o.json) printJson(o.ticket ? { ...rec, tickets } : rec);
        else {
          for (const r of rec.results)
            if (r.verdict !== 'pass')
              process.stdout.write(`${r.path.padEnd(10)} ${r.verdict.padEnd(16)} ${r.findings.join('; ')}\n`);
          process.stdout.write(
            `${rec.state}: ${Object.entries(rec.summary ?? {})
              .map(([k, v]) => `${v} ${k}`)
              .join(', ')} in ${rec.seconds?.toFixed(2)} s${rec.error ? ` (${rec.error})` : ''}\n`,
          );
        }
        const failed = rec.state !== 'done' || rec.results.some((r) => r.verdict !== 'pass');
        process.exitCode = failed ? 1 : 0;
      },
    );
}
