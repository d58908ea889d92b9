import { deviceError } from '../errors.ts';
import type { RouterCaps } from '../model.ts';
import type { PatchProtocol } from '../protocol.ts';
import {
  AUDIO_LAYER,
  audMulti,
  errorCode,
  handshake,
  login,
  parseReply,
  presetRecall,
  presetStore,
  route,
  routeQuery,
} from './codec.ts';

function check(device: string, line: string): void {
  const r = parseReply(line);
  if (r.kind === 'error') {
    const e = errorCode(r.code);
    throw deviceError(device, e.code, e.text, e.retryable);
  }
}
const okOrErr = (cmd: string) => (l: string) => {
  const r = parseReply(l);
  return (r.kind === 'ok' && r.command === cmd) || r.kind === 'error';
};

/** Kramer Protocol 3000 over serial (115200 8N1) or TCP 5000: audio layer 2. */
export const kramerProtocol: PatchProtocol = {
  name: 'kramer-p3000',
  prompts: [],
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
    check(io.link.describe, await io.request(handshake(), okOrErr(''), timeoutMs, 'handshake #'));
    if (password) check(io.link.describe, await io.request(login(password), okOrErr('LOGIN'), timeoutMs, 'login'));
  },

  async route(io, ties, { atomic, timeoutMs }) {
    const dev = io.link.describe;
    if (atomic && ties.length > 1) {
      check(
        dev,
        await io.request(
          audMulti(ties.map((t) => ({ input: t.input ?? 0, output: t.output }))),
          okOrErr('AUD'),
          timeoutMs,
          '#AUD multi-tie',
        ),
      );
      return;
    }
    for (const t of ties) {
      const input = t.input ?? 0;
      const line = await io.request(
        route(AUDIO_LAYER, t.output, input),
        (l) => {
          const r = parseReply(l);
          return (r.kind === 'route' && r.ok && r.output === t.output && r.input === input) || r.kind === 'error';
        },
        timeoutMs,
        `#ROUTE ${AUDIO_LAYER},${t.output},${input}`,
      );
      check(dev, line);
    }
  },

  async readAll(io, outputs, timeoutMs) {
    const map: Array<number | null | undefined> = new Array(outputs).fill(undefined);
    let got = 0;
    const done = new Promise<void>((resolve, reject) => {
      const onLine = (l: string) => {
        const r = parseReply(l);
        if (r.kind === 'error') {
          io.off('line', onLine);
          const e = errorCode(r.code);
          reject(deviceError(io.link.describe, e.code, e.text, e.retryable));
        }
        if (r.kind !== 'route' || r.ok || r.layer !== AUDIO_LAYER || r.output < 1 || r.output > outputs) return;
        if (map[r.output - 1] === undefined) got++;
        map[r.output - 1] = r.input === 0 ? null : r.input;
        if (got === outputs) {
          io.off('line', onLine);
          resolve();
        }
      };
      io.on('line', onLine);
      setTimeout(() => {
        io.off('line', onLine);
        reject(deviceError(io.link.describe, 'E_PATCH_TIMEOUT', `#ROUTE? answered ${got} of ${outputs} outputs`));
      }, timeoutMs * 2).unref();
    });
    io.write(routeQuery(AUDIO_LAYER, '*'));
    await done;
    return map as Array<number | null>;
  },

  watch(io, onTies) {
    io.on('line', (line) => {
      const r = parseReply(line);
      if (r.kind === 'route' && !r.ok && r.layer === AUDIO_LAYER)
        onTies([{ output: r.output, input: r.input === 0 ? null : r.input }]);
      // the legacy pushes; a video-only switch (VID) leaves the audio layer rad follows as it was
      else if (r.kind === 'ties' && r.layer !== 'VID')
        onTies(r.ties.map((t) => ({ output: t.output, input: t.input === 0 ? null : t.input })));
    });
  },

  async savePreset(io, n, timeoutMs) {
    check(io.link.describe, await io.request(presetStore(n), okOrErr('PRST-STO'), timeoutMs));
  },
  async recallPreset(io, n, timeoutMs) {
    check(io.link.describe, await io.request(presetRecall(n), okOrErr('PRST-RCL'), timeoutMs));
  },
};
