/** Extron SIS (patchbay-protocols.md §1): pure encoders and reply parsers. Audio layer = `$`. */
import type { ErrorCode } from '../../core/errors.ts';

export const ESC = '\x1b';
export type ExtronLayer = '!' | '&' | '%' | '$';
const LAYER_NAME: Record<string, ExtronLayer> = { All: '!', RGB: '&', Vid: '%', Aud: '$' };

export const tie = (input: number, output: number, layer: ExtronLayer = '$') => `${input}*${output}${layer}`;
/** Quick multiple tie: every tie takes at once; the reply is `Qik`. */
export const quickTie = (ties: Array<{ input: number; output: number }>, layer: ExtronLayer = '$') =>
  `${ESC}+Q${ties.map((t) => tie(t.input, t.output, layer)).join('')}\r`;
/** Read the whole map from `start` (pages of 16 outputs); layer 1 video, 2 audio. */
export const readMap = (start: number, layer: 1 | 2 = 2) => `${ESC}0*${start}*${layer}VC\r`;
export const readTie = (output: number, layer: ExtronLayer = '$') => `${output}${layer}`;
export const setVerbose = (mode: 0 | 1 | 2 | 3) => `${ESC}${mode}CV\r`;
export const savePreset = (n: number) => `${n},`;
export const recallPreset = (n: number) => `${n}.`;

export type ExtronReply =
  | { kind: 'tie'; output: number; input: number; layer: ExtronLayer }
  | { kind: 'tie-all'; input: number; layer: ExtronLayer }
  | { kind: 'qik' }
  | { kind: 'error'; code: number }
  | { kind: 'map'; start: number; inputs: Array<number | null | undefined>; layer: ExtronLayer }
  | { kind: 'verbose'; mode: number }
  | { kind: 'preset-saved'; n: number }
  | { kind: 'preset-recalled'; n: number }
  | { kind: 'banner' }
  | { kind: 'password' }
  | { kind: 'login'; level: string }
  | { kind: 'bare-number'; n: number }
  | { kind: 'unknown'; line: string };

export function parseReply(line: string): ExtronReply {
  let m: RegExpExecArray | null;
  const l = line.trim();
  if ((m = /^Out(\d+) In(\d+) (All|RGB|Vid|Aud)$/.exec(l)))
    return { kind: 'tie', output: Number(m[1]), input: Number(m[2]), layer: LAYER_NAME[m[3]!]! };
  if ((m = /^In(\d+) (All|RGB|Vid|Aud)$/.exec(l)))
    return { kind: 'tie-all', input: Number(m[1]), layer: LAYER_NAME[m[2]!]! };
  if (l === 'Qik') return { kind: 'qik' };
  if ((m = /^E(\d\d)$/.exec(l))) return { kind: 'error', code: Number(m[1]) };
  // the whole-map reply as frames send it, `Vgp00 Out01*03 03 00 -- … Aud` (Extron's own
  // control-system modules parse it so); models differ in `*` or a space after the output number,
  // 2 or 3 digits, and a space before the tag; an older page of the reference showed `Vgp00*Out01`
  if ((m = /^Vgp00 ?\*?Out(\d+)[* ]([0-9 -]*?) ?(Vid|Aud|RGB)$/.exec(l))) {
    const inputs = m[2]!
      .trim()
      .split(/\s+/)
      .filter((t) => t !== '')
      .map((t) => (/^-+$/.test(t) ? undefined : /^0+$/.test(t) ? null : Number(t)));
    if (inputs.every((v) => v === undefined || v === null || Number.isInteger(v)))
      return { kind: 'map', start: Number(m[1]), inputs, layer: LAYER_NAME[m[3]!]! };
  }
  if ((m = /^Vrb(\d)$/.exec(l))) return { kind: 'verbose', mode: Number(m[1]) };
  if ((m = /^Spr\s*0*(\d+)$/.exec(l))) return { kind: 'preset-saved', n: Number(m[1]) };
  if ((m = /^Rpr\s*0*(\d+)$/.exec(l))) return { kind: 'preset-recalled', n: Number(m[1]) };
  if (/^\(c\) Copyright/.test(l) || /^[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d$/.test(l))
    return { kind: 'banner' };
  if (/Password:$/.test(l)) return { kind: 'password' };
  if ((m = /^Login (Administrator|User)$/.exec(l))) return { kind: 'login', level: m[1]! };
  if ((m = /^(\d+)$/.exec(l))) return { kind: 'bare-number', n: Number(m[1]) };
  return { kind: 'unknown', line: l };
}

/** Extron error numbers -> our codes (E17 timeout and E22 busy are retryable). */
export function errorCode(code: number): { code: ErrorCode; text: string; retryable: boolean } {
  switch (code) {
    case 1:
      return { code: 'E_PATCH_INPUT_RANGE', text: 'E01 invalid input number', retryable: false };
    case 10:
      return { code: 'E_PATCH_COMMAND', text: 'E10 invalid command', retryable: false };
    case 11:
      return { code: 'E_PATCH_PRESET', text: 'E11 invalid preset number', retryable: false };
    case 12:
      return { code: 'E_PATCH_OUTPUT_RANGE', text: 'E12 invalid output number', retryable: false };
    case 13:
      return { code: 'E_PATCH_VALUE', text: 'E13 invalid parameter', retryable: false };
    case 14:
      return { code: 'E_PATCH_CONFIG', text: 'E14 not valid for this configuration', retryable: false };
    case 17:
      return { code: 'E_PATCH_BUSY', text: 'E17 timeout', retryable: true };
    case 22:
      return { code: 'E_PATCH_BUSY', text: 'E22 busy', retryable: true };
    case 24:
      return { code: 'E_PATCH_PRIVILEGE', text: 'E24 privilege violation', retryable: false };
    default:
      return { code: 'E_PATCH_DEVICE', text: `E${String(code).padStart(2, '0')}`, retryable: false };
  }
}
