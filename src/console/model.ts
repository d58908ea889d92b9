import type { Device } from '../api/context.ts';
import type { Store } from '../store/db.ts';

/**
 * The family-neutral console model. Services (layout, recall, line check) speak neutral paths in
 * engineering units: 'input/3/name', 'input/3/mute', 'input/3/fader' (dB), 'input/3/hpf' (Hz),
 * 'input/3/phantom', 'input/3/send/aux/2/level' (dB), 'dca/1/name', 'scene/current'.
 */
export type NeutralPath = string;
export type Value = number | string | boolean | null;

export type ConsoleCaps = {
  inputs: number;
  auxes: number;
  dcas: number;
  muteGroups: number;
  names: boolean;
  nameLength: number;
  colours: boolean;
  icons: boolean;
  sceneRead: boolean;
  sceneText: boolean;
};

export type Change = { path: string; value: Value; raw?: boolean };
export type WriteVerdict = {
  path: string;
  address: string;
  requested: Value;
  actual: Value | undefined;
  verdict: 'verified' | 'mismatched' | 'failed';
  error?: string;
};
export type WriteReport = { console: string; results: WriteVerdict[]; ok: boolean };

export type OscillatorSettings = { level_db: number; freq_hz: number; type: 'sine' | 'pink' | 'white'; dest: number };

export interface Console extends Device {
  readonly family: 'x32' | 'sq' | 'qu';
  readonly caps: ConsoleCaps;
  get(path: NeutralPath): Value | undefined;
  write(changes: Change[], actor?: string): Promise<WriteReport>;
  /** Lines (or key/value rows) of the live model under a prefix. */
  nodes(prefix: string): Array<{ path: string; text?: string; value?: Value }>;
  /** Input-channel meters (linear peak, index 0 = input 1) and when they arrived; absent where the protocol sends none (SQ/Qu MIDI). */
  inputMeters?(): { at: number; levels: Float32Array } | undefined;
  /** The console's test oscillator to a destination, or off; absent where the protocol cannot drive it. */
  oscillator?(cfg: OscillatorSettings | null, actor?: string): Promise<WriteReport>;
  /** Oscillator destination that feeds exactly this output point (`bus:3`, `main:L`, `mtx:1`), if any. */
  oscillatorDest?(point: string): number | undefined;
}

/** Every console write lands in the audit log the same way, then becomes the route's report. */
export function auditedReport(
  store: Pick<Store, 'audit'>,
  consoleId: string,
  actor: string,
  results: WriteVerdict[],
): WriteReport {
  for (const r of results) {
    store.audit({
      actor,
      device: consoleId,
      action: 'set',
      target: r.address,
      value: r.requested,
      result: r.verdict === 'verified' ? 'ok' : r.verdict === 'mismatched' ? 'mismatch' : 'error',
      detail: r.verdict === 'verified' ? undefined : (r.error ?? `console holds ${JSON.stringify(r.actual)}`),
    });
  }
  return { console: consoleId, results, ok: results.every((r) => r.verdict === 'verified') };
}
