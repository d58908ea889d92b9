import type { Command } from 'commander';
import type { GainApplyReport, GainListen } from '../../linecheck/gain.ts';
import { DaemonClient } from '../client.ts';
import { CliError, printJson } from '../output.ts';

type Conn = { url?: string; token?: string; config?: string; json?: boolean };

/** `1-8,12` → [1..8, 12]. */
export function parseInputs(v: string): number[] {
  const out: number[] = [];
  for (const part of v.split(',')) {
    const m = /^\s*(\d+)(?:\s*-\s*(\d+))?\s*$/.exec(part);
    if (!m) throw new CliError(`--inputs: ranges like 1-8,12, got ${JSON.stringify(v)}`, 2, 'E_USAGE');
    const a = Number(m[1]);
    const b = m[2] === undefined ? a : Number(m[2]);
    if (b < a || b - a > 512) throw new CliError(`--inputs: bad range ${JSON.stringify(part)}`, 2, 'E_USAGE');
    for (let k = a; k <= b; k++) out.push(k);
  }
  return out;
}

function num(v: string | undefined, what: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new CliError(`${what}: a number, got ${JSON.stringify(v)}`, 2, 'E_USAGE');
  return n;
}

const f1 = (x: number | null) => (x === null ? '—' : `${x > 0 ? '+' : ''}${x.toFixed(1)}`);

function printListen(r: GainListen): void {
  process.stdout.write(`sound check on ${r.console}, ${r.seconds} s, target peak ${r.target_peak_dbfs} dBFS\n`);
  process.stdout.write('input  name          peak   3s-rms  crest  gain    →  new    change  48V  notes\n');
  for (const i of r.inputs) {
    // the silent ones are listed once below, not as rows
    if (!i.played && !i.clipped && i.codes.every((c) => c === 'E_GAIN_SILENT')) continue;
    process.stdout.write(
      `${String(i.input).padStart(5)}  ${(i.name ?? '').padEnd(12).slice(0, 12)}  ${f1(i.peak_dbfs).padStart(6)}  ${f1(i.short_term_dbfs).padStart(6)}  ${f1(i.crest_db).padStart(5)}  ${f1(i.gain_db).padStart(6)}  →  ${f1(i.proposed_gain_db).padStart(6)}  ${f1(i.change_db).padStart(6)}  ${i.phantom === null ? ' — ' : i.phantom ? 'on ' : 'off'}  ${i.notes.join('; ')}\n`,
    );
  }
  if (r.never_played.length) process.stdout.write(`never played: ${r.never_played.join(', ')}\n`);
  if (r.clipped.length) process.stdout.write(`clipped: ${r.clipped.join(', ')}\n`);
}

export function gainCommands(program: Command): void {
  const gain = program
    .command('gain')
    .description('gain staging from the sound check: listen while the band plays, then apply the proposed gains');
  const conn = (c: Command) =>
    c
      .option('--console <id>', 'console (default: the first)')
      .option('--inputs <list>', 'console inputs, e.g. 1-16,20 (default: all)')
      .option('--url <url>', 'daemon URL')
      .option('--token <token>', 'API token')
      .option('-c, --config <file>', 'settings file to find the daemon from')
      .option('--json', 'print JSON');
  conn(
    gain
      .command('listen')
      .description(
        "record each input's peak, loudest 3 s and crest factor while the band plays; propose the preamp gain that lands its peaks on the target",
      )
      .option('--seconds <s>', 'how long to listen', '30')
      .option('--target <dbfs>', 'peak target (default gain.target_peak_dbfs, −12)'),
  ).action(async (o: Conn & { seconds: string; target?: string; console?: string; inputs?: string }) => {
    const target = num(o.target, '--target');
    if (target !== undefined && (target > -1 || target < -40))
      throw new CliError(`--target ${target} dBFS is outside −40…−1 dBFS`, 2, 'E_GAIN_TARGET');
    const body = {
      seconds: num(o.seconds, '--seconds'),
      ...(o.console ? { console: o.console } : {}),
      ...(o.inputs ? { inputs: parseInputs(o.inputs) } : {}),
      ...(target !== undefined ? { target_peak_dbfs: target } : {}),
    };
    if (!o.json) process.stderr.write(`listening for ${o.seconds} s: have the band play…\n`);
    const r = await new DaemonClient(o).request<GainListen>('POST', '/api/v1/gain/listen', body);
    if (o.json) printJson(r);
    else printListen(r);
  });
  conn(
    gain
      .command('apply')
      .description(
        "move the preamp gains to the last listen's proposals in ≤ gain.step_db steps (nothing muted), listen again and report; exit 1 if an input missed the target by more than 1.5 dB",
      )
      .option('--seconds <s>', 'how long to listen again (default: as long as the last listen)'),
  ).action(async (o: Conn & { seconds?: string; console?: string; inputs?: string }) => {
    const body = {
      ...(o.seconds !== undefined ? { seconds: num(o.seconds, '--seconds') } : {}),
      ...(o.console ? { console: o.console } : {}),
      ...(o.inputs ? { inputs: parseInputs(o.inputs) } : {}),
    };
    if (!o.json) process.stderr.write('applying the gains, then listening again: keep the band playing…\n');
    const r = await new DaemonClient(o).request<GainApplyReport>('POST', '/api/v1/gain/apply', body);
    if (o.json) printJson(r);
    else {
      process.stdout.write(
        `${r.console}: ${r.results.length} gains moved in ${r.steps} step(s); target ${r.target_peak_dbfs} dBFS\n`,
      );
      for (const x of r.results)
        process.stdout.write(
          `${String(x.input).padStart(5)}  ${(x.name ?? '').padEnd(12).slice(0, 12)}  ${f1(x.from_gain_db)} → ${f1(x.to_gain_db)} dB  peak ${f1(x.peak_before_dbfs)} → ${f1(x.peak_after_dbfs)} dBFS  ${x.within ? 'ok' : `off by ${f1(x.error_db)} dB`}${x.notes.length ? `  (${x.notes.join('; ')})` : ''}\n`,
        );
      for (const f of r.failed) process.stdout.write(`input ${f.input}: not written: ${f.error}\n`);
      if (r.after.never_played.length) process.stdout.write(`never played: ${r.after.never_played.join(', ')}\n`);
    }
    if (!r.ok) process.exitCode = 1;
  });

  program
    .command('band <state>')
    .description('the simulated studio only: start (on) or stop (off) the simulated band of settings sim.band')
    .option('--url <url>', 'daemon URL')
    .option('--token <token>', 'API token')
    .option('-c, --config <file>', 'settings file to find the daemon from')
    .action(async (state: string, o: Conn) => {
      if (state !== 'on' && state !== 'off')
        throw new CliError(`band: on or off, got ${JSON.stringify(state)}`, 2, 'E_USAGE');
      const r = await new DaemonClient(o).request<{ playing: boolean; players: number }>('PUT', '/api/v1/sim/band', {
        playing: state === 'on',
      });
      process.stdout.write(`band ${r.playing ? 'playing' : 'stopped'} (${r.players} players)\n`);
    });
}
