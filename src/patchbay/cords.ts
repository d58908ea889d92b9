import type { KvRepo } from '../store/repos.ts';

export type Cord = { a: string; b: string };

const KEY = 'patch.cords';

/** Declared patch cords: those in settings plus those declared at run time (kept in the store). */
export class CordBook {
  constructor(
    private readonly fromSettings: readonly Cord[],
    private readonly kv: KvRepo,
  ) {}

  all(): Cord[] {
    return [...this.fromSettings, ...(this.kv.get<Cord[]>(KEY) ?? [])];
  }

  /** Replaces the cords declared at run time. */
  set(cords: Cord[]): void {
    this.kv.set(KEY, cords);
  }
}
