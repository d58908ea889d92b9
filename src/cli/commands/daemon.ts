import type { Command } from 'commander';
import { loadSettings, SettingsError } from '../../settings/load.ts';
import { DaemonClient } from '../client.ts';
import { printJson } from '../output.ts';

type DeviceRow = { id: string; kind: string; state: string; since: string; detail?: string };

export function daemonCommands(program: Command, runDaemon: (configFlag: string | undefined) => Promise<number>): void {
  program
    .command('start')
    .description('run the daemon (settings from --config, $RAD_CONFIG or /etc/rad/studio.yaml)')
    .option('-c, --config <file>', 'settings file')
    .action(async (o: { config?: string }) => {
      process.exitCode = await runDaemon(o.config);
    });

  program
    .command('check-config')
    .description('validate a settings file; prints every problem as `path: message` (exit 2 if any)')
    .argument('<file>', 'settings file')
    .option('--json', 'print JSON')
    .action((file: string, o: { json?: boolean }) => {
      try {
        const s = loadSettings(file, {});
        if (o.json) printJson({ ok: true, file, consoles: s.consoles.length });
        else process.stdout.write(`${file}: ok\n`);
      } catch (e) {
        if (!(e instanceof SettingsError)) throw e;
        if (o.json) printJson({ ok: false, file, problems: e.problems });
        else process.stderr.write(`${e.problems.join('\n')}\n`);
        process.exitCode = 2;
      }
    });

  program
    .command('status')
    .description("ask a running daemon for every device's status")
    .option('--url <url>', 'daemon URL (else $RAD_URL, else from the config)')
    .option('--token <token>', 'API token (else $RAD_TOKEN, else from the config)')
    .option('-c, --config <file>', 'settings file to find the daemon from')
    .option('--json', 'print JSON')
    .action(async (o: { url?: string; token?: string; config?: string; json?: boolean }) => {
      const client = new DaemonClient(o);
      const st = await client.request<{ ready: boolean; version: string; devices: DeviceRow[] }>(
        'GET',
        '/api/v1/status',
      );
      if (o.json) return printJson(st);
      process.stdout.write(`rad ${st.version} at ${client.base}: ${st.ready ? 'ready' : 'not ready'}\n`);
      const w = Math.max(6, ...st.devices.map((d) => d.id.length));
      for (const d of st.devices) {
        process.stdout.write(`  ${d.id.padEnd(w)}  ${d.kind.padEnd(9)}  ${d.state.padEnd(8)}  ${d.detail ?? ''}\n`);
      }
      if (st.devices.length === 0) process.stdout.write('  (no devices configured)\n');
    });
}
