/** Numbered schema migrations. Append only: a shipped migration is never edited. */
export const MIGRATIONS: ReadonlyArray<{ version: number; name: string; sql: string }> = [
  {
    version: 1,
    name: 'audit log',
    sql: `
      CREATE TABLE audit (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        device TEXT NOT NULL,
        action TEXT NOT NULL,
        target TEXT,
        value TEXT,
        result TEXT NOT NULL,
        detail TEXT
      );
      CREATE INDEX audit_device_at ON audit(device, at);
    `,
  },
  {
    version: 2,
    name: 'key-value state',
    sql: `
      CREATE TABLE kv (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
    `,
  },
  {
    version: 3,
    name: 'patchbay presets',
    sql: `
      CREATE TABLE patch_presets (
        patchbay TEXT NOT NULL,
        name TEXT NOT NULL,
        ties TEXT NOT NULL,
        created_at TEXT NOT NULL,
        PRIMARY KEY (patchbay, name)
      );
    `,
  },
  {
    version: 4,
    name: 'engineer profiles',
    sql: `
      CREATE TABLE profiles (
        name TEXT PRIMARY KEY,
        body TEXT NOT NULL,
        origin TEXT NOT NULL CHECK (origin IN ('file', 'api')),
        updated_at TEXT NOT NULL
      );
    `,
  },
  {
    version: 5,
    name: 'line-check runs',
    sql: `
      CREATE TABLE linecheck_runs (
        id TEXT PRIMARY KEY,
        started_at TEXT NOT NULL,
        finished_at TEXT,
        state TEXT NOT NULL CHECK (state IN ('running', 'done', 'cancelled', 'failed')),
        options TEXT NOT NULL,
        summary TEXT
      );
      CREATE TABLE linecheck_results (
        run TEXT NOT NULL REFERENCES linecheck_runs(id) ON DELETE CASCADE,
        path TEXT NOT NULL,
        verdict TEXT NOT NULL,
        detail TEXT NOT NULL,
        PRIMARY KEY (run, path)
      );
    `,
  },
  {
    version: 6,
    name: 'snapshots',
    sql: `
      CREATE TABLE snapshots (
        id TEXT PRIMARY KEY,
        label TEXT NOT NULL,
        note TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL,
        console TEXT NOT NULL,
        origin TEXT NOT NULL CHECK (origin IN ('capture', 'import')),
        scene TEXT NOT NULL,
        patch_maps TEXT NOT NULL
      );
      CREATE INDEX snapshots_created ON snapshots(created_at);
    `,
  },
  {
    version: 7,
    name: 'gear and versions',
    sql: `
      CREATE TABLE gear_units (
        id TEXT PRIMARY KEY,
        make TEXT NOT NULL,
        model TEXT NOT NULL,
        serial TEXT NOT NULL DEFAULT '',
        patched_at TEXT NOT NULL DEFAULT '',
        controls TEXT NOT NULL,
        notes TEXT NOT NULL DEFAULT ''
      );
      CREATE TABLE versions (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        created_at TEXT NOT NULL,
        snapshot TEXT REFERENCES snapshots(id),
        notes TEXT NOT NULL DEFAULT '',
        print TEXT
      );
      CREATE TABLE gear_settings (
        version TEXT NOT NULL REFERENCES versions(id) ON DELETE CASCADE,
        unit TEXT NOT NULL REFERENCES gear_units(id),
        settings TEXT NOT NULL,
        photo TEXT,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (version, unit)
      );
    `,
  },
  {
    version: 8,
    name: 'snapshots of every console family',
    sql: `
      -- x32: scene holds .scn text; sq/qu: scene holds the JSON model {family, values}
      ALTER TABLE snapshots ADD COLUMN family TEXT NOT NULL DEFAULT 'x32' CHECK (family IN ('x32', 'sq', 'qu'));
    `,
  },
];
