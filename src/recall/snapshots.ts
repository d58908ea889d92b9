import { randomUUID } from 'node:crypto';
import type { Bus } from '../core/bus.ts';
import { badRequest, describeError, notFound, RadError, unavailable } from '../core/errors.ts';
import type { Console } from '../console/model.ts';
import { X32Console } from '../console/x32/console.ts';
import type { PatchbayService } from '../patchbay/service.ts';
import type { Store } from '../store/db.ts';
import {
  diffModels,
  diffStates,
  type ModelValues,
  parseModelFile,
  sameModelValue,
  sceneState,
  type StripDiff,
} from './diff.ts';

export type SnapshotFamily = 'x32' | 'sq' | 'qu';
/** `scene` is the console-owned part: X32 scene text (.scn), or for SQ/Qu the JSON model `{family, values}`. */
export type Snapshot = {
  id: string;
  label: string;
  note: string;
  created_at: string;
  console: string;
  family: SnapshotFamily;
  origin: 'capture' | 'import';
  scene: string;
  patch_maps: Record<string, Array<number | null>>;
};
export type SnapshotSummary = Omit<Snapshot, 'scene' | 'patch_maps'> & { patchbays: string[] };
export type RestoreReport = {
  snapshot: string;
  console: { applied: number; verified: number; mismatched: number; failed: number; not_taken: string[] };
  patchbays: Array<{ id: string; verified: boolean; error?: string }>;
  seconds: number;
};

/**
 * Recall snapshots: the console's whole state plus every patchbay's map, labelled and stored in
 * SQLite. An X32 is captured as scene text (every node); an SQ or Qu as its synced key/value model
 * (neutral paths through Console.nodes). Diffs are worded per strip; restore writes only what
 * differs from the live console and reads back.
 */
export class SnapshotService {
  constructor(
    private readonly deps: {
      store: Store;
      bus: Bus;
      console: () => Console | undefined;
      patchbays: () => Map<string, PatchbayService>;
    },
  ) {}

  private con(): Console {
    const c = this.deps.console();
    if (!c) throw badRequest('E_NO_CONSOLE', 'no console configured');
    return c;
  }

  /** The live key/value model of an SQ/Qu (only values the console confirmed). */
  private liveModel(c: Console): ModelValues {
    const st = c.status();
    if (st.state !== 'online')
      throw unavailable(
        'E_CONSOLE_OFFLINE',
        `${c.id} is ${st.state}${st.detail ? `: ${st.detail}` : ''}; its state cannot be read`,
      );
    return Object.fromEntries(c.nodes('').map((n) => [n.path, (n.value ?? null) as ModelValues[string]]));
  }

  async take(label: string, note = ''): Promise<SnapshotSummary & { lines: number; missing: string[] }> {
    const con = this.con();
    let scene: string;
    let lines: number;
    let missing: string[] = [];
    if (con instanceof X32Console) {
      const cap = await con.captureScene({ name: label.slice(0, 16), note });
      scene = cap.text;
      lines = cap.lines;
      missing = cap.missing;
    } else {
      const values = this.liveModel(con);
      scene = JSON.stringify({ family: con.family, console: con.id, values });
      lines = Object.keys(values).length;
    }
    const patch_maps: Record<string, Array<number | null>> = {};
    for (const [id, pb] of this.deps.patchbays()) {
      try {
        patch_maps[id] = await pb.read();
      } catch {
        // an offline patchbay is left out and named in the summary (its map is unknown)
      }
    }
    const snap: Snapshot = {
      id: randomUUID(),
      label,
      note,
      created_at: new Date().toISOString(),
      console: con.id,
      family: con.family,
      origin: 'capture',
      scene,
      patch_maps,
    };
    this.save(snap);
    return { ...this.summary(snap), lines, missing };
  }

  /**
   * Imports a snapshot file: an X32 `.scn` (every line validated; a broken file names its lines)
   * or an SQ/Qu model file as `rad console capture --family sq|qu` writes it.
   */
  importScene(text: string, label: string): SnapshotSummary {
    let family: SnapshotFamily = 'x32';
    if (text.trimStart().startsWith('{')) family = parseModelFile(text).family;
    else sceneState(text);
    const snap: Snapshot = {
      id: randomUUID(),
      label,
      note: '',
      created_at: new Date().toISOString(),
      console: this.deps.console()?.id ?? 'file',
      family,
      origin: 'import',
      scene: text,
      patch_maps: {},
    };
    this.save(snap);
    return this.summary(snap);
  }

