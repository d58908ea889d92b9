/**
 * Allen & Heath Qu (Qu-16/24/32/Pac/SB) MIDI protocol (shared/reference/ah-midi.md §5): strip
 * numbers, NRPN fields (four separate 7-bit bytes), mutes by Note On, the 7-bit fader/send law,
 * pan, scene recall and the A&H SysEx frames. Pure functions.
 */

export type QuModel = 'Qu-16' | 'Qu-24' | 'Qu-32' | 'Qu-Pac' | 'Qu-SB';
export const QU_BOX: Record<number, QuModel> = { 1: 'Qu-16', 2: 'Qu-24', 3: 'Qu-32', 4: 'Qu-Pac', 5: 'Qu-SB' };

/** A settings `model` string (any case) → the Qu model; unknown or absent → Qu-32. */
export function quModelNamed(name: string | undefined): QuModel {
  return Object.values(QU_BOX).find((m) => m.toLowerCase() === (name ?? '').toLowerCase()) ?? 'Qu-32';
}

export type QuCaps = { inputs: number; fxSends: number; groups: number; matrices: number };
export function quCaps(model: QuModel): QuCaps {
  if (model === 'Qu-16') return { inputs: 16, fxSends: 2, groups: 0, matrices: 0 };
  if (model === 'Qu-24') return { inputs: 24, fxSends: 4, groups: 2, matrices: 2 };
  return { inputs: 32, fxSends: 4, groups: 4, matrices: 2 };
}

export type QuStrip =
  | 'input'
  | 'stereo'
  | 'fxsend'
  | 'fxreturn'
  | 'dca'
  | 'mutegroup'
  | 'mix'
  | 'lr'
  | 'group'
  | 'matrix';

/** Strip number CH (= NRPN MSB = mute note). `mix` 1..4 mono, 5..7 = 5/6, 7/8, 9/10; groups and matrices are stereo pairs. */
export function quStrip(model: QuModel, strip: QuStrip, n = 1): number {
  const c = quCaps(model);
  const limit: Record<QuStrip, [number, number]> = {
    input: [0x20, c.inputs],
    stereo: [0x40, 3],
    fxsend: [0x00, c.fxSends],
    fxreturn: [0x08, 4],
    dca: [0x10, 4],
    mutegroup: [0x50, 4],
    mix: [0x60, 7],
    lr: [0x67, 1],
    group: [0x68, c.groups],
    matrix: [0x6c, c.matrices],
  };
  const [base, count] = limit[strip];
  if (!Number.isInteger(n) || n < 1 || n > count)
    throw new RangeError(`${strip} ${n} does not exist on a ${model}${count ? ` (1..${count})` : ' (none)'}`);
  return base + n - 1;
}

export const QU_ID = {
  fader: 0x17,
  pan: 0x16,
  sendLevel: 0x20,
  assign: 0x55,
  prePost: 0x50,
  lrAssign: 0x18,
  dcaAssign: 0x40,
  muteGroupAssign: 0x5c,
  pafl: 0x51,
  gain: 0x19,
  phantom: 0x69,
} as const;

/** DCA and mute-group assignment VA (ah-midi.md §5.2): 40 + (n−1) assigns, (n−1) removes. */
export function quAssignVa(n: number, on: boolean): number {
  return (on ? 0x40 : 0) + (n - 1);
}

export function quAssignFromVa(va: number): { n: number; on: boolean } | undefined {
  const on = va >= 0x40;
  const n = (va & 0x3f) + 1;
  return n >= 1 && n <= 4 && (va & 0x3f) === va - (on ? 0x40 : 0) ? { n, on } : undefined;
}

export type QuSink =
  | { kind: 'mix'; n: number }
  | { kind: 'lr' }
  | { kind: 'group'; n: number }
  | { kind: 'matrix'; n: number }
  | { kind: 'fxsend'; n: number };

/** Send destination VX (§5.3). */
export function quDest(model: QuModel, sink: QuSink): number {
  switch (sink.kind) {
    case 'lr':
      return 0x07;
    case 'mix':
      return quStrip(model, 'mix', sink.n) - 0x60;
    case 'group':
      return 0x08 + quStrip(model, 'group', sink.n) - 0x68;
    case 'matrix':
      return 0x0c + quStrip(model, 'matrix', sink.n) - 0x6c;
    case 'fxsend':
      return 0x10 + quStrip(model, 'fxsend', sink.n);
  }
}

/** NRPN write: CH, ID, VA, VX as four CCs on channel n, status repeated. */
export function quNrpn(channel: number, ch: number, id: number, va: number, vx = 0x07): Uint8Array {
  const st = 0xb0 | (channel & 0x0f);
  return Uint8Array.from([st, 0x63, ch & 0x7f, st, 0x62, id & 0x7f, st, 0x06, va & 0x7f, st, 0x26, vx & 0x7f]);
}

/** Mute on/off: Note On with velocity 7F / 3F, then the release `9N CH 00`. */
export function quMute(channel: number, ch: number, on: boolean): Uint8Array {
  const st = 0x90 | (channel & 0x0f);
  return Uint8Array.from([st, ch, on ? 0x7f : 0x3f, st, ch, 0x00]);
}

/** Receive rule (§5.4): ≥ 40 on, 01..3F off, 00 = release (undefined: ignore). */
export function quMuteFromVelocity(velocity: number): boolean | undefined {
  if (velocity === 0) return undefined;
  return velocity >= 0x40;
}

/** The published fader/send law points (§5.5); linear interpolation between them. */
const LAW: Array<[number, number]> = [
  [-50, 0x08],
  [-45, 0x0c],
  [-40, 0x10],
  [-35, 0x17],
  [-30, 0x1f],
  [-25, 0x27],
  [-20, 0x2f],
  [-15, 0x36],
  [-10, 0x3f],
  [-5, 0x4f],
  [0, 0x62],
  [5, 0x72],
  [10, 0x7f],
];

