import type { Command } from 'commander';
import WebSocket from 'ws';
import { DaemonClient } from '../client.ts';
import { CliError, printJson } from '../output.ts';

type Conn = { url?: string; token?: string; config?: string; json?: boolean };

const conn = (c: Command) =>
  c
    .option('--url <url>', 'daemon URL')
    .option('--token <token>', 'API token')
    .option('-c, --config <file>', 'settings file to find the daemon from')
    .option('--json', 'print JSON');

function num(v: string, what: string): number {
  const n = Number(v);
  if (!Number.isFinite(n)) throw new CliError(`${what} ${JSON.stringify(v)} is not a number`, 2, 'E_USAGE');
  return n;
}

/** Streams one bus topic from the daemon until `seconds` pass (or forever). */
async function stream(
  client: DaemonClient,
  token: string | undefined,
  topic: string,
  seconds: number | undefined,
  onEvent: (payload: unknown) => void,
): Promise<void> {
  const ws = new WebSocket(
    `${client.base.replace(/^http/, 'ws')}/api/v1/events?topics=${topic}`,
    token ? { headers: { authorization: `Bearer ${token}` } } : {},
  );
  await new Promise<void>((resolve, reject) => {
    ws.on('message', (d) => {
      const m = JSON.parse(String(d)) as { topic: string; payload: unknown };
      if (m.topic === topic) onEvent(m.payload);
    });
    ws.on('error', (e) => reject(new CliError(`event stream failed: ${e.message}`, 1, 'E_EVENTS')));
    ws.on('close', () => resolve());
    if (seconds !== undefined) setTimeout(() => ws.close(), seconds * 1000);
    process.once('SIGINT', () => ws.close());
  });
}

export function audioCommands(program: Command): void {
  const tone = program.command('tone').description('tone out: play a sine on an interface output, or stop it');
  conn(
    tone
      .command('on')
      .argument('<output>', 'interface output (1-based)')
      .option('--freq <hz>', 'frequency in Hz', '1000')
      .option('--level <dbfs>', 'level in dBFS (AES17; alignment is -18 EBU / -20 SMPTE)', '-18'),
  ).action(async (output: string, o: Conn & { freq: string; level: string }) => {
    const client = new DaemonClient(o);
    const signal = { kind: 'sine', freq: num(o.freq, '--freq'), level_dbfs: num(o.level, '--level') };
    const r = await client.request('PUT', `/api/v1/audio/outputs/${encodeURIComponent(output)}`, { signal });
    if (o.json) printJson(r);
    else process.stdout.write(`output ${output}: ${signal.freq} Hz at ${signal.level_dbfs} dBFS\n`);
  });
  conn(tone.command('off').argument('<output>', "interface output, or 'all'")).action(
    async (output: string, o: Conn) => {
      const client = new DaemonClient(o);
      const r = await client.request(
        'DELETE',
        output === 'all' ? '/api/v1/audio/outputs' : `/api/v1/audio/outputs/${encodeURIComponent(output)}`,
      );
      if (o.json) printJson(r);
      else process.stdout.write(`${output === 'all' ? 'all outputs' : `output ${output}`}: off\n`);
    },
  );

  conn(
    program
      .command('meters')
      .description('input meters (AES17 RMS and peak, dBFS)')
      .option('--watch', 'keep printing (20 Hz max)'),
  ).action(async (o: Conn & { watch?: boolean }) => {
    const client = new DaemonClient(o);
    const show = (m: { rms: number[]; peak: number[] } | null) => {
      if (o.json) return printJson(m);
      if (!m) return process.stdout.write('no meter readings yet\n');
      process.stdout.write(
        `${m.rms.map((r, i) => `in ${String(i + 1).padStart(2)}: ${r <= -200 ? '  -inf' : r.toFixed(1).padStart(6)} rms ${m.peak[i]! <= -200 ? '  -inf' : m.peak[i]!.toFixed(1).padStart(6)} pk`).join('\n')}\n`,
      );
    };
    if (!o.watch) {
      show(
        (await client.request<{ meters: { rms: number[]; peak: number[] } | null }>('GET', '/api/v1/audio/meters'))
          .meters,
      );
      return;
    }
    await stream(client, client.token, 'audio.meters', undefined, (p) => {
      const ch = (p as { channels: Array<{ rms_dbfs: number; peak_dbfs: number }> }).channels;
      if (o.json) process.stdout.write(`${JSON.stringify(ch)}\n`);
      else
        process.stdout.write(
          `${ch.map((c) => (c.rms_dbfs <= -200 ? ' -inf' : c.rms_dbfs.toFixed(0).padStart(5))).join(' ')}\n`,
        );
    });
  });

  conn(
    program
      .command('tune')
      .description('tuner: pitch and cents of what arrives on an input')
      .argument('<input>')
      .option('--seconds <n>', 'stop after n seconds'),
  ).action(async (input: string, o: Conn & { seconds?: string }) => {
    const client = new DaemonClient(o);
    await client.request('PUT', '/api/v1/audio/tuner', { input: num(input, 'input') });
    try {
      await stream(client, client.token, 'audio.tuner', o.seconds ? num(o.seconds, '--seconds') : undefined, (p) => {
        const t = p as { hz: number | null; note: string | null; cents: number | null };
        if (o.json) process.stdout.write(`${JSON.stringify(t)}\n`);
        else
          process.stdout.write(
            t.hz === null
              ? '  --  (no pitch)\n'
              : `${t.note!.padEnd(4)} ${t.cents! >= 0 ? '+' : ''}${t.cents!.toFixed(1)} cents  (${t.hz.toFixed(2)} Hz)\n`,
          );
      });
    } finally {
      await client.request('PUT', '/api/v1/audio/tuner', { input: null });
    }
  });
}
