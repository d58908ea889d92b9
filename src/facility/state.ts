import type { RunRecord } from '../linecheck/service.ts';
import type { LinecheckLast, RecallCurrent } from './topics.ts';

/** A finished line check as the facility sees it: the counts, and each path that did not pass with why. */
export function linecheckLast(rec: RunRecord): LinecheckLast {
  return {
    run: rec.id,
    state: rec.state,
    started_at: rec.started_at,
    ...(rec.finished_at ? { finished_at: rec.finished_at } : {}),
    summary: rec.summary ?? {},
    failures: rec.results
      .filter((r) => r.verdict !== 'pass')
      .map((r) => ({
        path: r.path,
        verdict: r.verdict,
        ...(r.findings?.length ? { detail: r.findings.join('; ') } : {}),
      })),
    ...(rec.restore_failed?.length ? { restore_failed: rec.restore_failed } : {}),
  };
}

const newest = <T extends { created_at: string }>(xs: T[]): T | undefined =>
  xs.reduce<T | undefined>((a, x) => (!a || x.created_at >= a.created_at ? x : a), undefined);

/** The newest version and the newest snapshot (whatever order the lists come in). */
export function recallCurrent(
  versions: Array<{ id: string; name: string; created_at: string }>,
  snapshots: Array<{ id: string; label: string; created_at: string }>,
): RecallCurrent {
  const v = newest(versions);
  const s = newest(snapshots);
  return {
    version: v ? { id: v.id, name: v.name, created_at: v.created_at } : null,
    snapshot: s ? { id: s.id, label: s.label, created_at: s.created_at } : null,
  };
}