export function quLevelToVa(db: number | null): number {
  if (db === null || db < -55) return 0;
  if (db >= 10) return 0x7f;
  if (db < -50) return Math.max(1, Math.round(0x08 + ((db + 50) / 5) * 0x08)); // below the table: toward 00 at −55
  for (let i = 1; i < LAW.length; i++) {
    const [d1, v1] = LAW[i]!;
    if (db <= d1) {
      const [d0, v0] = LAW[i - 1]!;
      return Math.round(v0 + ((db - d0) / (d1 - d0)) * (v1 - v0));
    }
  }
  return 0x7f;
}

export function quVaToLevel(va: number): number | null {
  if (va <= 0) return null;
  if (va < 0x08) return Math.round((-50 - ((0x08 - va) / 0x08) * 5) * 10) / 10;
  for (let i = 1; i < LAW.length; i++) {
    const [d1, v1] = LAW[i]!;
    if (va <= v1) {
      const [d0, v0] = LAW[i - 1]!;
      return Math.round((d0 + ((va - v0) / (v1 - v0)) * (d1 - d0)) * 10) / 10;
    }
  }
  return 10;
}

/** Pan: VA 00 (L100) .. 25 (centre) .. 4A (R100). */
export const quPanToVa = (p: number) => Math.round(37 + (Math.max(-100, Math.min(100, p)) * 37) / 100);
export const quVaToPan = (va: number) => Math.round(((Math.min(0x4a, va) - 37) * 100) / 37) + 0;

/** Scene s (1..100): `BN 00 00 BN 20 00 CN (s−1)`. */
export function quSceneRecall(channel: number, scene: number): Uint8Array {
  if (!Number.isInteger(scene) || scene < 1 || scene > 100)
    throw new RangeError(`scene ${scene} does not exist on a Qu (1..100)`);
  const st = 0xb0 | channel;
  return Uint8Array.from([st, 0x00, 0x00, st, 0x20, 0x00, 0xc0 | channel, scene - 1]);
}

// ---- SysEx (§5.7) ----

export const QU_HEADER = [0xf0, 0x00, 0x00, 0x1a, 0x50, 0x11, 0x01, 0x00] as const;
const frame = (n: number, body: number[]) => Uint8Array.from([...QU_HEADER, n & 0x7f, ...body, 0xf7]);

export const quGetSystemState = (quPad = false) => frame(0x7f, [0x10, quPad ? 0x01 : 0x00]);
export const quSystemStateReply = (channel: number, model: QuModel, major: number, minor: number) => {
  const box = Number(Object.entries(QU_BOX).find(([, m]) => m === model)![0]);
  return frame(channel, [0x11, box, major, minor]);
};
export const quEndSync = (channel: number) => frame(channel, [0x14]);
export const quGetName = (channel: number, ch: number) => frame(channel, [0x01, ch]);

/** Names: up to 6 printable ASCII characters; replies carry 7 bytes, NUL padded. */
export function quCleanName(name: string): string {
  return name.replace(/[^\x20-\x7e]/g, '').slice(0, 6);
}
export const quSetName = (channel: number, ch: number, name: string) =>
  frame(channel, [0x03, ch, ...Buffer.from(quCleanName(name), 'ascii')]);
export function quNameReply(channel: number, ch: number, name: string): Uint8Array {
  const b = Buffer.alloc(7);
  b.write(quCleanName(name), 'ascii');
  return frame(channel, [0x02, ch, ...b]);
}

export type QuSysex =
  | { kind: 'state-request'; channel: number; quPad: boolean }
  | { kind: 'state-reply'; channel: number; model: QuModel | undefined; box: number; firmware: string }
  | { kind: 'name'; channel: number; strip: number; name: string }
  | { kind: 'get-name'; channel: number; strip: number }
  | { kind: 'set-name'; channel: number; strip: number; name: string }
  | { kind: 'end-sync'; channel: number }
  | { kind: 'meters'; channel: number; data: Uint8Array };

/** Decodes an A&H Qu SysEx frame; anything else (other makers, dLive family 10, short frames) is undefined. */
export function parseQuSysex(f: Uint8Array): QuSysex | undefined {
  if (f.length < 11 || f[f.length - 1] !== 0xf7) return undefined;
  for (let i = 0; i < QU_HEADER.length; i++) if (f[i] !== QU_HEADER[i]) return undefined;
  const channel = f[8]!;
  const cmd = f[9]!;
  const body = f.subarray(10, f.length - 1);
  const text = (b: Uint8Array) => Buffer.from(b).toString('ascii').replace(/\0.*$/s, '');
  switch (cmd) {
    case 0x10:
      return body.length === 1 ? { kind: 'state-request', channel, quPad: body[0] === 1 } : undefined;
    case 0x11:
      return body.length === 3
        ? { kind: 'state-reply', channel, model: QU_BOX[body[0]!], box: body[0]!, firmware: `${body[1]}.${body[2]}` }
        : undefined;
    case 0x02:
      return body.length >= 1 ? { kind: 'name', channel, strip: body[0]!, name: text(body.subarray(1)) } : undefined;
    case 0x01:
      return body.length === 1 ? { kind: 'get-name', channel, strip: body[0]! } : undefined;
    case 0x03:
      return body.length >= 1
        ? { kind: 'set-name', channel, strip: body[0]!, name: text(body.subarray(1)) }
        : undefined;
    case 0x14:
      return body.length === 0 ? { kind: 'end-sync', channel } : undefined;
    case 0x13:
      return { kind: 'meters', channel, data: body };
    default:
      return undefined;
  }
}
