import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { fail, describeError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import type { ProfileRepo } from '../store/repos.ts';
import { type Profile, validateProfile } from './profile.ts';

/** Engineer profiles: YAML files seed the store; REST edits are kept (origin 'api'). */
export class ProfileStore {
  constructor(
    private readonly repo: ProfileRepo,
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
        const existing = { origin: this.repo.origin(p.name) };
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
    return this.repo.list().map((r) => ({
      name: r.name,
      description: (JSON.parse(r.body) as Profile).description,
      origin: r.origin,
      updated_at: r.updated_at,
    }));
  }

  get(name: string): Profile {
    const body = this.repo.body(name);
    if (body === undefined)
      throw fail(
        'E_UNKNOWN_PROFILE',
        `no profile ${JSON.stringify(name)} (known: ${
          this.list()
            .map((p) => p.name)
            .join(', ') || 'none'
        })`,
        { profile: name },
      );
    return JSON.parse(body) as Profile;
  }

  put(raw: unknown, origin: 'file' | 'api' = 'api', name?: string): Profile {
    const p = validateProfile(raw);
    if (name !== undefined && p.name !== name)
      throw fail('E_PROFILE_NAME', `the body names profile ${JSON.stringify(p.name)}, the URL ${JSON.stringify(name)}`);
    this.repo.put(p.name, JSON.stringify(p), origin);
    return p;
  }

  delete(name: string): void {
    if (!this.repo.delete(name))
      throw fail('E_UNKNOWN_PROFILE', `no profile ${JSON.stringify(name)}`, { profile: name });
  }
}
