import { accessSync, constants, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { RadError } from '../core/errors.ts';
import { MIGRATIONS } from './migrations.ts';

export type Db = Database.Database;

export type AuditEntry = {
  actor: string;
  device: string;
  action: string;
  target?: string;
  value?: unknown;
  result: 'ok' | 'error' | 'mismatch' | 'partial';
  detail?: string;
};

export type AuditRow = AuditEntry & { id: number; at: string };

/** The daemon's SQLite store: WAL, foreign keys, numbered migrations. */
export class Store {
  readonly db: Db;

  constructor(
    readonly dataDir: string,
    file = 'rad.sqlite',
  ) {
    try {
      mkdirSync(dataDir, { recursive: true });
      accessSync(dataDir, constants.W_OK);
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      throw new RadError(
        'E_DATA_DIR',
        `data directory ${JSON.stringify(dataDir)} is not writable (${err.code ?? err.message})`,
        {
          details: { data_dir: dataDir },
        },
      );
    }
    this.db = dataDir === ':memory:' ? new Database(':memory:') : new Database(join(dataDir, file));
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('foreign_keys = ON');
    this.db.pragma('busy_timeout = 5000');
    this.migrate();
  }

  static inMemory(): Store {
    return new Store(':memory:');
  }

  get schemaVersion(): number {
    return this.db.pragma('user_version', { simple: true }) as number;
  }

  private migrate(): void {
    const current = this.schemaVersion;
    const latest = MIGRATIONS[MIGRATIONS.length - 1]?.version ?? 0;
    if (current > latest) {
      throw new RadError(
        'E_STORE_TOO_NEW',
        `database schema version ${current} is newer than this rad (${latest}); refusing to touch it`,
      );
    }
    for (const m of MIGRATIONS) {
      if (m.version <= current) continue;
      this.db.transaction(() => {
        this.db.exec(m.sql);
        this.db.pragma(`user_version = ${m.version}`);
      })();
    }
  }

  audit(e: AuditEntry): void {
    this.db
      .prepare(
        'INSERT INTO audit (at, actor, device, action, target, value, result, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      )
      .run(
        new Date().toISOString(),
        e.actor,
        e.device,
        e.action,
        e.target ?? null,
        e.value === undefined ? null : JSON.stringify(e.value),
        e.result,
        e.detail ?? null,
      );
  }

  auditLog(opts: { device?: string; limit?: number } = {}): AuditRow[] {
    const limit = Math.min(Math.max(opts.limit ?? 100, 1), 10000);
    const rows = (
      opts.device
        ? this.db.prepare('SELECT * FROM audit WHERE device = ? ORDER BY id DESC LIMIT ?').all(opts.device, limit)
        : this.db.prepare('SELECT * FROM audit ORDER BY id DESC LIMIT ?').all(limit)
    ) as Array<Record<string, unknown>>;
    return rows.map((r) => ({
      id: r.id as number,
      at: r.at as string,
      actor: r.actor as string,
      device: r.device as string,
      action: r.action as string,
      target: (r.target as string | null) ?? undefined,
      value: r.value === null ? undefined : JSON.parse(r.value as string),
      result: r.result as AuditEntry['result'],
      detail: (r.detail as string | null) ?? undefined,
    }));
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
