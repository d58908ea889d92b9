import { chmodSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../src/store/migrations.ts';
import { Store } from '../../src/store/db.ts';
import { tempDir } from '../helpers.ts';

describe('store', () => {
  it('creates the schema in WAL mode with foreign keys, and reopening is idempotent', () => {
    const dir = tempDir();
    const s = new Store(dir);
    expect(s.schemaVersion).toBe(MIGRATIONS[MIGRATIONS.length - 1]!.version);
    expect(s.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(s.db.pragma('foreign_keys', { simple: true })).toBe(1);
    s.audit.add({ actor: 'test', device: 'x32', action: 'set', target: '/ch/01/mix/fader', value: -3, result: 'ok' });
    s.close();
    const again = new Store(dir);
    expect(again.audit.list()).toMatchObject([
      { actor: 'test', device: 'x32', target: '/ch/01/mix/fader', value: -3, result: 'ok' },
    ]);
    again.close();
  });

  it('upgrades a database from an older schema version without losing rows', () => {
    const dir = tempDir();
    const db = new Database(join(dir, 'rad.sqlite'));
    db.exec(MIGRATIONS[0]!.sql);
    db.pragma('user_version = 1');
    db.prepare("INSERT INTO audit (at, actor, device, action, result) VALUES ('t', 'a', 'd', 'x', 'ok')").run();
    db.close();
    const s = new Store(dir);
    expect(s.schemaVersion).toBe(MIGRATIONS.length);
    expect(s.audit.list()).toHaveLength(1);
    expect(s.db.prepare("SELECT name FROM sqlite_master WHERE name = 'kv'").get()).toBeTruthy();
    s.close();
  });

  it('refuses a database written by a newer rad', () => {
    const dir = tempDir();
    const db = new Database(join(dir, 'rad.sqlite'));
    db.pragma('user_version = 999');
    db.close();
    expect(() => new Store(dir)).toThrow(/E_STORE_TOO_NEW|newer than this rad/);
  });

  it('names an unwritable data directory', () => {
    const dir = join(tempDir(), 'ro');
    mkdirSync(dir);
    chmodSync(dir, 0o500);
    const asRoot = process.getuid?.() === 0;
    // root ignores permission bits; a path under a regular file fails for everyone
    const target = asRoot ? join('/proc/version', 'data') : dir;
    expect(() => new Store(target)).toThrow(/E_DATA_DIR|not writable/);
  });
});
