import type { LineIo } from '../../drivers/lines.ts';
import { deviceError } from '../errors.ts';
import type { RouterCaps, Tie } from '../model.ts';
import type { PatchProtocol } from '../protocol.ts';
import { parseBitmap, readAll, relayOff, relayOn, writeAll } from './codec.ts';

export type RelayCrosspoint = { relay: number; input: number; output: number };

const queues = new WeakMap<LineIo, Promise<unknown>>();

/** One command at a time: send, collect lines until the `>` prompt, drop the echo. */
function command(io: LineIo, cmd: string, timeoutMs: number): Promise<string[]> {
  const run = async () => {
    const lines: string[] = [];
    const echo = cmd.replace(/\r$/, '');
    const onLine = (l: string) => {
      if (l !== '>' && l.trim() !== '' && l.trim() !== echo) lines.push(l.trim());
    };
    io.on('line', onLine);
    try {
      await io.request(cmd, (l) => l.endsWith('>'), timeoutMs, JSON.stringify(echo));
    } finally {
      io.off('line', onLine);
    }
    if (lines.some((l) => /invalid|error/i.test(l)))
      throw deviceError(io.link.describe, 'E_PATCH_COMMAND', `${echo}: ${lines.join(' ')}`);
    return lines;
  };
  const prev = queues.get(io) ?? Promise.resolve();
  const next = prev.then(run, run);
  queues.set(
    io,
    next.catch(() => {}),
  );
  return next;
}

/**
 * A relay patchbay on a Numato board: each relay is a normally-open crosspoint (settings say
 * which input and output it joins). One source per output; moves are break-before-make.
 */
export function numatoProtocol(crosspoints: RelayCrosspoint[], relayCount: number): PatchProtocol {
  const byOutput = new Map<number, RelayCrosspoint[]>();
  for (const x of crosspoints) byOutput.set(x.output, [...(byOutput.get(x.output) ?? []), x]);
  let shadow = 0;

  const mapFromBits = (bits: number, outputs: number): Array<number | null> => {
    const map: Array<number | null> = new Array(outputs).fill(null);
    for (const x of crosspoints)
      if (bits & (1 << x.relay)) map[x.output - 1] = map[x.output - 1] === null ? x.input : map[x.output - 1]!; // first closed relay wins
    return map;
  };

  const bitsFor = (ties: Tie[]): number => {
    let bits = shadow;
    for (const t of ties) {
      for (const x of byOutput.get(t.output) ?? []) bits &= ~(1 << x.relay);
      if (t.input !== null) {
        const x = (byOutput.get(t.output) ?? []).find((c) => c.input === t.input);
        if (!x)
          throw deviceError(
            'relay patchbay',
            'E_PATCH_NO_CROSSPOINT',
            `no relay joins input ${t.input} to output ${t.output}`,
          );
        bits |= 1 << x.relay;
      }
    }
    return bits >>> 0;
  };

  return {
    name: 'numato-relay',
    prompts: ['>'],
    caps: (inputs: number, outputs: number): RouterCaps => ({
      inputs,
      outputs,
      atomicMultiTie: true,
      canReadBack: true,
      canDisconnect: true,
      pushesChanges: false,
      presets: false,
    }),

    async attach(io, { timeoutMs }) {
      io.write('\r'); // flush any half-typed command; the board answers with a prompt
      await io.expect((l) => l.endsWith('>'), timeoutMs, 'prompt').catch(() => undefined);
      // the relay state (the shadow routes start from) is read by the readAll that follows attach
    },

    async route(io, ties, { atomic, timeoutMs }) {
      const target = bitsFor(ties);
      if (atomic) {
        // break first: open every relay that must open, then close the new ones
        const broken = (shadow & target) >>> 0;
        if (broken !== shadow) await command(io, writeAll(broken, relayCount), timeoutMs);
        await command(io, writeAll(target, relayCount), timeoutMs);
      } else {
        for (let r = 0; r < relayCount; r++)
          if (shadow & (1 << r) && !(target & (1 << r))) await command(io, relayOff(r), timeoutMs);
        for (let r = 0; r < relayCount; r++)
          if (target & (1 << r) && !(shadow & (1 << r))) await command(io, relayOn(r), timeoutMs);
      }
      shadow = target;
    },

    async readAll(io, outputs, timeoutMs) {
      const lines = await command(io, readAll(), timeoutMs);
      const bits = lines.map((l) => parseBitmap(l, relayCount)).find((b) => b !== undefined);
      if (bits === undefined)
        throw deviceError(
          io.link.describe,
          'E_PATCH_GARBAGE',
          `relay readall answered ${JSON.stringify(lines.join(' '))}`,
        );
      shadow = bits;
      return mapFromBits(bits, outputs);
    },
  };
}
