import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Bus } from '../core/bus.ts';
import { fail, describeError } from '../core/errors.ts';
import type { AudioEngine } from '../dsp/engine/engine.ts';
import type { RecordResult } from '../dsp/engine/protocol.ts';
import { sha256File } from './backup.ts';
import type { GearService } from './gear.ts';
import type { SnapshotService } from './snapshots.ts';

export type PrintRecord = RecordResult & { version: string; sha256?: string; snapshot?: string; started_at: string };

/**
 * Printing a version: record the chosen interface inputs (the mix bus return) to a Broadcast WAV
 * in the DSP worker, measure integrated loudness and true peak while recording, then tie the
 * file, its SHA-256, a console + patchbay snapshot and the version's gear settings together.
 */
export class PrintService {
  private current: { id: number; version: string; done: Promise<PrintRecord> } | undefined;

  constructor(
    private readonly deps: {
      bus: Bus;
      engine: () => AudioEngine | undefined;
      gear: GearService;
      snapshots: SnapshotService;
      dataDir: string;
      inputs: number[];
    },
  ) {}

  async start(
    version: string,
    opts: { seconds?: number; inputs?: number[]; format?: 'int24' | 'float32' } = {},
  ): Promise<{ version: string; recording: number; path: string; done: Promise<PrintRecord> }> {
    if (this.current)
      throw fail('E_PRINT_BUSY', `a print of ${this.current.version} is running`, {
        version: this.current.version,
      });
    const engine = this.deps.engine();
    if (!engine) throw fail('E_AUDIO_OFFLINE', 'cannot print: the audio engine is not configured');
    try {
      await engine.whenOnline(); // a print asked for while the engine starts waits for it
    } catch {
      throw fail('E_AUDIO_OFFLINE', `cannot print: the audio engine is ${engine.status().state}`);
    }
    let v: { id: string; name: string };
    try {
      v = this.deps.gear.version(version);
    } catch {
      v = this.deps.gear.createVersion(version);
    }
    // the recall state at the start of the print
    let snapshot: string | undefined;
    try {
      snapshot = (await this.deps.snapshots.take(`${version} (print)`)).id;
    } catch (e) {
      snapshot = undefined;
      void describeError(e);
    }
    const dir = join(this.deps.dataDir, 'prints');
    mkdirSync(dir, { recursive: true });
    const started = new Date().toISOString();
    const path = join(dir, `${version.replace(/[^A-Za-z0-9_.-]+/g, '_')}-${started.replace(/[:.]/g, '-')}.wav`);
    const rec = engine.record({
      path,
      channels: opts.inputs ?? this.deps.inputs,
      seconds: opts.seconds,
      format: opts.format ?? 'int24',
      description: `${version} — printed by rad`,
      originator: 'rad',
    });
    const done = rec.done.then((r): PrintRecord => {
      const out: PrintRecord = { ...r, version: v.name, started_at: started, ...(snapshot ? { snapshot } : {}) };
      if (r.frames > 0) out.sha256 = sha256File(r.path);
      this.deps.gear.recordPrint(v.id, out, snapshot);
      this.current = undefined;
      return out;
    });
    this.current = { id: rec.id, version: v.name, done };
    return { version: v.name, recording: rec.id, path, done };
  }

  /** At shutdown: a running print is stopped and finished (its file and record are kept). */
  async shutdown(): Promise<void> {
    if (this.current) await this.stop();
  }

  stop(): Promise<PrintRecord> {
    const c = this.current;
    if (!c) throw fail('E_NO_PRINT', 'no print is running');
    this.deps.engine()?.stopRecord(c.id);
    return c.done;
  }
}
