import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadOrCreateToken, readToken } from '../../core/token.ts';
import { loadSettings, resolveConfigPath, SettingsError } from '../../settings/load.ts';
import { DaemonClient } from '../client.ts';
import { CliError, printJson } from '../output.ts';

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
    .command('token')
    .description("print the API token (data_dir/token, made at the daemon's first start), or make a new one")
    .option('-c, --config <file>', 'settings file (for data_dir)')
    .option('--rotate', 'replace it with a new token (the daemon picks it up within a second; old clients get 401)')
    .action((o: { config?: string; rotate?: boolean }) => {
      const file = resolveConfigPath(o.config);
      const s = existsSync(file) ? loadSettings(file) : undefined;
      if (s?.api.token) {
        if (o.rotate)
          throw new CliError(`the token is set in ${file} (api.token): change it there`, 2, 'E_TOKEN_FIXED');
        process.stdout.write(`${s.api.token}\n`);
        return;
      }
      const dataDir = resolve(s?.data_dir ?? process.env.RAD_DATA_DIR ?? 'data');
      if (!o.rotate && !readToken(dataDir))
        throw new CliError(
          `no token in ${dataDir} yet: start the daemon once (rad start), or make one with --rotate`,
          1,
          'E_NO_TOKEN',
        );
      process.stdout.write(`${loadOrCreateToken(dataDir, o.rotate === true)}\n`);
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
