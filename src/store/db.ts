import { accessSync, constants, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { RadError } from '../core/errors.ts';
import { MIGRATIONS } from './migrations.ts';
import {
  type AuditRepo,
  auditRepo,
  type GearRepo,
  gearRepo,
  type KvRepo,
  kvRepo,
  type PresetRepo,
  type ProfileRepo,
  presetRepo,
  profileRepo,
  type RunRepo,
  runRepo,
  type SnapshotRepo,
  snapshotRepo,
  type VersionRepo,
  versionRepo,
} from './repos.ts';

export type { AuditEntry, AuditRow } from './repos.ts';

export type Db = Database.Database;

/** An online copy of the database in `dataDir` into `file`, for a backup made with no daemon running. */
export async function copyDatabaseFile(dataDir: string, file: string, name = 'rad.sqlite'): Promise<void> {
  const source = new Database(join(dataDir, name), { readonly: true });
  try {
    await source.backup(file);
  } finally {
    source.close();
  }
}

/** The daemon's SQLite store: WAL, foreign keys, numbered migrations. */
export class Store {
  readonly db: Db;
  readonly audit: AuditRepo;
  readonly kv: KvRepo;
  readonly presets: PresetRepo;
  readonly runs: RunRepo;
  readonly snapshots: SnapshotRepo;
  readonly gear: GearRepo;
  readonly versions: VersionRepo;
  readonly profiles: ProfileRepo;

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
    this.audit = auditRepo(this.db);
    this.kv = kvRepo(this.db);
    this.presets = presetRepo(this.db);
    this.runs = runRepo(this.db);
    this.snapshots = snapshotRepo(this.db);
    this.gear = gearRepo(this.db);
    this.versions = versionRepo(this.db);
    this.profiles = profileRepo(this.db);
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

  /** An online copy of the whole database (SQLite's backup API) into `file`. */
  async backupTo(file: string): Promise<void> {
    await this.db.backup(file);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
