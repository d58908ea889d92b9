import type { Db } from './db.ts';

/**
 * The repositories: every SQL statement rad runs outside migrations lives in this folder. Services
 * get the narrow interface they need (a `SnapshotRepo`, not the database), so a test can hand
 * them an in-memory store and nothing above `store/` knows SQL.
 */

// ---- audit ----

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

export interface AuditRepo {
  add(e: AuditEntry): void;
  list(opts?: { device?: string; limit?: number }): AuditRow[];
}

export function auditRepo(db: Db): AuditRepo {
  const ins = db.prepare(
    'INSERT INTO audit (at, actor, device, action, target, value, result, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  );
  return {
    add(e) {
      ins.run(
        new Date().toISOString(),
        e.actor,
        e.device,
        e.action,
        e.target ?? null,
        e.value === undefined ? null : JSON.stringify(e.value),
        e.result,
        e.detail ?? null,
      );
    },
    list(opts = {}) {
      const limit = Math.min(Math.max(opts.limit ?? 100, 1), 10000);
      const rows = (
        opts.device
          ? db.prepare('SELECT * FROM audit WHERE device = ? ORDER BY id DESC LIMIT ?').all(opts.device, limit)
          : db.prepare('SELECT * FROM audit ORDER BY id DESC LIMIT ?').all(limit)
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
    },
  };
}

// ---- key/value ----

export interface KvRepo {
  get<T>(key: string): T | undefined;
  set(key: string, value: unknown): void;
}

export function kvRepo(db: Db): KvRepo {
  return {
    get<T>(key: string) {
      const row = db.prepare('SELECT value FROM kv WHERE key = ?').get(key) as { value: string } | undefined;
      return row ? (JSON.parse(row.value) as T) : undefined;
    },
    set(key, value) {
      db.prepare(
        'INSERT INTO kv (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at',
      ).run(key, JSON.stringify(value), new Date().toISOString());
    },
  };
}

// ---- patchbay presets ----

export interface PresetRepo {
  save(patchbay: string, name: string, ties: unknown): string;
  list(patchbay: string): Array<{ name: string; created_at: string }>;
  ties<T>(patchbay: string, name: string): T | undefined;
}

export function presetRepo(db: Db): PresetRepo {
  return {
    save(patchbay, name, ties) {
      const at = new Date().toISOString();
      db.prepare(
        'INSERT INTO patch_presets (patchbay, name, ties, created_at) VALUES (?, ?, ?, ?) ON CONFLICT(patchbay, name) DO UPDATE SET ties = excluded.ties, created_at = excluded.created_at',
      ).run(patchbay, name, JSON.stringify(ties), at);
      return at;
    },
    list(patchbay) {
      return db
        .prepare('SELECT name, created_at FROM patch_presets WHERE patchbay = ? ORDER BY name')
        .all(patchbay) as Array<{ name: string; created_at: string }>;
    },
    ties<T>(patchbay: string, name: string) {
      const row = db.prepare('SELECT ties FROM patch_presets WHERE patchbay = ? AND name = ?').get(patchbay, name) as
        | { ties: string }
        | undefined;
      return row ? (JSON.parse(row.ties) as T) : undefined;
    },
  };
}

// ---- line-check runs ----

export type StoredRun = {
  id: string;
  state: string;
  started_at: string;
  finished_at?: string;
  options: unknown;
  summary?: Record<string, number>;
  results: unknown[];
};

export interface RunRepo {
  begin(id: string, startedAt: string, options: unknown): void;
  finish(
    id: string,
    state: string,
    finishedAt: string,
    summary: Record<string, number>,
    results: Array<{ path: string; verdict: string; detail: unknown }>,
  ): void;
  get(id: string): StoredRun | undefined;
  list(limit?: number): Array<Omit<StoredRun, 'results' | 'options'>>;
}

export function runRepo(db: Db): RunRepo {
  return {
    begin(id, startedAt, options) {
      db.prepare('INSERT INTO linecheck_runs (id, started_at, state, options) VALUES (?, ?, ?, ?)').run(
        id,
        startedAt,
        'running',
        JSON.stringify(options),
      );
    },
    finish(id, state, finishedAt, summary, results) {
      db.transaction(() => {
        db.prepare('UPDATE linecheck_runs SET state = ?, finished_at = ?, summary = ? WHERE id = ?').run(
          state,
          finishedAt,
          JSON.stringify(summary),
          id,
        );
        const ins = db.prepare('INSERT INTO linecheck_results (run, path, verdict, detail) VALUES (?, ?, ?, ?)');
        for (const r of results) ins.run(id, r.path, r.verdict, JSON.stringify(r.detail));
      })();
    },
    get(id) {
      const row = db.prepare('SELECT * FROM linecheck_runs WHERE id = ?').get(id) as
        | Record<string, string | null>
        | undefined;
      if (!row) return undefined;
      const results = (
        db.prepare('SELECT detail FROM linecheck_results WHERE run = ? ORDER BY path').all(id) as Array<{
          detail: string;
        }>
      ).map((r) => JSON.parse(r.detail) as unknown);
      return {
        id,
        state: row.state!,
        started_at: row.started_at!,
        finished_at: row.finished_at ?? undefined,
        options: JSON.parse(row.options!),
        results,
        summary: row.summary ? JSON.parse(row.summary) : undefined,
      };
    },
    list(limit = 50) {
      return (
        db
          .prepare(
            'SELECT id, state, started_at, finished_at, summary FROM linecheck_runs ORDER BY started_at DESC LIMIT ?',
          )
          .all(limit) as Array<Record<string, string | null>>
      ).map((r) => ({
        id: r.id!,
        state: r.state!,
        started_at: r.started_at!,
        finished_at: r.finished_at ?? undefined,
        summary: r.summary ? JSON.parse(r.summary) : undefined,
      }));
    },
  };
}

// ---- snapshots ----

export type SnapshotRow = {
  id: string;
  label: string;
  note: string;
  created_at: string;
  console: string;
  family: string;
  origin: string;
  scene: string;
  patch_maps: Record<string, Array<number | null>>;
};

export interface SnapshotRepo {
  insert(s: SnapshotRow): void;
  list(): SnapshotRow[];
  find(idOrLabel: string): SnapshotRow | undefined;
}

export function snapshotRepo(db: Db): SnapshotRepo {
  const fromRow = (r: Record<string, string>): SnapshotRow => ({
    id: r.id!,
    label: r.label!,
    note: r.note!,
    created_at: r.created_at!,
    console: r.console!,
    family: r.family ?? 'x32',
    origin: r.origin!,
    scene: r.scene!,
    patch_maps: JSON.parse(r.patch_maps!),
  });
  return {
    insert(s) {
      db.prepare(
        'INSERT INTO snapshots (id, label, note, created_at, console, family, origin, scene, patch_maps) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      ).run(s.id, s.label, s.note, s.created_at, s.console, s.family, s.origin, s.scene, JSON.stringify(s.patch_maps));
    },
    list() {
      return (
        db.prepare('SELECT * FROM snapshots ORDER BY created_at DESC').all() as Array<Record<string, string>>
      ).map(fromRow);
    },
    find(idOrLabel) {
      const r = db
        .prepare('SELECT * FROM snapshots WHERE id = ? OR label = ? ORDER BY created_at DESC LIMIT 1')
        .get(idOrLabel, idOrLabel) as Record<string, string> | undefined;
      return r ? fromRow(r) : undefined;
    },
  };
}

// ---- gear and versions ----

export type GearRow = {
  id: string;
  make: string;
  model: string;
  serial: string;
  patched_at: string;
  controls: unknown;
  notes: string;
};
export type VersionRow = {
  id: string;
  name: string;
  created_at: string;
  snapshot: string | null;
  notes: string;
  print: unknown;
};

export interface GearRepo {
  insert(u: GearRow): void;
  list(): GearRow[];
  find(idOrName: string): GearRow | undefined;
  settings(version: string, unit: string): Record<string, number | string> | undefined;
  saveSettings(version: string, unit: string, settings: Record<string, number | string>, photo?: string): void;
  settingsOf(version: string): Array<{ unit: string; settings: Record<string, number | string>; photo: string | null }>;
}

export interface VersionRepo {
  insert(v: { id: string; name: string; created_at: string; snapshot: string | null; notes: string }): void;
  find(idOrName: string): VersionRow | undefined;
  list(): Array<{ id: string; name: string; created_at: string }>;
  setPrint(id: string, print: unknown, snapshot?: string): void;
}

export function gearRepo(db: Db): GearRepo {
  const fromRow = (r: Record<string, string>): GearRow => ({
    id: r.id!,
    make: r.make!,
    model: r.model!,
    serial: r.serial!,
    patched_at: r.patched_at!,
    controls: JSON.parse(r.controls!),
    notes: r.notes!,
  });
  return {
    insert(u) {
      db.prepare(
        'INSERT INTO gear_units (id, make, model, serial, patched_at, controls, notes) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ).run(u.id, u.make, u.model, u.serial, u.patched_at, JSON.stringify(u.controls), u.notes);
    },
    list() {
      return (db.prepare('SELECT * FROM gear_units ORDER BY make, model').all() as Array<Record<string, string>>).map(
        fromRow,
      );
    },
    find(id) {
      const r = db.prepare("SELECT * FROM gear_units WHERE id = ? OR (make || ' ' || model) = ?").get(id, id) as
        | Record<string, string>
        | undefined;
      return r ? fromRow(r) : undefined;
    },
    settings(version, unit) {
      const prev = db.prepare('SELECT settings FROM gear_settings WHERE version = ? AND unit = ?').get(version, unit) as
        | { settings: string }
        | undefined;
      return prev ? (JSON.parse(prev.settings) as Record<string, number | string>) : undefined;
    },
    saveSettings(version, unit, settings, photo) {
      db.prepare(
        'INSERT INTO gear_settings (version, unit, settings, photo, updated_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT(version, unit) DO UPDATE SET settings = excluded.settings, photo = COALESCE(excluded.photo, gear_settings.photo), updated_at = excluded.updated_at',
      ).run(version, unit, JSON.stringify(settings), photo ?? null, new Date().toISOString());
    },
    settingsOf(version) {
      return (
        db.prepare('SELECT unit, settings, photo FROM gear_settings WHERE version = ?').all(version) as Array<{
          unit: string;
          settings: string;
          photo: string | null;
        }>
      ).map((r) => ({ unit: r.unit, settings: JSON.parse(r.settings), photo: r.photo }));
    },
  };
}

export function versionRepo(db: Db): VersionRepo {
  return {
    insert(v) {
      db.prepare('INSERT INTO versions (id, name, created_at, snapshot, notes) VALUES (?, ?, ?, ?, ?)').run(
        v.id,
        v.name,
        v.created_at,
        v.snapshot,
        v.notes,
      );
    },
    find(idOrName) {
      const r = db.prepare('SELECT * FROM versions WHERE id = ? OR name = ?').get(idOrName, idOrName) as
        | Record<string, string | null>
        | undefined;
      if (!r) return undefined;
      return {
        id: r.id!,
        name: r.name!,
        created_at: r.created_at!,
        snapshot: r.snapshot ?? null,
        notes: r.notes ?? '',
        print: r.print ? JSON.parse(r.print) : null,
      };
    },
    list() {
      return db.prepare('SELECT id, name, created_at FROM versions ORDER BY created_at').all() as Array<{
        id: string;
        name: string;
        created_at: string;
      }>;
    },
    setPrint(id, print, snapshot) {
      db.prepare('UPDATE versions SET print = ?, snapshot = COALESCE(?, snapshot) WHERE id = ?').run(
        JSON.stringify(print),
        snapshot ?? null,
        id,
      );
    },
  };
}

// ---- engineer profiles ----

export interface ProfileRepo {
  origin(name: string): string | undefined;
  list(): Array<{ name: string; body: string; origin: string; updated_at: string }>;
  body(name: string): string | undefined;
  put(name: string, body: string, origin: string): void;
  delete(name: string): boolean;
}

export function profileRepo(db: Db): ProfileRepo {
  return {
    origin(name) {
      return (db.prepare('SELECT origin FROM profiles WHERE name = ?').get(name) as { origin: string } | undefined)
        ?.origin;
    },
    list() {
      return db.prepare('SELECT name, body, origin, updated_at FROM profiles ORDER BY name').all() as Array<{
        name: string;
        body: string;
        origin: string;
        updated_at: string;
      }>;
    },
    body(name) {
      return (db.prepare('SELECT body FROM profiles WHERE name = ?').get(name) as { body: string } | undefined)?.body;
    },
    put(name, body, origin) {
      db.prepare(
        'INSERT INTO profiles (name, body, origin, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT(name) DO UPDATE SET body = excluded.body, origin = excluded.origin, updated_at = excluded.updated_at',
      ).run(name, body, origin, new Date().toISOString());
    },
    delete(name) {
      return db.prepare('DELETE FROM profiles WHERE name = ?').run(name).changes > 0;
    },
  };
}
