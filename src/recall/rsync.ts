import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fail } from '../core/errors.ts';

/**
 * rsync destinations, as rsync itself reads them: `rsync://[user@]host[:port]/module/path`,
 * `[user@]host::module/path` (daemon) or `[user@]host:path` (over ssh). A local path never has a
 * colon before its first slash.
 */
export function isRemoteTarget(t: string): boolean {
  if (/^rsync:\/\/[^/\s]+\/\S+/.test(t)) return true;
  return /^(?:[A-Za-z0-9_.-]+@)?[A-Za-z0-9_.[\]-]+::?[^\s]*$/.test(t) && !/^[A-Za-z]:[\\/]/.test(t);
}

/** A remote folder, written as rsync wants it for "the contents of" (trailing slash). */
const dir = (t: string) => (t.endsWith('/') ? t : `${t}/`);

export type RsyncOptions = {
  /** I/O timeout (rsync --timeout), seconds. */
  timeoutS?: number;
  /** A password file for rsync:// daemons with auth users (rsync --password-file). */
  passwordFile?: string;
};

/** Runs the system rsync with an argument list (never a shell); its last error line on failure. */
export function rsync(args: string[], o: RsyncOptions = {}): Promise<{ stdout: string }> {
  const full = [
    '--timeout',
    String(o.timeoutS ?? 120),
    ...(o.passwordFile ? ['--password-file', o.passwordFile] : []),
    ...args,
  ];
  return new Promise((resolve, reject) => {
    let child: ReturnType<typeof spawn>;
    try {
      child = spawn('rsync', full, { stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (e) {
      reject(fail('E_BACKUP_RSYNC', `cannot run rsync: ${(e as Error).message}`, {}));
      return;
    }
    let out = '';
    let err = '';
    child.stdout!.on('data', (d) => (out += d));
    child.stderr!.on('data', (d) => (err += d));
    child.on('error', (e: NodeJS.ErrnoException) =>
      reject(
        fail(
          'E_BACKUP_RSYNC',
          e.code === 'ENOENT' ? 'rsync is not installed (apt install rsync)' : `rsync: ${e.message}`,
          {},
        ),
      ),
    );
    child.on('close', (code) => {
      if (code === 0) return resolve({ stdout: out });
      const lines = err.trim().split('\n').filter(Boolean);
      const why = lines.find((l) => /error|failed|denied|refused|unknown module|No such/i.test(l)) ?? lines.at(-1);
      reject(
        fail('E_BACKUP_RSYNC', `rsync exited with ${code}: ${why ?? 'no message'}`, {
          exit_code: code,
          stderr: lines.slice(-5),
        }),
      );
    });
  });
}

/**
 * Sends a finished local backup to a remote in three steps, so the remote is never a backup that
 * looks whole but is not: an in-progress marker first (`markerFile`, a local file named like the
 * marker), then the files (the old manifest and the marker stay), then the new manifest, with
 * the marker deleted because the local backup has none.
 */
export async function pushBackup(
  local: string,
  remote: string,
  markerFile: string,
  manifest: string,
  db: string,
  o: RsyncOptions,
): Promise<{ bytesSent: number | undefined }> {
  const marker = markerFile.split('/').at(-1)!;
  await rsync(['-a', '--mkpath', markerFile, dir(remote)], o);
  // rsync's quick check compares size and mtime in whole seconds by default: a file rewritten
  // within the same second with the same size (the database, twice in a minute) would be skipped.
  // --modify-window=-1 compares nanoseconds too (receivers since rsync 3.1.3; a filesystem without
  // them just resends), and the database always goes with -I (whole-file check, delta transfer).
  const quick = ['-a', '--modify-window=-1', '--exclude=*.rad-tmp'];
  const { stdout } = await rsync(
    [...quick, '--delete', '--stats', `--exclude=/${manifest}`, `--exclude=/${marker}`, dir(local), dir(remote)],
    o,
  );
  if (existsSync(join(local, db))) await rsync([...quick, '-I', join(local, db), dir(remote)], o);
  await rsync([...quick, '--delete', dir(local), dir(remote)], o);
  const sent = /Total transferred file size: ([\d,.]+) bytes/.exec(stdout)?.[1];
  return { bytesSent: sent ? Number(sent.replace(/[,.]/g, '')) : undefined };
}

/** Fetches a remote backup into a local folder (to verify it here, byte for byte). */
export async function pullBackup(remote: string, local: string, o: RsyncOptions): Promise<void> {
  await rsync(['-a', '--delete', dir(remote), dir(local)], o);
}
