/**
 * Allen & Heath SQ MIDI protocol (shared/reference/ah-midi.md §2–4): NRPN parameter numbers,
 * 14-bit values, level and pan laws, scene recall. Pure functions; hex in comments as the doc.
 */

export const SQ_COUNTS = {
  inputs: 48,
  groups: 12,
  fxReturns: 8,
  auxes: 12,
  fxSends: 4,
  matrices: 3,
  dcas: 8,
  muteGroups: 8,
  scenes: 300,
} as const;

const mbLb = (mb: number, lb: number) => mb * 128 + lb;
export const splitParam = (p: number) => ({ mb: p >> 7, lb: p & 0x7f });

/** A 4-message NRPN write on channel n (0-based), status repeated on every message. */
export function nrpnWrite(channel: number, param: number, value: number): Uint8Array {
  const st = 0xb0 | (channel & 0x0f);
  const { mb, lb } = splitParam(param);
  return Uint8Array.from([st, 0x63, mb, st, 0x62, lb, st, 0x06, (value >> 7) & 0x7f, st, 0x26, value & 0x7f]);
}

/** The SQ "get": NRPN number then CC 96 with 7F; the console answers with a normal write. */
export function nrpnGet(channel: number, param: number): Uint8Array {
  const st = 0xb0 | (channel & 0x0f);
  const { mb, lb } = splitParam(param);
  return Uint8Array.from([st, 0x63, mb, st, 0x62, lb, st, 0x60, 0x7f]);
}

// ---- parameter numbers ----

export type MuteStrip = 'input' | 'group' | 'fxreturn' | 'lr' | 'aux' | 'fxsend' | 'matrix' | 'dca' | 'mutegroup';
const MUTE_BASE: Record<MuteStrip, [number, number]> = {
  input: [mbLb(0x00, 0x00), 48],
  group: [mbLb(0x00, 0x30), 12],
  fxreturn: [mbLb(0x00, 0x3c), 8],
  lr: [mbLb(0x00, 0x44), 1],
  aux: [mbLb(0x00, 0x45), 12],
  fxsend: [mbLb(0x00, 0x51), 4],
  matrix: [mbLb(0x00, 0x55), 3],
  dca: [mbLb(0x02, 0x00), 8],
  mutegroup: [mbLb(0x04, 0x00), 8],
};

export function muteParam(strip: MuteStrip, n: number): number {
  const [base, count] = MUTE_BASE[strip];
  if (!Number.isInteger(n) || n < 1 || n > count)
    throw new RangeError(`${strip} ${n} does not exist on an SQ (1..${count})`);
  return base + n - 1;
}

export type Source = 'input' | 'group' | 'fxreturn' | 'lr' | 'aux';
export type Sink = 'lr' | 'aux' | 'group' | 'fxsend' | 'matrix';
type Route = { sinks: number; level?: number; pan?: number; assign: number };
const R = (mb: number, lb: number) => mbLb(mb, lb);
const ROUTES: Record<string, Route> = {
  'input>lr': { sinks: 1, level: R(0x40, 0x00), pan: R(0x50, 0x00), assign: R(0x60, 0x00) },
  'group>lr': { sinks: 1, level: R(0x40, 0x30), pan: R(0x50, 0x30), assign: R(0x60, 0x30) },
  'fxreturn>lr': { sinks: 1, level: R(0x40, 0x3c), pan: R(0x50, 0x3c), assign: R(0x60, 0x3c) },
  'input>aux': { sinks: 12, level: R(0x40, 0x44), pan: R(0x50, 0x44), assign: R(0x60, 0x44) },
  'group>aux': { sinks: 12, level: R(0x45, 0x04), pan: R(0x55, 0x04), assign: R(0x65, 0x04) },
  'fxreturn>aux': { sinks: 12, level: R(0x46, 0x14), pan: R(0x56, 0x14), assign: R(0x66, 0x14) },
  'input>group': { sinks: 12, assign: R(0x66, 0x74) },
  'fxreturn>group': { sinks: 12, assign: R(0x6b, 0x34) },
  'input>fxsend': { sinks: 4, level: R(0x4c, 0x14), assign: R(0x6c, 0x14) },
  'group>fxsend': { sinks: 4, level: R(0x4d, 0x54), assign: R(0x6d, 0x54) },
  'fxreturn>fxsend': { sinks: 4, level: R(0x4e, 0x04), assign: R(0x6e, 0x04) },
  'lr>matrix': { sinks: 3, level: R(0x4e, 0x24), pan: R(0x5e, 0x24), assign: R(0x6e, 0x24) },
  'aux>matrix': { sinks: 3, level: R(0x4e, 0x27), pan: R(0x5e, 0x27), assign: R(0x6e, 0x27) },
  'group>matrix': { sinks: 3, level: R(0x4e, 0x4b), pan: R(0x5e, 0x4b), assign: R(0x6e, 0x4b) },
};

/** `P = base + S·(s−1) + (k−1)` for a source → sink level, pan or assign. */
export function sendParam(kind: 'level' | 'pan' | 'assign', source: Source, s: number, sink: Sink, k: number): number {
  const r = ROUTES[`${source}>${sink}`];
  const base = r?.[kind];
  if (!r || base === undefined) throw new RangeError(`an SQ has no ${kind} for ${source} → ${sink}`);
  if (!Number.isInteger(k) || k < 1 || k > r.sinks) throw new RangeError(`${sink} ${k} does not exist (1..${r.sinks})`);
  return base + r.sinks * (s - 1) + (k - 1);
}