  private save(s: Snapshot): void {
    this.deps.store.db
      .prepare(
        'INSERT INTO snapshots (id, label, note, created_at, console, family, origin, scene, patch_maps) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      )
      .run(s.id, s.label, s.note, s.created_at, s.console, s.family, s.origin, s.scene, JSON.stringify(s.patch_maps));
    this.deps.bus.emit('recall.changed', { kind: 'snapshot', id: s.id });
  }

  private summary(s: Snapshot): SnapshotSummary {
    const { scene: _scene, patch_maps, ...rest } = s;
    return { ...rest, patchbays: Object.keys(patch_maps) };
  }

  list(): SnapshotSummary[] {
    return (
      this.deps.store.db.prepare('SELECT * FROM snapshots ORDER BY created_at DESC').all() as Array<
        Record<string, string>
      >
    ).map((r) => this.summary(this.fromRow(r)));
  }

  get(idOrLabel: string): Snapshot {
    const r = this.deps.store.db
      .prepare('SELECT * FROM snapshots WHERE id = ? OR label = ? ORDER BY created_at DESC LIMIT 1')
      .get(idOrLabel, idOrLabel) as Record<string, string> | undefined;
    if (!r) throw notFound('E_UNKNOWN_SNAPSHOT', `no snapshot ${JSON.stringify(idOrLabel)}`, { snapshot: idOrLabel });
    return this.fromRow(r);
  }

  private fromRow(r: Record<string, string>): Snapshot {
    return {
      id: r.id!,
      label: r.label!,
      note: r.note!,
      created_at: r.created_at!,
      console: r.console!,
      family: (r.family ?? 'x32') as SnapshotFamily,
      origin: r.origin as Snapshot['origin'],
      scene: r.scene!,
      patch_maps: JSON.parse(r.patch_maps!),
    };
  }

  /** The console state of a snapshot, or of the live console for 'live'. */
  private state(
    ref: string,
  ): { family: 'x32'; x32: ReturnType<typeof sceneState> } | { family: 'sq' | 'qu'; values: ModelValues } {
    if (ref === 'live') {
      const c = this.con();
      return c instanceof X32Console
        ? { family: 'x32', x32: c.model }
        : { family: c.family as 'sq' | 'qu', values: this.liveModel(c) };
    }
    const snap = this.get(ref);
    return snap.family === 'x32'
      ? { family: 'x32', x32: sceneState(snap.scene) }
      : { family: snap.family, values: parseModelFile(snap.scene).values };
  }

  diff(
    a: string,
    b: string,
  ): {
    a: string;
    b: string;
    strips: StripDiff[];
    patchbays: Array<{ id: string; output: number; from: number | null; to: number | null }>;
  } {
    const sa = this.state(a);
    const sb = this.state(b);
    if (sa.family !== sb.family)
      throw badRequest(
        'E_SNAPSHOT_FAMILY',
        `${a} is from an ${sa.family.toUpperCase()} and ${b} from an ${sb.family.toUpperCase()}; only states of one console family compare`,
        { a: sa.family, b: sb.family },
      );
    const strips =
      sa.family === 'x32'
        ? diffStates(sa.x32, (sb as { x32: ReturnType<typeof sceneState> }).x32)
        : diffModels(sa.values, (sb as { values: ModelValues }).values);
    const maps = (ref: string) =>
      ref === 'live'
        ? Object.fromEntries([...this.deps.patchbays()].map(([id, pb]) => [id, pb.map()]))
        : this.get(ref).patch_maps;
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
    const con = this.con();
    if (con.family !== snap.family) {
      throw new RadError(
        'E_SNAPSHOT_FAMILY',
        `snapshot ${snap.label} is from an ${snap.family.toUpperCase()}; the console ${con.id} is an ${con.family.toUpperCase()}`,
        { httpStatus: 409, details: { snapshot: snap.family, console: con.family } },
      );
    }
    const consoleReport =
      con instanceof X32Console ? await this.restoreX32(con, snap) : await this.restoreModel(con, snap);
    const patchbays: RestoreReport['patchbays'] = [];
    for (const [id, map] of Object.entries(snap.patch_maps)) {
      const pb = this.deps.patchbays().get(id);
      if (!pb) {
        patchbays.push({ id, verified: false, error: 'no such patchbay any more' });
        continue;
      }
      const ties = map
        .map((input, i) => ({ output: i + 1, input }))
        .filter((t) => pb.caps.canDisconnect || t.input !== null)
        .filter((t) => pb.map()[t.output - 1] !== t.input);
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
      console: consoleReport,
      patchbays,
      seconds: (performance.now() - t0) / 1000,
    };
  }

  private async restoreX32(con: X32Console, snap: Snapshot): Promise<RestoreReport['console']> {
    const rep = await con.applyScene(snap.scene, { onlyChanged: true, actor: 'recall' });
    return {
      applied: rep.applied,
      verified: rep.verified,
      mismatched: rep.mismatched,
      failed: rep.failed,
      not_taken: rep.lines
        .filter((l) => l.status !== 'verified')
        .map(
          (l) =>
            `${l.path}${l.diffs ? `: ${l.diffs.map((d) => `${d.address} wanted ${d.wanted} got ${d.got}`).join(', ')}` : ` ${l.status}`}`,
        ),
    };
  }

  /** SQ/Qu: every value that differs from the live model is written through the console service (read back). */
  private async restoreModel(con: Console, snap: Snapshot): Promise<RestoreReport['console']> {
    const want = parseModelFile(snap.scene).values;
    const live = this.liveModel(con);
    const changes = Object.entries(want)
      .filter(([path, v]) => !sameModelValue(live[path], v))
      .map(([path, value]) => ({ path, value }));
    if (changes.length === 0) return { applied: 0, verified: 0, mismatched: 0, failed: 0, not_taken: [] };
    const rep = await con.write(changes, 'recall');
    const count = (v: string) => rep.results.filter((r) => r.verdict === v).length;
    return {
      applied: changes.length,
      verified: count('verified'),
      mismatched: count('mismatched'),
      failed: count('failed'),
      not_taken: rep.results
        .filter((r) => r.verdict !== 'verified')
        .map(
          (r) =>
            `${r.path}: wanted ${JSON.stringify(r.requested)} got ${JSON.stringify(r.actual ?? null)}${r.error ? ` (${r.error})` : ''}`,
        ),
    };
  }

  /** The snapshot as a `.scn` file (console-owned part; byte for byte what was captured or imported). */
  exportScene(ref: string): string {
    return this.get(ref).scene;
  }
}
