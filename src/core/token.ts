import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RadError } from './errors.ts';

export const TOKEN_FILE = 'token';

/** The API token in data_dir/token, created at the first start (mode 0600), as Jupyter does. */
export function loadOrCreateToken(dataDir: string, rotate = false): string {
  const file = join(dataDir, TOKEN_FILE);
  if (!rotate && existsSync(file)) {
    const t = readFileSync(file, 'utf8').trim();
    if (t.length >= 16) {
      if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
      return t;
    }
  }
  const t = randomBytes(24).toString('base64url');
  try {
    writeFileSync(file, `${t}\n`, { mode: 0o600 });
    chmodSync(file, 0o600);
  } catch (e) {
    throw new RadError('E_DATA_DIR', `cannot write the API token to ${file}: ${(e as Error).message}`, { cause: e });
  }
  return t;
}

/**
 * The current token: from settings, or from data_dir/token, re-read when the file changes, so
 * `rad token --rotate` takes effect without a restart (checked at most once a second).
 */
export function tokenSource(dataDir: string, fixed: string | undefined): () => string {
  if (fixed) return () => fixed;
  let token = loadOrCreateToken(dataDir);
  let mtime = statSync(join(dataDir, TOKEN_FILE)).mtimeMs;
  let checked = Date.now();
  return () => {
    const now = Date.now();
    if (now - checked < 1000) return token;
    checked = now;
    try {
      const m = statSync(join(dataDir, TOKEN_FILE)).mtimeMs;
      if (m !== mtime) {
        const t = readToken(dataDir);
        if (t && t.length >= 16) token = t;
        mtime = m;
      }
    } catch {
      // the file went away: keep the token in memory (never an open API)
    }
    return token;
  };
}

/** The token a client on this machine finds in the data directory (undefined when unreadable). */
export function readToken(dataDir: string): string | undefined {
  try {
    const t = readFileSync(join(dataDir, TOKEN_FILE), 'utf8').trim();
    return t.length > 0 ? t : undefined;
  } catch {
    return undefined;
  }
}
