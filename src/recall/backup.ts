import { TOKEN_FILE } from '../core/token.ts';
import { createHash } from 'node:crypto';
import {
  closeSync,
  copyFileSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  renameSync,
  rmSync,
  statSync,
  realpathSync,
} from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { writeFileAtomic } from '../core/atomic.ts';
import { copyDatabaseFile } from '../store/db.ts';
import { fail, RadError } from '../core/errors.ts';

export type ManifestEntry = { path: string; size: number; mtime_ms: number; sha256: string };
export type Manifest = { format: 'rad-backup-1'; created_at: string; files: ManifestEntry[] };
export type BackupReport = {
  target: string;
  files: number;
  copied: number;
  skipped: number;
  bytes_copied: number;
  seconds: number;
};

const DB = 'rad.sqlite';
const MANIFEST = 'manifest.json';
/** Present while a backup runs: a backup cut short (kill -9, power cut) says so instead of lying. */
const IN_PROGRESS = '.backup-in-progress';

export function sha256File(path: string): string {
  const h = createHash('sha256');
  const fd = openSync(path, 'r');
  const buf = Buffer.alloc(4 * 1024 * 1024);
  try {
    for (let n = readSync(fd, buf, 0, buf.length, null); n > 0; n = readSync(fd, buf, 0, buf.length, null))
      h.update(buf.subarray(0, n));
  } finally {
    closeSync(fd);
  }
  return h.digest('hex');
}

function walk(root: string, dir = root, out: string[] = []): string[] {
  if (!existsSync(dir)) return out;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(root, p, out);
    else if (e.isFile()) out.push(relative(root, p));
  }
  return out;
}

/** Copies through a temp file with fsync, then renames: a crash never leaves half a file under the final name. */
function copyAtomic(src: string, dst: string): void {
  mkdirSync(dirname(dst), { recursive: true });
  const tmp = `${dst}.rad-tmp`;
  copyFileSync(src, tmp);
  const fd = openSync(tmp, 'r+');
  fsyncSync(fd);
  closeSync(fd);
  renameSync(tmp, dst);
}

function readManifest(target: string): Manifest | undefined {
  const p = join(target, MANIFEST);
  if (!existsSync(p)) return undefined;
  const m = JSON.parse(readFileSync(p, 'utf8')) as Manifest;
  if (m.format !== 'rad-backup-1') throw new RadError('E_BACKUP_FORMAT', `${p}: not a rad backup manifest`);
  return m;
}

/**
 * Backs up the data directory: the database through SQLite's online backup (consistent while
 * the daemon runs), every other file (prints, exports) copied only when it changed since the
 * last backup to the same target; a SHA-256 manifest written last, atomically.
 */
