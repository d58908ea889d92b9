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
  mkdtempSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve as resolvePath } from 'node:path';
import { writeFileAtomic } from '../core/atomic.ts';
import { copyDatabaseFile } from '../store/db.ts';
import { describeError, fail, RadError } from '../core/errors.ts';
import { isRemoteTarget, pullBackup, pushBackup, type RsyncOptions } from './rsync.ts';

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
    if (!existsSync(target)) {
      // a new backup folder appears under its name with its in-progress mark already inside: a
      // crash between making it and marking it would leave an empty folder that is no backup
      const tmp = `${target}.rad-tmp`;
      rmSync(tmp, { recursive: true, force: true });
      mkdirSync(tmp, { recursive: true });
      writeFileAtomic(join(tmp, IN_PROGRESS), new Date().toISOString());
      try {
        renameSync(tmp, target);
      } catch (e) {
        // made meanwhile by someone else: use it as it is
        if (!existsSync(target)) throw e;
        rmSync(tmp, { recursive: true, force: true });
      }
    }
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

export type BackupResult = {
  target: string;
  ok: boolean;
  at: string;
  trigger: 'schedule' | 'api' | 'cli';
  files?: number;
  copied?: number;
  bytes_copied?: number;
  seconds?: number;
  verified?: boolean;
  bad?: Array<{ path: string; problem: string }>;
  error?: string;
};

export type BackupServiceDeps = {
  dataDir: string;
  copyDb: (file: string) => Promise<void>;
  /** A local target named over the API: resolved inside paths.backup_targets, or E_PATH_OUTSIDE. */
  localTarget(t: string): string;
  /** Folders never copied (the local backup targets inside the data directory). */
  exclude(): string[];
  /** Remote (rsync) destinations the API may name: each one, or a folder under it. */
  remotes: string[];
  bus: {
    emit(topic: 'job.done', p: { job: string; kind: string; ok: boolean; result?: unknown; error?: string }): void;
  };
  kv: { get(key: string): unknown; set(key: string, value: unknown): void };
  log: { info(o: object, msg: string): void; error(o: object, msg: string): void };
  rsync?: RsyncOptions;
};

/** Where a remote backup is prepared on this machine (incremental: only changes are copied and sent). */
export const STAGING = '.rsync-staging';
const LAST = 'backup:last';

/**
 * Backups as a service: to a local folder or an rsync destination (a local staging copy with the
 * same manifest, then rsync), verify by re-hashing (a remote is fetched first), one at a time, a
 * nightly schedule, and every result on the bus (`job.done`, kind `backup`) and kept as the last.
 */
