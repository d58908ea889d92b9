import { randomUUID } from 'node:crypto';
import type { Bus } from '../core/bus.ts';
import { badRequest, describeError, notFound } from '../core/errors.ts';
import type { Console } from '../console/model.ts';
import { assertX32 } from '../console/x32/console.ts';
import type { PatchbayService } from '../patchbay/service.ts';
import type { Store } from '../store/db.ts';
import { diffStates, sceneState, type StripDiff } from './diff.ts';

export type Snapshot = { id: string; label: string; note: string; created_at: string; console: string; origin: 'capture' | 'import'; scene: string; patch_maps: Record<string, Array<number | null>> };
export type SnapshotSummary = Omit<Snapshot, 'scene' | 'patch_maps'> & { patchbays: string[] };
export type RestoreReport = { snapshot: string; console: { applied: number; verified: number; mismatched: number; failed: number; not_taken: string[] }; patchbays: Array<{ id: string; verified: boolean; error?: string }>; seconds: number };

/**
 * Recall snapshots: the console's whole state as scene text plus every patchbay's map, labelled
 * and stored in SQLite. Diffs are worded per strip; restore writes only what differs and reads back.
 */
export class SnapshotService {
  constructor(private readonly deps: { store: Store; bus: Bus; console: () => Console | undefined; patchbays: () => Map<string, PatchbayService> }) {}

  private x32() {
    const c = this.deps.console();
    if (!c) throw badRequest('E_NO_CONSOLE', 'no console configured');
    return assertX32(c);
  }

  async take(label: string, note = ''): Promise<SnapshotSummary & { lines: number; missing: string[] }> {
    const con = this.x32();
    const cap = await con.captureScene({ name: label.slice(0, 16), note });
    const patch_maps: Record<string, Array<number | null>> = {};
    for (const [id, pb] of this.deps.patchbays()) {
      try {
        patch_maps[id] = await pb.read();
      } catch {
        // an offline patchbay is left out and named in the summary (its map is unknown)
      }
    }
    const snap: Snapshot = { id: randomUUID(), label, note, created_at: new Date().toISOString(), console: con.id, origin: 'capture', scene: cap.text, patch_maps };
    this.save(snap);
    return { ...this.summary(snap), lines: cap.lines, missing: cap.missing };
  }

  /** Imports a `.scn` file as a snapshot (every line validated; a broken file names its lines). */
  importScene(text: string, label: string): SnapshotSummary {
    sceneState(text);
    const snap: Snapshot = { id: randomUUID(), label, note: '', created_at: new Date().toISOString(), console: this.deps.console()?.id ?? 'file', origin: 'import', scene: text, patch_maps: {} };
    this.save(snap);
    return this.summary(snap);
  }

  private save(s: Snapshot): void {
    this.deps.store.db
      .prepare('INSERT INTO snapshots (id, label, note, created_at, console, origin, scene, patch_maps) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(s.id, s.label, s.note, s.created_at, s.console, s.origin, s.scene, JSON.stringify(s.patch_maps));
    this.deps.bus.emit('recall.changed', { kind: 'snapshot', id: s.id });
  }

  private summary(s: Snapshot): SnapshotSummary {
    const { scene: _scene, patch_maps, ...rest } = s;
    return { ...rest, patchbays: Object.keys(patch_maps) };
  }

  list(): SnapshotSummary[] {
    return (this.deps.store.db.prepare('SELECT * FROM snapshots ORDER BY created_at DESC').all() as Array<Record<string, string>>).map((r) => this.summary(this.fromRow(r)));
  }

  get(idOrLabel: string): Snapshot {
    const r = this.deps.store.db.prepare('SELECT * FROM snapshots WHERE id = ? OR label = ? ORDER BY created_at DESC LIMIT 1').get(idOrLabel, idOrLabel) as Record<string, string> | undefined;
    if (!r) throw notFound('E_UNKNOWN_SNAPSHOT', `no snapshot ${JSON.stringify(idOrLabel)}`, { snapshot: idOrLabel });
    return this.fromRow(r);
  }

  private fromRow(r: Record<string, string>): Snapshot {
    return { id: r.id!, label: r.label!, note: r.note!, created_at: r.created_at!, console: r.console!, origin: r.origin as Snapshot['origin'], scene: r.scene!, patch_maps: JSON.parse(r.patch_maps!) };
  }

  /** The console state of a snapshot, or of the live console for 'live'. */
  private state(ref: string) {
    if (ref === 'live') return this.x32().model;
    return sceneState(this.get(ref).scene);
  }

  diff(a: string, b: string): { a: string; b: string; strips: StripDiff[]; patchbays: Array<{ id: string; output: number; from: number | null; to: number | null }> } {
    const strips = diffStates(this.state(a), this.state(b));
    const maps = (ref: string) => (ref === 'live' ? Object.fromEntries([...this.deps.patchbays()].map(([id, pb]) => [id, pb.map()])) : this.get(ref).patch_maps);
    const ma = maps(a);
    const mb = maps(b);
    const patchbays: Array<{ id: string; output: number; from: number | null; to: number | null }> = [];
    for (const id of Object.keys(ma)) {
      const x = ma[id]!;
      const y = mb[id];
      if (!y) continue;
      x.forEach((v, i) => {
        if (v !== y[i]) patchbays.push({ id, output: i + 1, from: v, to: y[i] ?? null });
      });
    }
    return { a, b, strips, patchbays };
  }

  /** Writes back only what differs from the live console and re-ties the patchbays; reads it all back. */
  async restore(ref: string): Promise<RestoreReport> {
    const t0 = performance.now();
    const snap = this.get(ref);
    const con = this.x32();
    const rep = await con.applyScene(snap.scene, { onlyChanged: true, actor: 'recall' });
    const patchbays: RestoreReport['patchbays'] = [];
    for (const [id, map] of Object.entries(snap.patch_maps)) {
      const pb = this.deps.patchbays().get(id);
      if (!pb) {
        patchbays.push({ id, verified: false, error: 'no such patchbay any more' });
        continue;
      }
      const ties = map.map((input, i) => ({ output: i + 1, input })).filter((t) => pb.caps.canDisconnect || t.input !== null).filter((t) => pb.map()[t.output - 1] !== t.input);
      if (ties.length === 0) {
        patchbays.push({ id, verified: true });
        continue;
      }
      try {
        await pb.route(ties, 'recall', { atomic: true });
        patchbays.push({ id, verified: true });
      } catch (e) {
        patchbays.push({ id, verified: false, error: describeError(e) });
      }
    }
    this.deps.bus.emit('recall.changed', { kind: 'restore', id: snap.id });
    return {
      snapshot: snap.id,
      console: {
        applied: rep.applied,
        verified: rep.verified,
        mismatched: rep.mismatched,
        failed: rep.failed,
        not_taken: rep.lines.filter((l) => l.status !== 'verified').map((l) => `${l.path}${l.diffs ? `: ${l.diffs.map((d) => `${d.address} wanted ${d.wanted} got ${d.got}`).join(', ')}` : ` ${l.status}`}`),
      },
      patchbays,
      seconds: (performance.now() - t0) / 1000,
    };
  }

  /** The snapshot as a `.scn` file (console-owned part; byte for byte what was captured or imported). */
  exportScene(ref: string): string {
    return this.get(ref).scene;
  }
}
