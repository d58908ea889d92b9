import type { Device } from '../core/device.ts';
import type { Bus } from '../core/bus.ts';

/**
 * The family-neutral console model. Services (layout, recall, line check) speak neutral paths in
 * engineering units: 'input/3/name', 'input/3/mute', 'input/3/fader' (dB), 'input/3/hpf' (Hz),
 * 'input/3/phantom', 'input/3/send/aux/2/level' (dB), 'dca/1/name', 'scene/current'.
 */
export type NeutralPath = string;
export type Value = number | string | boolean | null;

export type ConsoleFamily = 'x32' | 'sq' | 'qu';

/** Where and how to reach one console: the root builds it from settings (consoles[]). */
export type ConsoleConfig = {
  id: string;
  family: ConsoleFamily;
  host?: string;
  port?: number;
  midi_port?: string;
  midi_channel?: number;
  model?: string;
};

/**
 * What a console is and what its wire can carry. Services ask these flags before they act
 * (Home Assistant's supported_features), never the console's class.
 */
export type ConsoleCaps = {
  inputs: number;
  auxes: number;
  dcas: number;
  muteGroups: number;
  /** Strip names can be written, up to nameLength characters. */
  names: boolean;
  nameLength: number;
  colours: boolean;
  icons: boolean;
  /** Preamp gain, 48 V and HPF per input (X32); 48 V only (Qu). */
  preamps: boolean;
  /** The preamp's gain range and step (dB) where `input/N/gain` can be written; absent where it cannot. */
  preampGain?: { min: number; max: number; step: number };
  /** The whole state can be read back (scene text or a synced model). */
  sceneRead: boolean;
  /** The state is scene text (X32 .scn); otherwise a key/value model (JSON). */
  sceneText: boolean;
  /** The console's test oscillator can be driven (and sent to one output). */
  oscillator: boolean;
  /** The console streams input meters. */
  inputMeters: boolean;
  /** `raw: true` writes the wire value (X32: OSC float/int/string; SQ/Qu: the NRPN data value). */
  raw: boolean;
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

/** A console's whole state, as its family writes it (X32 scene text; SQ/Qu JSON model). */
export type ConsoleState = {
  family: ConsoleFamily;
  console: string;
  text: string;
  lines: number;
  missing: string[];
  retries: number;
  seconds: number;
};

export type LineVerdict = {
  line: number;
  path: string;
  status: 'verified' | 'mismatched' | 'failed';
  diffs?: Array<{ address: string; wanted: string; got: string }>;
};

/** What a restore (or a scene apply) did, the same shape on every family. */
export type RestoreReport = {
  applied: number;
  verified: number;
  mismatched: number;
  failed: number;
  /** Lines or rows of the file that were not valid (applied only with `partial`). */
  skipped: Array<{ line: number; reason: string }>;
  /** One verdict per line (X32) or value (SQ/Qu) written. */
  lines: LineVerdict[];
  /** What the console did not take, worded. */
  not_taken: string[];
  /** Values left as the console has them: tokens it reported that rad's tables do not know. */
  kept?: string[];
  seconds: number;
};

export type SceneRecallReport = { console: string; scene: number; changed: number; seconds: number };

export type RestoreOptions = {
  partial?: boolean;
  onlyChanged?: boolean;
  actor?: string;
  /**
   * The state is rad's own capture of this console (a snapshot): read leniently, so a token the
   * console itself reported never refuses the restore; such tokens are not written back.
   */
  trusted?: boolean;
};

export interface Console extends Device {
  readonly family: ConsoleFamily;
  readonly caps: ConsoleCaps;
  get(path: NeutralPath): Value | undefined;
  /**
   * Recall a stored scene on the console, then re-read its whole state: every value the recall
   * changed goes out as console.changed. Numbers are the console's own (X32 0–99, SQ 1–300, Qu 1–100).
   */
  recallScene(n: number, actor?: string): Promise<SceneRecallReport>;
  /** The token a leaf holds when it is outside rad's tables (kept as the console sent it), else undefined. */
  unvalidated?(path: NeutralPath): string | undefined;
  write(changes: Change[], actor?: string): Promise<WriteReport>;
  /** Lines (or key/value rows) of the live model under a prefix. */
  nodes(prefix: string): Array<{ path: string; text?: string; value?: Value }>;
  /** The whole state read from the console now. */
  capture(opts?: {
    name?: string;
    note?: string;
    onProgress?: (done: number, total: number) => void;
  }): Promise<ConsoleState>;
  /** The live model as the family's state text, with no I/O (for diffs against "live"). */
  state(): string;
  /** Writes a state (the family's text) and reads every touched value back. */
  restore(text: string, opts?: RestoreOptions): Promise<RestoreReport>;
  /** Input-channel meters (linear peak, index 0 = input 1); undefined until some arrived or when caps.inputMeters is false. */
  inputMeters(): { at: number; levels: Float32Array } | undefined;
  /** The test oscillator to a destination, or off. Throws E_CAPABILITY when caps.oscillator is false. */
  oscillator(cfg: OscillatorSettings | null, actor?: string): Promise<WriteReport>;
  /** Oscillator destination that feeds exactly this output point (`bus:3`, `main:L`, `mtx:1`), if any. */
  oscillatorDest(point: string): number | undefined;
}

/** A leaf's value, or undefined where this console's protocol has no such leaf (E_UNKNOWN_PATH, E_NO_PREAMP…). */
export function readValue(con: Pick<Console, 'get'>, path: NeutralPath): Value | undefined {
  try {
    return con.get(path);
  } catch {
    return undefined;
  }
}

/** Every console write goes out as `device.write` (the audit log), then becomes the route's report. */
export function auditedReport(
  bus: Pick<Bus, 'emit'>,
  consoleId: string,
  actor: string,
  results: WriteVerdict[],
): WriteReport {
  for (const r of results) {
    bus.emit('device.write', {
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