export class BackupService {
  private running: Promise<unknown> | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly deps: BackupServiceDeps) {}

  last(): BackupResult | undefined {
    return this.deps.kv.get(LAST) as BackupResult | undefined;
  }

  /** A target named over the API: a local folder inside the backup roots, or a configured remote. */
  resolve(target: string): { remote: boolean; target: string } {
    if (isRemoteTarget(target)) {
      const ok = this.deps.remotes.some((r) => target === r || target.startsWith(r.endsWith('/') ? r : `${r}/`));
      if (!ok || target.includes('/../') || target.endsWith('/..'))
        throw fail(
          'E_PATH_OUTSIDE',
          `backup target ${target} is not one of the remote destinations in paths.backup_targets (${this.deps.remotes.join(', ') || 'none configured'})`,
          { path: target },
        );
      return { remote: true, target };
    }
    return { remote: false, target: this.deps.localTarget(target) };
  }

  private staging(remote: string): string {
    return join(this.deps.dataDir, STAGING, remote.replace(/[^A-Za-z0-9_.-]+/g, '_').slice(0, 120));
  }

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    if (this.running) throw fail('E_BACKUP_RUNNING', 'a backup or verify is already running', {});
    const p = fn().finally(() => {
      this.running = undefined;
    });
    this.running = p;
    return p;
  }

  /** Backs up to a local folder or an rsync destination; the result is published and kept. */
  run(
    target: string,
    trigger: BackupResult['trigger'] = 'api',
    opts: { verify?: boolean } = {},
  ): Promise<BackupReport & { verified?: boolean; bad?: BackupResult['bad'] }> {
    // the schedule's target comes from the settings file (trusted); one named over the API is checked
    const t =
      trigger === 'schedule'
        ? {
            remote: isRemoteTarget(target),
            target: isRemoteTarget(target) ? target : resolvePath(this.deps.dataDir, target),
          }
        : this.resolve(target);
    return this.exclusive(async () => {
      const at = new Date().toISOString();
      try {
        const exclude = [...this.deps.exclude(), join(this.deps.dataDir, STAGING)];
        let report: BackupReport;
        if (t.remote) {
          const local = this.staging(t.target);
          report = await backup(this.deps.dataDir, local, this.deps.copyDb, exclude);
          const markerDir = join(this.deps.dataDir, STAGING, '.marker');
          mkdirSync(markerDir, { recursive: true });
          writeFileAtomic(join(markerDir, IN_PROGRESS), at);
          await pushBackup(local, t.target, join(markerDir, IN_PROGRESS), MANIFEST, DB, this.deps.rsync ?? {});
          report = { ...report, target: t.target, seconds: (Date.now() - Date.parse(at)) / 1000 };
        } else report = await backup(this.deps.dataDir, t.target, this.deps.copyDb, exclude);
        let v: Awaited<ReturnType<BackupService['verifyNow']>> | undefined;
        if (opts.verify) v = await this.verifyNow(t);
        const result: BackupResult = {
          target: t.target,
          ok: v ? v.ok : true,
          at,
          trigger,
          files: report.files,
          copied: report.copied,
          bytes_copied: report.bytes_copied,
          seconds: report.seconds,
          ...(v ? { verified: v.ok, bad: v.bad } : {}),
        };
        this.record(result);
        return { ...report, ...(v ? { verified: v.ok, bad: v.bad } : {}) };
      } catch (e) {
        this.record({ target: t.target, ok: false, at, trigger, error: describeError(e) });
        throw e;
      }
    });
  }

  /** Re-hashes a backup against its manifest (a remote one is fetched into a temporary folder first). */
  verify(target: string): Promise<ReturnType<typeof verifyBackup>> {
    const t = this.resolve(target);
    return this.exclusive(() => this.verifyNow(t));
  }

  private async verifyNow(t: { remote: boolean; target: string }): Promise<ReturnType<typeof verifyBackup>> {
    if (!t.remote) return verifyBackup(t.target);
    const tmp = mkdtempSync(join(tmpdir(), 'rad-verify-'));
    try {
      await pullBackup(t.target, tmp, this.deps.rsync ?? {});
      return verifyBackup(tmp);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  }

  private record(r: BackupResult): void {
    this.deps.kv.set(LAST, r);
    if (r.ok) this.deps.log.info({ backup: r }, 'backup done');
    else this.deps.log.error({ backup: r }, 'backup failed');
    this.deps.bus.emit('job.done', {
      job: `backup-${r.at}`,
      kind: 'backup',
      ok: r.ok,
      result: r,
      ...(r.error ? { error: r.error } : {}),
    });
  }

  /** Every day at HH:MM local time (backup.schedule), to `target`, verified when asked. */
  schedule(hhmm: string, target: string, verify: boolean): void {
    this.stop();
    const next = nextDailyAt(hhmm, new Date());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.run(target, 'schedule', { verify })
        .catch(() => undefined) // recorded, published and logged by run()
        .finally(() => this.schedule(hhmm, target, verify));
    }, next.getTime() - Date.now());
    this.timer.unref();
    this.deps.log.info({ next: next.toISOString(), target }, 'backup scheduled');
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Waits for a running backup (shutdown). */
  async settle(): Promise<void> {
    await this.running?.catch(() => undefined);
  }
}

/** The next local time HH:MM strictly after `now`. */
export function nextDailyAt(hhmm: string, now: Date): Date {
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  const d = new Date(now);
  d.setHours(h, m, 0, 0);
  if (d.getTime() <= now.getTime()) d.setDate(d.getDate() + 1);
  return d;
}
