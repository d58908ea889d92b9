import { existsSync, mkdirSync, realpathSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { RadError } from './errors.ts';

/** Where rad may read and write files a caller names over the API (settings `paths`). */
export type PathRoots = {
  /** Takes and stems prep jobs read, and may write beside. */
  media: string[];
  /** Mix books, bounces and other outputs; relative output paths land here. */
  exports: string;
  /** Folders a backup may be written to (an allow-list). */
  backupTargets: string[];
};

/** Files rad itself wrote (the only ones `overwrite: true` may replace). */
export interface WrittenFiles {
  has(path: string): boolean;
  add(path: string): void;
}

export type PathUse = 'read' | 'write' | 'backup';

/** Resolves symlinks of the longest existing prefix; the rest is appended as written. */
export function realish(p: string): string {
  let head = resolve(p);
  const tail: string[] = [];
  for (;;) {
    try {
      return join(realpathSync(head), ...tail);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw osError(e, p);
      const up = dirname(head);
      if (up === head) return join(head, ...tail);
      tail.unshift(basename(head));
      head = up;
    }
  }
}

const inside = (p: string, root: string) => {
  const r = relative(root, p);
  return r === '' || (!r.startsWith(`..${sep}`) && r !== '..' && !isAbsolute(r));
};

/** An OS error on a caller's path, as a coded error naming the path (never a raw 500). */
export function osError(e: unknown, path: string): RadError {
  const code = (e as NodeJS.ErrnoException).code;
  const msg = (e as Error).message;
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return new RadError('E_PATH_DENIED', `${path}: permission denied`, { details: { path }, cause: e });
    case 'ENOENT':
      return new RadError('E_PATH_NOT_FOUND', `${path}: no such file or folder`, { details: { path }, cause: e });
    case 'EEXIST':
      return new RadError('E_PATH_EXISTS', `${path}: already exists`, { details: { path }, cause: e });
    case 'ENAMETOOLONG':
    case 'ENOTDIR':
    case 'EISDIR':
    case 'ELOOP':
    case 'EINVAL':
      return new RadError('E_PATH_INVALID', `${path}: ${code}`, { details: { path, errno: code }, cause: e });
    case 'ENOSPC':
    case 'EDQUOT':
      return new RadError('E_DISK_FULL', `${path}: the disk is full`, { details: { path }, cause: e });
    default:
      return new RadError('E_PATH_INVALID', `${path}: ${msg}`, { details: { path, errno: code }, cause: e });
  }
}

/**
 * The one check every caller-named path goes through: resolved (symlinks included) and inside
 * a root its use allows, else 403 E_PATH_OUTSIDE naming the roots; an output never replaces a
 * file rad did not write (409 E_PATH_EXISTS). Relative paths are taken from the use's first root,
 * never from the daemon's working directory.
 */
export class PathGuard {
  private readonly roots: Record<PathUse, string[]>;

  constructor(
    roots: PathRoots,
    private readonly written: WrittenFiles,
  ) {
    for (const d of [...roots.media, roots.exports, ...roots.backupTargets]) mkdirSync(d, { recursive: true });
    const real = (ds: string[]) => ds.map((d) => realpathSync(d));
    this.roots = {
      read: real([...roots.media, roots.exports]),
      write: real([roots.exports, ...roots.media]),
      backup: real(roots.backupTargets),
    };
  }

  allowed(use: PathUse): readonly string[] {
    return this.roots[use];
  }

  /** The resolved path, or E_PATH_OUTSIDE. */
  check(path: string, use: PathUse, what = 'path'): string {
    if (typeof path !== 'string' || path.length === 0 || path.includes('\0'))
      throw new RadError('E_PATH_INVALID', `${what}: not a usable path`, { details: { path } });
    const roots = this.roots[use];
    const abs = isAbsolute(path) ? path : join(roots[0]!, path);
    const real = realish(abs);
    if (!roots.some((r) => inside(real, r)))
      throw new RadError(
        'E_PATH_OUTSIDE',
        `${what} ${path} is outside the folders rad may ${use === 'read' ? 'read' : 'write'} (${roots.join(', ')})`,
        { details: { path, allowed: roots } },
      );
    return real;
  }

  /** An existing file to read. */
  input(path: string, what = 'input'): string {
    const real = this.check(path, 'read', what);
    if (!existsSync(real))
      throw new RadError('E_PATH_NOT_FOUND', `${what} ${path}: no such file`, { details: { path } });
    return real;
  }

  /** An existing folder (an output folder), inside the write roots; created when missing. */
  folder(path: string, what = 'folder'): string {
    const real = this.check(path, 'write', what);
    try {
      mkdirSync(real, { recursive: true });
    } catch (e) {
      throw osError(e, path);
    }
    return real;
  }

  /** A backup target: inside an allowed backup folder. */
  backupTarget(path: string): string {
    return this.check(path, 'backup', 'backup target');
  }

  /** A file rad is about to write: inside the roots, and new unless rad wrote it and overwrite is asked. */
  output(path: string, overwrite = false, what = 'output'): string {
    const real = this.check(path, 'write', what);
    if (existsSync(real)) {
      if (!this.written.has(real))
        throw new RadError('E_PATH_EXISTS', `${what} ${path} exists and rad did not write it; it is never replaced`, {
          details: { path },
        });
      if (!overwrite)
        throw new RadError(
          'E_PATH_EXISTS',
          `${what} ${path} exists (rad wrote it: pass overwrite: true to replace it)`,
          {
            details: { path },
          },
        );
    }
    return real;
  }

  /** Records files rad wrote, so a later `overwrite: true` may replace them. */
  wrote(...paths: string[]): void {
    for (const p of paths) this.written.add(realish(p));
  }
}
