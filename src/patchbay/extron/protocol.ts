import { deviceError } from '../errors.ts';
import type { RouterCaps } from '../model.ts';
import type { PatchProtocol } from '../protocol.ts';
import {
  errorCode,
  parseReply,
  quickTie,
  readMap,
  readTie,
  recallPreset,
  savePreset,
  setVerbose,
  tie,
} from './codec.ts';

const isError = (l: string) => parseReply(l).kind === 'error';
function throwIfError(device: string, line: string): void {
  const r = parseReply(line);
  if (r.kind === 'error') {
    const e = errorCode(r.code);
    throw deviceError(device, e.code, e.text, e.retryable);
  }
}

/** Extron SIS over serial (9600 8N1) or Telnet (TCP 23): audio-layer ties, Qik multi-ties, VC map reads. */
async function readEachOutput(
  io: Parameters<NonNullable<typeof extronProtocol.readAll>>[0],
  outputs: number,
  timeoutMs: number,
): Promise<Array<number | null>> {
  const map: Array<number | null> = [];
  for (let o = 1; o <= outputs; o++) {
    const line = await io.request(
      readTie(o, '$'),
      (l) => {
        const p = parseReply(l);
        return p.kind === 'bare-number' || p.kind === 'error';
      },
      timeoutMs,
      `tie read of output ${o}`,
    );
    throwIfError(io.link.describe, line);
    const p = parseReply(line);
    map.push(p.kind === 'bare-number' && p.n > 0 ? p.n : null);
  }
  return map;
}

export const extronProtocol: PatchProtocol = {
  name: 'extron-sis',
  prompts: ['Password:'],
  caps: (inputs: number, outputs: number): RouterCaps => ({
    inputs,
    outputs,
    atomicMultiTie: true,
    canReadBack: true,
    canDisconnect: true,
    pushesChanges: true,
    presets: true,
  }),

  async attach(io, { password, timeoutMs }) {
    // the banner (if any) arrives unsolicited; a password prompt needs an answer
    const prompt = await io
      .expect((l) => parseReply(l).kind === 'password', 300, 'password prompt')
      .catch(() => undefined);
    if (prompt !== undefined) {
      if (!password)
        throw deviceError(
          io.link.describe,
          'E_PATCH_AUTH',
          'the switcher asks for a password; set patchbays[].password',
        );
      const r = await io.request(
        `${password}\r`,
        (l) => ['login', 'password'].includes(parseReply(l).kind),
        timeoutMs,
        'login',
      );
      if (parseReply(r).kind !== 'login') throw deviceError(io.link.describe, 'E_PATCH_AUTH', 'password refused');
    }
    const v = await io.request(
      setVerbose(3),
      (l) => parseReply(l).kind === 'verbose' || isError(l),
      timeoutMs,
      'verbose mode',
    );
    throwIfError(io.link.describe, v);
  },

  async route(io, ties, { atomic, timeoutMs }) {
    const dev = io.link.describe;
    if (atomic && ties.length > 1) {
      const r = await io.request(
        quickTie(ties.map((t) => ({ input: t.input ?? 0, output: t.output }))),
        (l) => l === 'Qik' || isError(l),
        timeoutMs,
        'quick multi-tie',
      );
      throwIfError(dev, r);
      return;
    }
    for (const t of ties) {
      const input = t.input ?? 0;
      const r = await io.request(
        tie(input, t.output),
        (l) => {
          const p = parseReply(l);
          return (p.kind === 'tie' && p.output === t.output && p.input === input) || p.kind === 'error';
        },
        timeoutMs,
        `tie ${input}*${t.output}$`,
      );
      throwIfError(dev, r);
    }
  },

  async readAll(io, outputs, timeoutMs) {
    const map: Array<number | null> = [];
    for (let start = 1; start <= outputs; start += 16) {
      const line = await io.request(
        readMap(start, 2),
        (l) => {
          const p = parseReply(l);
          return (p.kind === 'map' && p.start === start) || p.kind === 'error';
        },
        timeoutMs,
        `map read from output ${start}`,
      );
      // a frame without the map read (it answers an error) is read one output at a time: `o$` → input
      if (isError(line)) return readEachOutput(io, outputs, timeoutMs);
      const p = parseReply(line);
      if (p.kind !== 'map') continue;
      for (const v of p.inputs) {
        if (v === undefined || map.length >= outputs) break;
        map.push(v);
      }
    }
    if (map.length < outputs)
      throw deviceError(
        io.link.describe,
        'E_PATCH_SIZE',
        `the frame reports ${map.length} outputs; settings say ${outputs}`,
      );
    return map;
  },

  watch(io, onTies, onChanged) {
    io.on('line', (line) => {
      const p = parseReply(line);
      if (p.kind === 'tie' && (p.layer === '$' || p.layer === '!'))
        onTies([{ output: p.output, input: p.input === 0 ? null : p.input }]);
      // a Qik multi-tie or a preset recall (another client, the front panel) does not list its
      // ties (patchbay-protocols.md: "re-read the matrix"): the map is read again
      else if (p.kind === 'qik' || p.kind === 'preset-recalled') onChanged?.();
    });
  },

  async savePreset(io, n, timeoutMs) {
    throwIfError(
      io.link.describe,
      await io.request(savePreset(n), (l) => parseReply(l).kind === 'preset-saved' || isError(l), timeoutMs),
    );
  },
  async recallPreset(io, n, timeoutMs) {
    throwIfError(
      io.link.describe,
      await io.request(recallPreset(n), (l) => parseReply(l).kind === 'preset-recalled' || isError(l), timeoutMs),
    );
  },
};
