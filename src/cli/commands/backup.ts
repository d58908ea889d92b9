import type { Command } from 'commander';
import { resolve } from 'node:path';
import { BackupService, type backup, restoreBackup, verifyBackup } from '../../recall/backup.ts';
import { isRemoteTarget } from '../../recall/rsync.ts';
import { copyDatabaseFile } from '../../store/db.ts';
import { loadSettings, resolveConfigPath } from '../../settings/load.ts';
import { DaemonClient } from '../client.ts';
import { CliError, printJson } from '../output.ts';

function dataDirFrom(o: { dataDir?: string; config?: string }): string {
  if (o.dataDir) return o.dataDir;
  try {
    return loadSettings(resolveConfigPath(o.config)).data_dir;
  } catch (e) {
    throw new CliError(
      `give --data-dir, or a settings file with data_dir (${(e as Error).message.split('\n')[0]})`,
      2,
      'E_USAGE',
    );
  }
}

/** This process's own backup service (no daemon here): the target is the user's to name. */
function localService(dataDir: string, target: string): BackupService {
  const kv = new Map<string, unknown>();
  return new BackupService({
    dataDir,
    copyDb: (file) => copyDatabaseFile(dataDir, file),
    localTarget: (t) => resolve(t),
    exclude: () => [],
    remotes: [target],
    bus: { emit: () => {} },
    kv: { get: (k) => kv.get(k), set: (k, v) => kv.set(k, v) },
    log: { info: () => {}, error: () => {} },
  });
}

export function backupCommands(program: Command): void {
  program
    .command('backup')
    .description(
      'back up all data (database online, prints, exports) with a SHA-256 manifest to a folder or an rsync destination (user@host:path, rsync://host/module/path); `rad backup verify TARGET` re-hashes',
    )
    .argument('<target>', "backup folder or rsync destination, or 'verify'")
    .argument('[folder]', 'the backup folder to verify')
    .option('--data-dir <dir>', 'data directory (default: from the settings)')
    .option('-c, --config <file>', 'settings file')
    .option('--url <url>', 'daemon URL')
    .option('--token <token>', 'API token')
    .option('--local', 'copy the data directory from this process even when a daemon runs')
    .option('--verify', 'after the backup, re-hash the copy (a remote one is fetched back first)')
    .option('--json', 'print JSON')
    .action(
      async (
        target: string,
        folder: string | undefined,
        o: {
          dataDir?: string;
          config?: string;
          url?: string;
          token?: string;
          local?: boolean;
          json?: boolean;
          verify?: boolean;
        },
      ) => {
        if (target === 'verify') {
          if (!folder) throw new CliError('usage: rad backup verify TARGET', 2, 'E_USAGE');
          const v = isRemoteTarget(folder)
            ? await localService('/nonexistent', folder).verify(folder)
            : verifyBackup(folder);
          if (o.json) printJson(v);
          else {
            for (const b of v.bad) process.stdout.write(`BAD  ${b.path}: ${b.problem}\n`);
            process.stdout.write(`${folder}: ${v.files} files, ${v.ok ? 'all verified' : `${v.bad.length} bad`}\n`);
          }
          if (!v.ok) process.exitCode = 1;
          return;
        }
        // a running daemon makes the backup (it owns the data directory, and its database copy is
        // online); the target is then one of its backup folders (a relative name lands in the first)
        let r: (Awaited<ReturnType<typeof backup>> & { verified?: boolean; bad?: unknown[] }) | undefined;
        if (!o.local && !o.dataDir) {
          let client: DaemonClient | undefined;
          try {
            client = new DaemonClient(o);
            await client.request('GET', '/api/v1/status');
          } catch {
            client = undefined; // no daemon here: back up from this process
          }
          if (client)
            r = await client.request<NonNullable<typeof r>>('POST', '/api/v1/backup', {
              target,
              ...(o.verify ? { verify: true } : {}),
            });
        }
        if (!r) {
          const dataDir = dataDirFrom(o);
          r = await localService(dataDir, target).run(target, 'cli', { verify: o.verify });
        }
        if (o.json) printJson(r);
        else
          process.stdout.write(
            `${r.target}: ${r.files} files, ${r.copied} copied (${(r.bytes_copied / 1e6).toFixed(1)} MB), ${r.skipped} unchanged, ${r.seconds.toFixed(2)} s${r.verified === undefined ? '' : r.verified ? ', verified' : `, ${r.bad?.length ?? 0} BAD`}\n`,
          );
        if (r.verified === false) process.exitCode = 1;
      },
    );

  program
    .command('restore')
    .description('bring a backup back into an empty data directory (verified first)')
    .argument('<target>', 'backup folder')
    .requiredOption('--data-dir <dir>', 'the empty data directory to fill')
    .option('--json', 'print JSON')
    .action((target: string, o: { dataDir: string; json?: boolean }) => {
      const r = restoreBackup(target, o.dataDir);
      if (o.json) printJson(r);
      else process.stdout.write(`${o.dataDir}: ${r.files} files restored\n`);
    });
}
