import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { Bus } from '../../core/bus.ts';
import { writeFileAtomic } from '../../core/atomic.ts';
import { silentLogger } from '../../core/logger.ts';
import { createConsole, defaultPort } from '../../console/factory.ts';
import type { Console, ConsoleState, RestoreReport, SceneRecallReport, WriteReport } from '../../console/model.ts';
import { DaemonClient } from '../client.ts';
import { CliError, printJson } from '../output.ts';
import { progressBar } from '../progress.ts';

type Target = {
  host?: string;
  midiPort?: string;
  port?: string;
  family?: string;
  console?: string;
  url?: string;
  token?: string;
  config?: string;
  json?: boolean;
};

/** --host or --midi-port: talk to the console itself, not through the daemon. */
const isDirect = (o: Target): boolean => o.host !== undefined || o.midiPort !== undefined;

/** Direct session with a console (no daemon): the same console service the daemon runs. */
async function directAny<T>(o: Target, fn: (c: Console) => Promise<T>): Promise<T> {
  const family = o.family ?? 'x32';
  if (family !== 'x32' && family !== 'sq' && family !== 'qu')
    throw new CliError(`family ${family} is not supported (x32, sq, qu)`, 2, 'E_FAMILY');
  const port = o.port === undefined ? defaultPort(family) : Number(o.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new CliError(`--port ${o.port} is not a port (1..65535)`, 2, 'E_USAGE');
  if (o.midiPort !== undefined && family === 'x32')
    throw new CliError(
      '--midi-port is for SQ and Qu (--family sq|qu); an X32 speaks OSC over UDP (--host)',
      2,
      'E_USAGE',
    );
  const where = o.midiPort !== undefined ? { midi_port: o.midiPort } : { host: o.host!, port };
  const id = o.midiPort ?? o.host!;
  // the same console service the daemon runs, from the same factory
  const c: Console = createConsole(
    { id, family, ...where },
    { bus: new Bus(), log: silentLogger() },
    { x32: { meterBanks: [] } },
  );
  await c.start();
  try {
    const st = c.status();
    if (st.state === 'offline' || st.state === 'starting')
      throw new CliError(
        `console at ${o.midiPort !== undefined ? `MIDI port ${o.midiPort}` : `${o.host}:${port}`} does not answer (${st.detail ?? st.state})`,
        1,
        'E_CONSOLE_OFFLINE',
      );
    return await fn(c);
  } finally {
    await c.stop();
  }
}

async function firstConsole(client: DaemonClient, id?: string): Promise<string> {
  if (id) return id;
  const r = await client.request<{ consoles: Array<{ id: string }> }>('GET', '/api/v1/consoles');
  if (r.consoles.length === 0) throw new CliError('the daemon has no consoles configured', 2, 'E_NO_CONSOLE');
  return r.consoles[0]!.id;
}

function parseValue(v: string): number | string | boolean | null {
  if (v === 'true' || v === 'on' || v === 'ON') return true;
  if (v === 'false' || v === 'off' || v === 'OFF') return false;
  if (v === '-oo' || v === '-inf') return '-inf';
  if (/^[+-]?(\d+\.?\d*|\.\d+)$/.test(v)) return Number(v);
  return v;
}

function addTargetOptions(cmd: Command): Command {
  return cmd
    .option('--host <host>', 'talk to this console directly (no daemon needed)')
    .option('--port <port>', 'console port (X32: 10023, SQ and Qu: 51325)')
    .option('--midi-port <name>', 'SQ/Qu over a USB/ALSA MIDI port instead of TCP (no daemon needed)')
    .option('--family <family>', 'console family: x32 | sq | qu', 'x32')
    .option('--console <id>', 'console id on the daemon (when --host is not given)')
    .option('--url <url>', 'daemon URL')
    .option('--token <token>', 'API token')
    .option('-c, --config <file>', 'settings file to find the daemon from')
    .option('--json', 'print JSON');
}

function printWrite(r: WriteReport, json?: boolean): void {
  if (json) {
    printJson(r);
    return;
  }
  for (const x of r.results)
    process.stdout.write(`${x.address} = ${JSON.stringify(x.actual)} (${x.verdict}${x.error ? `: ${x.error}` : ''})\n`);
}

export function consoleCommands(program: Command): void {
  const con = program
    .command('console')
    .description('read and write a console (directly with --host, or through the daemon)');

  addTargetOptions(
    con
      .command('capture')
      .description('capture the full console state (X32: scene text; SQ/Qu: the synced model as JSON)')
      .option('-o, --out <file>', 'write the scene file here'),
  ).action(async (o: Target & { out?: string }) => {
    const bar = progressBar('capture', !o.json && process.stderr.isTTY === true);
    let r: ConsoleState;
    if (isDirect(o)) r = await directAny(o, (c) => c.capture({ onProgress: (d, t) => bar.update(d, t) }));
    else {
      const client = new DaemonClient(o);
      r = await client.request<ConsoleState>(
        'POST',
        `/api/v1/consoles/${encodeURIComponent(await firstConsole(client, o.console))}/capture`,
        {},
      );
    }
    bar.stop();
    if (o.out) writeFileAtomic(o.out, r.text);
    if (o.json)
      printJson({
        lines: r.lines,
        seconds: r.seconds,
        retries: r.retries,
        missing: r.missing,
        ...(o.out ? { out: o.out } : { text: r.text }),
      });
    else {
      if (!o.out) process.stdout.write(r.text);
      process.stderr.write(
        `${r.lines} lines in ${r.seconds.toFixed(3)} s, ${r.retries} retries${r.missing.length ? `, MISSING ${r.missing.length}: ${r.missing.slice(0, 10).join(' ')}` : ''}\n`,
      );
    }
    if (r.missing.length > 0) process.exitCode = 1;
  });

  addTargetOptions(
    con
      .command('apply')
      .description('apply a state file (X32 .scn; SQ/Qu model JSON), then read every value back')
      .argument('<file>', '.scn file')
      .option('--partial', 'apply the valid lines of a file that has broken ones')
      .option('--only-changed', 'send only lines that differ from the console'),
  ).action(async (file: string, o: Target & { partial?: boolean; onlyChanged?: boolean }) => {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      throw new CliError(
        `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
        2,
        'E_FILE',
      );
    }
    let r: RestoreReport;
    if (isDirect(o))
      r = await directAny(o, (c) => c.restore(text, { partial: o.partial, onlyChanged: o.onlyChanged, actor: 'cli' }));
    else {
      const client = new DaemonClient(o);
      r = await client.request<RestoreReport>(
        'POST',
        `/api/v1/consoles/${encodeURIComponent(await firstConsole(client, o.console))}/apply`,
        {
          text,
          partial: o.partial,
          only_changed: o.onlyChanged,
        },
      );
    }
    if (o.json) printJson(r);
    else {
      process.stdout.write(
        `applied ${r.applied}, verified ${r.verified}, mismatched ${r.mismatched}, failed ${r.failed}, skipped ${r.skipped.length} (${r.seconds.toFixed(3)} s)\n`,
      );
      for (const l of r.lines.filter((x) => x.status !== 'verified')) {
        process.stdout.write(
          `  line ${l.line} ${l.path}: ${l.status}${l.diffs ? ` ${l.diffs.map((d) => `${d.address} wanted ${d.wanted} got ${d.got}`).join('; ')}` : ''}\n`,
        );
      }
      for (const s of r.skipped) process.stdout.write(`  line ${s.line}: skipped: ${s.reason}\n`);
    }
    if (r.mismatched + r.failed > 0) process.exitCode = 1;
  });

  const scene = con.command('scene').description('console scenes');
  addTargetOptions(
    scene
      .command('recall')
      .description('recall a stored scene (X32 0–99, SQ 1–300, Qu 1–100) and re-read the console')
      .argument('<number>'),
  ).action(async (number: string, o: Target) => {
    const n = Number(number);
    if (!Number.isInteger(n)) throw new CliError(`scene number must be an integer (got ${number})`, 2, 'E_USAGE');
    let r: SceneRecallReport;
    if (isDirect(o)) r = await directAny(o, (c) => c.recallScene(n, 'cli'));
    else {
      const client = new DaemonClient(o);
      r = await client.request<SceneRecallReport>(
        'POST',
        `/api/v1/consoles/${encodeURIComponent(await firstConsole(client, o.console))}/scenes/recall`,
        { number: n },
      );
    }
    if (o.json) printJson(r);
    else
      process.stdout.write(
        `${r.console}: scene ${r.scene} recalled, ${r.changed} values changed (${r.seconds.toFixed(2)} s)\n`,
      );
  });

  addTargetOptions(
    con
      .command('get')
      .description('read a value (neutral path like input/3/fader, or an X32 address)')
      .argument('<path>'),
  ).action(async (path: string, o: Target) => {
    let value: unknown;
    if (isDirect(o)) value = await directAny(o, async (c) => c.get(path) ?? null);
    else {
      const client = new DaemonClient(o);
      value = (
        await client.request<{ value: unknown }>(
          'GET',
          `/api/v1/consoles/${encodeURIComponent(await firstConsole(client, o.console))}/values?path=${encodeURIComponent(path)}`,
        )
      ).value;
    }
    if (o.json) printJson({ path, value });
    else process.stdout.write(`${value === null ? '-oo' : String(value)}\n`);
  });

  addTargetOptions(
    con
      .command('set')
      .description('set a value in engineering units (dB, Hz, names); read back and verified')
      .argument('<path>')
      .argument('<value>')
      .option('--raw', 'the value is the raw wire value (float 0..1, int or string)'),
  ).action(async (path: string, value: string, o: Target & { raw?: boolean }) => {
    const v = parseValue(value);
    let r: WriteReport;
    if (isDirect(o)) r = await directAny(o, (c) => c.write([{ path, value: v, raw: o.raw }], 'cli'));
    else {
      const client = new DaemonClient(o);
      r = await client.request<WriteReport>(
        'PUT',
        `/api/v1/consoles/${encodeURIComponent(await firstConsole(client, o.console))}/values`,
        { path, value: v, raw: o.raw },
      );
    }
    printWrite(r, o.json);
    if (!r.ok) process.exitCode = 1;
  });
}
