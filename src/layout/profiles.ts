import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { conflict, describeError, notFound } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import type { Store } from '../store/db.ts';
import { type Profile, validateProfile } from './profile.ts';

/** Engineer profiles: YAML files seed the store; REST edits are kept (origin 'api'). */
export class ProfileStore {
  constructor(
    private readonly store: Store,
    private readonly log: Logger,
  ) {}

  /** Loads every *.yaml in the folder; a broken file is reported and skipped, never fatal. */
  loadDir(dir: string): { loaded: string[]; errors: string[] } {
    const loaded: string[] = [];
    const errors: string[] = [];
    let files: string[];
    try {
      files = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f));
    } catch (e) {
      return { loaded, errors: [`${dir}: ${describeError(e)}`] };
    }
    for (const f of files.sort()) {
      try {
        const p = validateProfile(parse(readFileSync(join(dir, f), 'utf8')));
        const existing = this.store.db.prepare('SELECT origin FROM profiles WHERE name = ?').get(p.name) as
          | { origin: string }
          | undefined;
        if (existing?.origin === 'api') continue; // an edit made over REST wins over the shipped file
        this.put(p, 'file');
        loaded.push(p.name);
      } catch (e) {
        errors.push(`${f}: ${describeError(e)}`);
        this.log.warn({ file: f, err: describeError(e) }, 'profile skipped');
      }
    }
    return { loaded, errors };
  }

  list(): Array<{ name: string; description?: string; origin: string; updated_at: string }> {
    return (
      this.store.db.prepare('SELECT name, body, origin, updated_at FROM profiles ORDER BY name').all() as Array<{
        name: string;
        body: string;
        origin: string;
        updated_at: string;
      }>
    ).map((r) => ({
      name: r.name,
      description: (JSON.parse(r.body) as Profile).description,
      origin: r.origin,
      updated_at: r.updated_at,
    }));
  }

  get(name: string): Profile {
    const row = this.store.db.prepare('SELECT body FROM profiles WHERE name = ?').get(name) as
      | { body: string }
      | undefined;
    if (!row)
      throw notFound(
        'E_UNKNOWN_PROFILE',
        `no profile ${JSON.stringify(name)} (known: ${
          this.list()
            .map((p) => p.name)
            .join(', ') || 'none'
        })`,
        { profile: name },
      );
    return JSON.parse(row.body) as Profile;
  }

  put(raw: unknown, origin: 'file' | 'api' = 'api', name?: string): Profile {
    const p = validateProfile(raw);
    if (name !== undefined && p.name !== name)
      throw conflict(
        'E_PROFILE_NAME',
        `the body names profile ${JSON.stringify(p.name)}, the URL ${JSON.stringify(name)}`,
      );
    this.store.db
      .prepare(
        'INSERT INTO profiles (name, body, origin, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT(name) DO UPDATE SET body = excluded.body, origin = excluded.origin, updated_at = excluded.updated_at',
      )
      .run(p.name, JSON.stringify(p), origin, new Date().toISOString());
    return p;
  }

  delete(name: string): void {
    const r = this.store.db.prepare('DELETE FROM profiles WHERE name = ?').run(name);
    if (r.changes === 0) throw notFound('E_UNKNOWN_PROFILE', `no profile ${JSON.stringify(name)}`, { profile: name });
  }
}
