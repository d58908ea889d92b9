import { randomUUID } from 'node:crypto';
import { familyOfState, stateFormat } from '../console/factory.ts';
import type { Console, ConsoleFamily, RestoreReport as ConsoleRestoreReport } from '../console/model.ts';
import type { StripDiff } from '../console/state.ts';
import type { Bus } from '../core/bus.ts';
import { describeError, fail } from '../core/errors.ts';
import type { Matrix } from '../patchbay/model.ts';
import type { SnapshotRepo } from '../store/repos.ts';

export type SnapshotFamily = ConsoleFamily;
/** `scene` is the console-owned part in its family's state format: X32 scene text (.scn), SQ/Qu JSON model. */
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
 * Recall snapshots: the console's whole state plus every patchbay's map, labelled and stored.
 * The console part is in its family's state format (the Console interface captures and restores
 * it; stateFormat() validates and diffs it), so this service never knows a family's wire.
 */
export class SnapshotService {
  constructor(
    private readonly deps: {
      snapshots: SnapshotRepo;
      bus: Pick<Bus, 'emit'>;
      console: () => Console | undefined;
      patchbays: () => ReadonlyMap<string, Matrix>;
    },
  ) {}

  private con(): Console {
    const c = this.deps.console();
    if (!c) throw fail('E_NO_CONSOLE', 'no console configured');
    return c;
  }

  async take(label: string, note = ''): Promise<SnapshotSummary & { lines: number; missing: string[] }> {
    const con = this.con();
    const cap = await con.capture({ name: label.slice(0, 16), note });
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
      scene: cap.text,
      patch_maps,
    };
    this.save(snap);
    return { ...this.summary(snap), lines: cap.lines, missing: cap.missing };
  }

  /** Imports a state file (X32 .scn or SQ/Qu model JSON); every line or row is validated first. */
  importScene(text: string, label: string): SnapshotSummary {
    const family = familyOfState(text);
    stateFormat(family).validate(text);
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
    this.deps.snapshots.insert(s);
    this.deps.bus.emit('recall.changed', { kind: 'snapshot', id: s.id });
  }

  private summary(s: Snapshot): SnapshotSummary {
    const { scene: _scene, patch_maps, ...rest } = s;
    return { ...rest, patchbays: Object.keys(patch_maps) };
  }

  list(): SnapshotSummary[] {
    return this.deps.snapshots.list().map((r) => this.summary(r as Snapshot));
  }

  get(idOrLabel: string): Snapshot {
    const r = this.deps.snapshots.find(idOrLabel);
    if (!r) throw fail('E_UNKNOWN_SNAPSHOT', `no snapshot ${JSON.stringify(idOrLabel)}`, { snapshot: idOrLabel });
    return r as Snapshot;
  }

  /** The console state of a snapshot, or of the live console for 'live'. */
  private state(ref: string): { family: ConsoleFamily; text: string } {
    if (ref === 'live') {
      const c = this.con();
      const st = c.status();
      if (st.state === 'offline' || st.state === 'stopped' || st.state === 'starting')
        throw fail('E_CONSOLE_OFFLINE', `${c.id} is ${st.state}; its state cannot be read`, { console: c.id });
      return { family: c.family, text: c.state() };
    }
    const snap = this.get(ref);
    return { family: snap.family, text: snap.scene };
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
      throw fail(
        'E_SNAPSHOT_FAMILY',
        `${a} is from an ${sa.family.toUpperCase()} and ${b} from an ${sb.family.toUpperCase()}; only states of one console family compare`,
        { a: sa.family, b: sb.family },
      );
    const strips = stateFormat(sa.family).diff(sa.text, sb.text);
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
      throw fail(
        'E_SNAPSHOT_FAMILY',
        `snapshot ${snap.label} is from an ${snap.family.toUpperCase()}; the console ${con.id} is an ${con.family.toUpperCase()}`,
        { snapshot: snap.family, console: con.family },
      );
    }
    const rep: ConsoleRestoreReport = await con.restore(snap.scene, {
      onlyChanged: true,
      actor: 'recall',
      trusted: true,
    });
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
      console: {
        applied: rep.applied,
        verified: rep.verified,
        mismatched: rep.mismatched,
        failed: rep.failed,
        not_taken: rep.not_taken,
      },
      patchbays,
      seconds: (performance.now() - t0) / 1000,
    };
  }

  /** The snapshot as its family's file (byte for byte what was captured or imported). */
  exportScene(ref: string): { mime: string; text: string } {
    const snap = this.get(ref);
    return { mime: stateFormat(snap.family).mime, text: snap.scene };
  }
}
