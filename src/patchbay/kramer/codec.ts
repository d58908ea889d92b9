/** Kramer Protocol 3000 (patchbay-protocols.md §2): `#CMD params\r` → `~NN@CMD params OK\r\n`. Audio layer = 2. */
import type { ErrorCode } from '../../core/errors.ts';

export const AUDIO_LAYER = 2;
export const handshake = () => '#\r';
export const login = (password: string) => `#LOGIN ${password}\r`;
export const route = (layer: number, output: number, input: number) => `#ROUTE ${layer},${output},${input}\r`;
/** Several audio ties in one command (legacy form, widely supported on switchers). */
export const audMulti = (ties: Array<{ input: number; output: number }>) =>
  `#AUD ${ties.map((t) => `${t.input}>${t.output}`).join(',')}\r`;
export const routeQuery = (layer: number, output: number | '*') => `#ROUTE? ${layer},${output}\r`;
export const presetStore = (n: number) => `#PRST-STO ${n}\r`;
export const presetRecall = (n: number) => `#PRST-RCL ${n}\r`;

export type KramerReply =
  | { kind: 'ok'; machine: number; command: string; params: string }
  | { kind: 'route'; machine: number; layer: number; output: number; input: number; ok: boolean }
  | { kind: 'error'; machine: number; command: string; code: number }
  /** Legacy tie lines a unit pushes when anyone switches: `~01@AUD 4>12`, `~01@AV 1>2,1>3`, `~01@VID …`. */
  | { kind: 'ties'; machine: number; layer: 'AUD' | 'AV' | 'VID'; ties: Array<{ input: number; output: number }> }
  | { kind: 'unknown'; line: string };

export function parseReply(line: string): KramerReply {
  const l = line.trim();
  let m = /^~(\d\d)@(?:([A-Z0-9?-]+) )?ERR\s*(\d{3})$/i.exec(l);
  if (m) return { kind: 'error', machine: Number(m[1]), command: (m[2] ?? '').toUpperCase(), code: Number(m[3]) };
  m = /^~(\d\d)@ROUTE (\d+),(\d+),(\d+)( OK)?$/i.exec(l);
  if (m)
    return {
      kind: 'route',
      machine: Number(m[1]),
      layer: Number(m[2]),
      output: Number(m[3]),
      input: Number(m[4]),
      ok: m[5] !== undefined,
    };
  // a legacy tie line without OK is not a reply: another controller (or the front panel) switched
  m = /^~(\d\d)@(AUD|AV|VID) ((?:\d+>\d+\s*,?\s*)+)$/i.exec(l);
  if (m)
    return {
      kind: 'ties',
      machine: Number(m[1]),
      layer: m[2]!.toUpperCase() as 'AUD' | 'AV' | 'VID',
      ties: [...m[3]!.matchAll(/(\d+)>(\d+)/g)].map((t) => ({ input: Number(t[1]), output: Number(t[2]) })),
    };
  m = /^~(\d\d)@([A-Z0-9?-]*)\s*(.*?)\s*OK$/i.exec(l);
  if (m) return { kind: 'ok', machine: Number(m[1]), command: m[2]!.toUpperCase(), params: m[3]! };
  return { kind: 'unknown', line: l };
}

export function errorCode(code: number): { code: ErrorCode; text: string; retryable: boolean } {
  switch (code) {
    case 1:
      return { code: 'E_PATCH_COMMAND', text: 'ERR 001 syntax error', retryable: false };
    case 2:
      return { code: 'E_PATCH_COMMAND', text: 'ERR 002 command not available on this device', retryable: false };
    case 3:
      return { code: 'E_PATCH_VALUE', text: 'ERR 003 parameter out of range', retryable: false };
    case 4:
      return { code: 'E_PATCH_AUTH', text: 'ERR 004 unauthorized (login needed)', retryable: false };
    case 6:
      return { code: 'E_PATCH_BUSY', text: 'ERR 006 protocol busy', retryable: true };
    case 8:
      return { code: 'E_PATCH_BUSY', text: 'ERR 008 timeout', retryable: true };
    default:
      return { code: 'E_PATCH_DEVICE', text: `ERR ${String(code).padStart(3, '0')}`, retryable: false };
  }
}