export type Master = 'lr' | 'aux' | 'fxsend' | 'matrix' | 'dca';
const MASTER: Record<Master, [number, number, number | undefined]> = {
  lr: [R(0x4f, 0x00), 1, R(0x5f, 0x00)],
  aux: [R(0x4f, 0x01), 12, R(0x5f, 0x01)],
  // FX send balance 5F 0D..10: the A&H document lists it (ah-midi.md §3.3); Companion treats the
  // sends as mono and omits it. Listed = synced: a console that does not answer it leaves it missing.
  fxsend: [R(0x4f, 0x0d), 4, R(0x5f, 0x0d)],
  matrix: [R(0x4f, 0x11), 3, R(0x5f, 0x11)],
  dca: [R(0x4f, 0x20), 8, undefined],
};

export function masterParam(kind: 'level' | 'balance', out: Master, n: number): number {
  const [level, count, balance] = MASTER[out];
  if (!Number.isInteger(n) || n < 1 || n > count) throw new RangeError(`${out} ${n} does not exist (1..${count})`);
  const base = kind === 'level' ? level : balance;
  if (base === undefined) throw new RangeError(`${out} has no balance`);
  return base + n - 1;
}

// ---- laws ----

/**
 * Linear taper (the console's default "NRPN Fader Law"): 16384 steps, 0 dB = 15196.
 * `V = (dB + 128)·16383/138` meets every published row within ±1; Companion's
 * `15196 + 118.775·dB` is 5 steps off at −89 dB, so it is not used.
 */
export function levelToLinear(db: number | null): number {
  if (db === null || db === Number.NEGATIVE_INFINITY || db < -89.5) return 0;
  if (db >= 10) return 16383;
  return Math.max(1, Math.min(16383, Math.round(((db + 128) * 16383) / 138)));
}

export function linearToLevel(v: number): number | null {
  if (v <= 0) return null;
  const db = (v * 138) / 16383 - 128;
  if (db < -89.5) return null;
  return Math.round(Math.min(10, db) * 10) / 10 + 0;
}

/** Audio taper: the published table (255 steps follow the console's fader scale; exact law unpublished). */
const AUDIO_TABLE: Array<[number, number]> = [
  [-89, 0x01 * 128 + 0x40],
  [-80, 0x02 * 128 + 0x40],
  [-60, 0x06 * 128],
  [-50, 0x08 * 128],
  [-45, 0x0c * 128],
  [-40, 0x0f * 128 + 0x40],
  [-30, 0x1f * 128],
  [-20, 0x2e * 128 + 0x40],
  [-12, 0x3b * 128],
  [-10, 0x3e * 128],
  [-5, 0x4e * 128 + 0x40],
  [-1, 0x5e * 128],
  [0, 0x62 * 128],
  [1, 0x65 * 128 + 0x40],
  [5, 0x73 * 128 + 0x40],
  [10, 0x7f * 128 + 0x40],
];

export function levelToAudio(db: number | null): number {
  if (db === null || db < -89) return 0;
  const t = AUDIO_TABLE;
  if (db >= 10) return t[t.length - 1]![1];
  for (let i = 1; i < t.length; i++) {
    const [d1, v1] = t[i]!;
    if (db <= d1) {
      const [d0, v0] = t[i - 1]!;
      const v = v0 + ((db - d0) / (d1 - d0)) * (v1 - v0);
      return Math.round(v / 64) * 64; // 255 steps: VF is 00 or 40
    }
  }
  return t[t.length - 1]![1];
}

export function audioToLevel(v: number): number | null {
  if (v <= 0) return null;
  const t = AUDIO_TABLE;
  if (v <= t[0]![1]) return -89;
  for (let i = 1; i < t.length; i++) {
    const [d1, v1] = t[i]!;
    if (v <= v1) {
      const [d0, v0] = t[i - 1]!;
      return Math.round((d0 + ((v - v0) / (v1 - v0)) * (d1 - d0)) * 10) / 10;
    }
  }
  return 10;
}

/** The console's "NRPN Fader Law" setting; a driver must use the same one (§4). */
export type SqLaw = 'linear' | 'audio';
export const encodeLevel = (law: SqLaw, db: number | null) => (law === 'linear' ? levelToLinear(db) : levelToAudio(db));
export const decodeLevel = (law: SqLaw, v: number) => (law === 'linear' ? linearToLevel(v) : audioToLevel(v));

/** Pan / balance: −100 (L) … +100 (R) %, centre 8191. */
export const panToValue = (p: number) => Math.floor(((100 + Math.max(-100, Math.min(100, p))) * 16383) / 200);
export const valueToPan = (v: number) => Math.round((v * 200) / 16383 - 100) + 0; // + 0: never −0

/** Scene s (1..300): bank select + program change. */
export function sceneRecall(channel: number, scene: number): Uint8Array {
  if (!Number.isInteger(scene) || scene < 1 || scene > 300)
    throw new RangeError(`scene ${scene} does not exist (1..300)`);
  const s = scene - 1;
  return Uint8Array.from([0xb0 | channel, 0x00, s >> 7, 0xc0 | channel, s & 0x7f]);
}
