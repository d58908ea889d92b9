import { spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { DaemonClient } from '../client.ts';
import { CliError, printJson } from '../output.ts';

const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO ', 40: 'WARN ', 50: 'ERROR', 60: 'FATAL' };
const SKIP = new Set(['level', 'time', 'pid', 'hostname', 'msg', 'v']);

/** One pino JSON line as a person reads it: `12:03:04.120 WARN  [api] message key=value …`. */
export function prettyLine(line: string): string {
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line; // not ours (socat, PortAudio's own printf): shown as is
  }
  if (typeof o !== 'object' || o === null) return line;
  const t = typeof o.time === 'number' ? new Date(o.time).toISOString().slice(11, 23) : '';
  const part = typeof o.part === 'string' ? `[${o.part}] ` : '';
  const rest = Object.entries(o)
    .filter(([k]) => !SKIP.has(k) && k !== 'part')
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' ');
  return `${t} ${LEVELS[o.level as number] ?? String(o.level)} ${part}${o.msg ?? ''}${rest ? `  ${rest}` : ''}`;
}

export function logCommands(program: Command): void {
  program
    .command('logs')
    .description("the daemon's log, readable: from the systemd journal (unit rad), or a file of JSON lines")
    .option('-f, --follow', 'keep printing new lines')
    .option('-n, --lines <n>', 'how many recent lines', '200')
    .option('--unit <name>', 'systemd unit', 'rad')
    .option('--file <path>', 'read this log file instead of the journal (- for stdin)')
    .action(async (o: { follow?: boolean; lines: string; unit: string; file?: string }) => {
      let input: NodeJS.ReadableStream;
      let child: ReturnType<typeof spawn> | undefined;
      if (o.file) input = o.file === '-' ? process.stdin : createReadStream(o.file);
      else {
        child = spawn(
          'journalctl',
          ['-u', o.unit, '-o', 'cat', '--no-pager', '-n', o.lines, ...(o.follow ? ['-f'] : [])],
          { stdio: ['ignore', 'pipe', 'pipe'] },
        );
        let err = '';
        child.stderr!.on('data', (d) => (err += d));
        const failed = new Promise<never>((_, reject) => {
          child!.on('error', (e) =>
            reject(
              new CliError(
                `cannot read the journal (${e.message}); without systemd, give --file with the daemon's log`,
                1,
                'E_LOGS',
              ),
            ),
          );
          child!.on('exit', (code) => {
            if (code && code !== 0) reject(new CliError(`journalctl: ${err.trim() || `exit ${code}`}`, 1, 'E_LOGS'));
          });
        });
        failed.catch(() => {});
        input = child.stdout!;
        const rl = createInterface({ input });
        for await (const line of rl) process.stdout.write(`${prettyLine(line)}\n`);
        await Promise.race([failed, new Promise((r) => child!.on('exit', r))]);
        return;
      }
      input.on('error', (e: Error) => {
        process.stderr.write(`rad: E_LOGS: ${e.message}\n`);
        process.exitCode = 1;
      });
      for await (const line of createInterface({ input })) process.stdout.write(`${prettyLine(line)}\n`);
    });

  program
    .command('audit')
    .description('every write to a device: when, who, what, result')
    .option('--device <id>', 'only this device')
    .option('--limit <n>', 'how many, newest first', '50')
    .option('--url <url>', 'daemon URL')
    .option('--token <token>', 'API token')
    .option('-c, --config <file>', 'settings file to find the daemon from')
    .option('--json', 'print JSON')
    .action(
      async (o: { device?: string; limit: string; url?: string; token?: string; config?: string; json?: boolean }) => {
        const q = new URLSearchParams({ limit: o.limit, ...(o.device ? { device: o.device } : {}) });
        const r = await new DaemonClient(o).request<{
          entries: Array<{
            at: string;
            actor: string;
            device: string;
            action: string;
            target?: string;
            value?: unknown;
            result: string;
            detail?: string;
          }>;
        }>('GET', `/api/v1/audit?${q}`);
        if (o.json) return printJson(r);
        for (const e of r.entries)
          process.stdout.write(
            `${e.at}  ${e.actor.padEnd(8)} ${e.device.padEnd(10)} ${e.action} ${e.target ?? ''}${e.value !== undefined && e.value !== null ? ` = ${JSON.stringify(e.value)}` : ''}  ${e.result}${e.detail ? ` (${e.detail})` : ''}\n`,
          );
        if (r.entries.length === 0) process.stdout.write('(no writes recorded)\n');
      },
    );
}
