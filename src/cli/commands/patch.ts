import type { Command } from 'commander';
import { DaemonClient } from '../client.ts';
import { CliError, printJson } from '../output.ts';

type Conn = { url?: string; token?: string; config?: string; json?: boolean };
type MapRow = { output: number; output_label: string; input: number | null; input_label: string | null };
type View = {
  id: string;
  state: string;
  detail?: string;
  protocol: string;
  link: string;
  inputs: number;
  outputs: number;
  map: MapRow[];
};

const conn = (c: Command) =>
  c
    .option('--url <url>', 'daemon URL')
    .option('--token <token>', 'API token')
    .option('-c, --config <file>', 'settings file to find the daemon from')
    .option('--json', 'print JSON');

function int(v: string, what: string): number {
  if (!/^\d+$/.test(v)) throw new CliError(`${what} ${JSON.stringify(v)} is not a number`, 2, 'E_USAGE');
  return Number(v);
}

export function patchCommands(program: Command): void {
  const patch = program.command('patch').description('patchbays and routing switchers');

  conn(patch.command('list').description('every patchbay with its status')).action(async (o: Conn) => {
    const r = await new DaemonClient(o).request<{ patchbays: View[] }>('GET', '/api/v1/patchbays');
    if (o.json) return printJson(r);
    for (const p of r.patchbays)
      process.stdout.write(
        `${p.id.padEnd(12)} ${p.protocol.padEnd(13)} ${p.inputs}x${p.outputs}  ${p.state.padEnd(8)} ${p.detail ?? p.link}\n`,
      );
    if (r.patchbays.length === 0) process.stdout.write('(no patchbays configured)\n');
  });

  conn(
    patch
      .command('route')
      .description("tie an input to an output ('off' or 0 disconnects); read back and verified")
      .argument('<device>')
      .argument('<output>')
      .argument('<input>'),
  ).action(async (device: string, output: string, input: string, o: Conn) => {
    const tie = { output: int(output, 'output'), input: input === 'off' || input === '0' ? null : int(input, 'input') };
    const r = await new DaemonClient(o).request<{ verified: boolean }>(
      'PUT',
      `/api/v1/patchbays/${encodeURIComponent(device)}/ties`,
      { ties: [tie] },
    );
    if (o.json) return printJson(r);
    process.stdout.write(
      `${device}: output ${tie.output} <- ${tie.input === null ? 'nothing' : `input ${tie.input}`} (verified)\n`,
    );
  });

  conn(
    patch
      .command('trace')
      .description('trace a path: a source (tie:3) forward, or a console input (x32-main:in:7) backward')
      .argument('<endpoint>'),
  ).action(async (endpoint: string, o: Conn) => {
    type Trace = {
      direction: string;
      paths: Array<{ source: string; destination: string; hops: Array<{ why: string }> }>;
      warnings: string[];
    };
    const r = await new DaemonClient(o).request<Trace>('GET', `/api/v1/trace/${encodeURIComponent(endpoint)}`);
    if (o.json) return printJson(r);
    if (r.paths.length === 0)
      process.stdout.write(`${endpoint}: nothing ${r.direction === 'forward' ? 'reached from it' : 'reaches it'}\n`);
    for (const p of r.paths)
      process.stdout.write(`${p.source} → ${p.destination}\n${p.hops.map((h) => `    via ${h.why}`).join('\n')}\n`);
    for (const w of r.warnings) process.stdout.write(`warning: ${w}\n`);
  });

  conn(patch.command('read').description('read the whole map from the device').argument('<device>')).action(
    async (device: string, o: Conn) => {
      const client = new DaemonClient(o);
      await client.request('GET', `/api/v1/patchbays/${encodeURIComponent(device)}/map`);
      const v = await client.request<View>('GET', `/api/v1/patchbays/${encodeURIComponent(device)}`);
      if (o.json) return printJson(v);
      for (const m of v.map)
        process.stdout.write(
          `${String(m.output).padStart(3)} ${m.output_label.padEnd(16)} <- ${m.input === null ? '(none)' : `${String(m.input).padStart(3)} ${m.input_label}`}\n`,
        );
    },
  );
}
