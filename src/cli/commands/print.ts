import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { Command } from 'commander';
import type { PrintRecord } from '../../recall/prints.ts';
import { DaemonClient } from '../client.ts';
import { CliError, printJson } from '../output.ts';

type Conn = { url?: string; token?: string; config?: string; json?: boolean };
const conn = (c: Command) =>
  c
    .option('--url <url>', 'daemon URL')
    .option('--token <token>', 'API token')
    .option('-c, --config <file>', 'settings file to find the daemon from')
    .option('--json', 'print JSON');

/** Silence has no loudness: −∞ (null in JSON) reads `-inf LUFS (silence)`, not `null LUFS`. */
function level(v: number | null | undefined, unit: string): string {
  return typeof v === 'number' && Number.isFinite(v) ? `${v.toFixed(1)} ${unit}` : `-inf ${unit} (silence)`;
}

function show(p: PrintRecord, json?: boolean): void {
  if (json) {
    printJson(p);
    return;
  }
  process.stdout.write(
    `${p.version}: ${p.path}\n  ${p.seconds.toFixed(2)} s, ${level(p.integrated_lufs, 'LUFS integrated')}, ${level(p.true_peak_dbtp, 'dBTP true peak')}, sha256 ${p.sha256 ?? '-'}${p.error ? `\n  ${p.error}` : ''}\n`,
  );
}

export function printCommands(program: Command): void {
  const print = program
    .command('print')
    .description('print a mix version to a Broadcast WAV with loudness, true peak and checksum');
  conn(
    print
      .command('start')
      .requiredOption('--version <name>', 'version name')
      .option('--seconds <n>', 'stop after n seconds (else: rad print stop)'),
  ).action(async (o: Conn & { version: string; seconds?: string }) => {
    const client = new DaemonClient(o);
    const seconds = o.seconds === undefined ? undefined : Number(o.seconds);
    const r = await client.request<{ version: string; path: string }>('POST', '/api/v1/prints', {
      version: o.version,
      ...(seconds ? { seconds } : {}),
    });
    if (!seconds) {
      if (o.json) return printJson(r);
      process.stdout.write(`printing ${r.version} to ${r.path} — stop with: rad print stop\n`);
      return;
    }
    // wait for the timed print to finish
    for (;;) {
      await new Promise((res) => setTimeout(res, 200));
      const v = await client.request<{ print: PrintRecord | null }>(
        'GET',
        `/api/v1/versions/${encodeURIComponent(r.version)}`,
      );
      if (v.print && v.print.path === r.path) {
        show(v.print, o.json);
        if (v.print.error) process.exitCode = 1;
        return;
      }
    }
  });
  conn(print.command('stop')).action(async (o: Conn) => {
    const p = await new DaemonClient(o).request<PrintRecord>('POST', '/api/v1/prints/stop');
    show(p, o.json);
    if (p.error) process.exitCode = 1;
  });
}

export function mixbookCommands(program: Command): void {
  conn(
    program
      .command('mixbook')
      .description('write the mix book for the client and label (HTML, and PDF when Chromium is installed)')
      .argument('<project>', 'project title')
      .option('--out <dir>', 'also copy the book into this folder (the daemon writes it into its exports folder)')
      .option('--artist <name>', 'artist')
      .option('--credit <line...>', 'credit lines')
      .option('--inputs <file>', 'input list, to include the track sheet (with --profile)')
      .option('--profile <name>', 'engineer profile for the track sheet'),
  ).action(
    async (
      project: string,
      o: Conn & { out?: string; artist?: string; credit?: string[]; inputs?: string; profile?: string },
    ) => {
      const r = await new DaemonClient(o).request<{ html: string; pdf?: string; pdf_skipped?: string }>(
        'POST',
        '/api/v1/mixbook',
        {
          project,
          // the daemon writes only inside its exports folder; the CLI copies to any folder its user owns
          out: `mixbook/${project.replace(/[^A-Za-z0-9._-]+/g, '-').slice(0, 80)}-${new Date().toISOString().replace(/[:.]/g, '-')}`,
          artist: o.artist,
          credits: o.credit,
          ...(o.inputs && o.profile ? { inputs: readFileSync(o.inputs, 'utf8'), profile: o.profile } : {}),
        },
      );
      if (o.out) {
        const dir = resolve(o.out);
        mkdirSync(dir, { recursive: true });
        for (const key of ['html', 'pdf'] as const) {
          const from = r[key];
          if (!from) continue;
          const to = join(dir, basename(from));
          if (existsSync(to)) throw new CliError(`${to} exists; not replaced`, 1, 'E_PATH_EXISTS');
          copyFileSync(from, to);
          r[key] = to;
        }
      }
      if (o.json) return printJson(r);
      process.stdout.write(`${r.html}\n${r.pdf ?? `(no PDF: ${r.pdf_skipped})`}\n`);
    },
  );
}