export async function backup(
  dataDir: string,
  target: string,
  copyDb: (file: string) => Promise<void> = (file) => copyDatabaseFile(dataDir, file),
  /** Folders never copied (the backup folders themselves when they live in the data directory). */
  exclude: string[] = [],
): Promise<BackupReport> {
  const t0 = performance.now();
  try {
    mkdirSync(target, { recursive: true });
  } catch (e) {
    throw fail('E_BACKUP_TARGET', `cannot create ${target} (${(e as NodeJS.ErrnoException).code})`, { target });
  }
  const previous = new Map((readManifest(target)?.files ?? []).map((f) => [f.path, f]));
  writeFileAtomic(join(target, IN_PROGRESS), new Date().toISOString());
  const files: ManifestEntry[] = [];
  let copied = 0;
  let skipped = 0;
  let bytes = 0;
  // the database: an online backup into a temp file, renamed when complete
  if (existsSync(join(dataDir, DB))) {
    const tmp = join(target, `${DB}.rad-tmp`);
    await copyDb(tmp);
    const fd = openSync(tmp, 'r+');
    fsyncSync(fd);
    closeSync(fd);
    renameSync(tmp, join(target, DB));
    const st = statSync(join(target, DB));
    files.push({ path: DB, size: st.size, mtime_ms: st.mtimeMs, sha256: sha256File(join(target, DB)) });
    copied++;
    bytes += st.size;
  }
  // a target inside the data directory (the default, data_dir/backups) is not backed up into itself;
  // the API token stays on this machine
  const realData = realpathSync(dataDir);
  const excluded = [target, ...exclude]
    .filter((d) => existsSync(d))
    .map((d) => relative(realData, realpathSync(d)))
    .filter((r) => r !== '' && !r.startsWith('..'));
  const insideTarget = (rel: string) => excluded.some((s) => rel === s || rel.startsWith(`${s}/`));
  for (const rel of walk(dataDir)) {
    if (
      insideTarget(rel) ||
      rel === TOKEN_FILE ||
      rel === DB ||
      rel.startsWith(`${DB}-`) ||
      rel.endsWith('.tmp') ||
      rel.endsWith('.rad-tmp') ||
      rel === IN_PROGRESS
    )
      continue;
    const src = join(dataDir, rel);
    const st = statSync(src);
    const prev = previous.get(rel);
    if (prev && prev.size === st.size && prev.mtime_ms === st.mtimeMs && existsSync(join(target, rel))) {
      files.push(prev);
      skipped++;
      continue;
    }
    copyAtomic(src, join(target, rel));
    files.push({ path: rel, size: st.size, mtime_ms: st.mtimeMs, sha256: sha256File(join(target, rel)) });
    copied++;
    bytes += st.size;
  }
  const manifest: Manifest = { format: 'rad-backup-1', created_at: new Date().toISOString(), files };
  writeFileAtomic(join(target, MANIFEST), `${JSON.stringify(manifest, null, 1)}\n`);
  rmSync(join(target, IN_PROGRESS), { force: true });
  return {
    target,
    files: files.length,
    copied,
    skipped,
    bytes_copied: bytes,
    seconds: (performance.now() - t0) / 1000,
  };
}

/** Re-hashes every file of a backup; names each file whose hash or size is wrong, or that is missing. */
export function verifyBackup(target: string): {
  ok: boolean;
  files: number;
  bad: Array<{ path: string; problem: string }>;
} {
  const m = readManifest(target);
  if (!m) {
    if (existsSync(join(target, IN_PROGRESS)))
      return {
        ok: false,
        files: 0,
        bad: [{ path: '(backup)', problem: 'interrupted before its first manifest: run the backup again' }],
      };
    throw fail('E_BACKUP_MISSING', `${target} has no ${MANIFEST}: not a rad backup`, { target });
  }
  const bad: Array<{ path: string; problem: string }> = [];
  if (existsSync(join(target, IN_PROGRESS)))
    bad.push({ path: '(backup)', problem: 'interrupted before it finished: run the backup again' });
  for (const f of m.files) {
    const p = join(target, f.path);
    if (!existsSync(p)) bad.push({ path: f.path, problem: 'missing' });
    else if (sha256File(p) !== f.sha256) bad.push({ path: f.path, problem: 'SHA-256 does not match the manifest' });
  }
  return { ok: bad.length === 0, files: m.files.length, bad };
}

/** Brings a verified backup back into an empty (or new) data directory. */
export function restoreBackup(target: string, dataDir: string): { files: number } {
  if (existsSync(dataDir) && readdirSync(dataDir).length > 0)
    throw fail('E_RESTORE_NOT_EMPTY', `${dataDir} is not empty; restore only into an empty data directory`, {
      data_dir: dataDir,
    });
  const v = verifyBackup(target);
  if (!v.ok)
    throw new RadError(
      'E_BACKUP_CORRUPT',
      `backup ${target} does not verify: ${v.bad.map((b) => `${b.path} (${b.problem})`).join(', ')}`,
      { details: { bad: v.bad } },
    );
  const m = readManifest(target)!;
  mkdirSync(dataDir, { recursive: true });
  for (const f of m.files) copyAtomic(join(target, f.path), join(dataDir, f.path));
  return { files: m.files.length };
}
