import type { LineIo } from '../../drivers/lines.ts';
import { fail } from '../../core/errors.ts';
import { deviceError } from '../errors.ts';
import type { RouterCaps } from '../model.ts';
import type { PatchProtocol } from '../protocol.ts';
import { type Block, BlockAssembler, parseRouting, queryBlock, routingBlock } from './codec.ts';

const assemblers = new WeakMap<
  LineIo,
  {
    asm: BlockAssembler;
    waiters: Array<{ match: (b: Block) => boolean; resolve: (b: Block) => void }>;
    last: Map<string, Block>;
  }
>();

function state(io: LineIo) {
  let s = assemblers.get(io);
  if (!s) {
    const st = {
      asm: new BlockAssembler(),
      waiters: [] as Array<{ match: (b: Block) => boolean; resolve: (b: Block) => void }>,
      last: new Map<string, Block>(),
    };
    io.on('line', (l) => {
      const b = st.asm.push(l);
      if (!b) return;
      st.last.set(b.header, b);
      const i = st.waiters.findIndex((w) => w.match(b));
      if (i >= 0) st.waiters.splice(i, 1)[0]!.resolve(b);
      io.emit('block', b);
    });
    s = st;
    assemblers.set(io, s);
  }
  return s;
}

function waitBlock(io: LineIo, match: (b: Block) => boolean, timeoutMs: number, what: string): Promise<Block> {
  const s = state(io);
  return new Promise((resolve, reject) => {
    const w = {
      match,
      resolve: (b: Block) => {
        clearTimeout(timer);
        resolve(b);
      },
    };
    const timer = setTimeout(() => {
      s.waiters = s.waiters.filter((x) => x !== w);
      reject(deviceError(io.link.describe, 'E_PATCH_TIMEOUT', `no ${what} within ${timeoutMs} ms`));
    }, timeoutMs);
    s.waiters.push(w);
  });
}

/** Blackmagic Videohub over TCP 9990. One source per output, no disconnect, 0-based on the wire. */
export const videohubProtocol: PatchProtocol = {
  name: 'videohub',
  prompts: [],
  caps: (inputs: number, outputs: number): RouterCaps => ({
    inputs,
    outputs,
    atomicMultiTie: true,
    canReadBack: true,
    canDisconnect: false,
    pushesChanges: true,
    presets: false,
  }),

  async attach(io, { timeoutMs }) {
    const s = state(io);
    if (!s.last.has('VIDEO OUTPUT ROUTING'))
      await waitBlock(
        io,
        (b) => b.header === 'VIDEO OUTPUT ROUTING' || b.header === 'END PRELUDE',
        timeoutMs * 4,
        'status dump',
      );
  },

  async route(io, ties, { timeoutMs }) {
    if (ties.some((t) => t.input === null))
      throw fail(
        'E_PATCH_NO_DISCONNECT',
        `${io.link.describe}: a Videohub cannot disconnect an output; route it to an idle input instead`,
      );
    // a routing block is atomic by nature: all lines in one block
    const ack = waitBlock(io, (b) => b.header === 'ACK' || b.header === 'NAK', timeoutMs, 'ACK');
    io.write(routingBlock(ties.map((t) => ({ output: t.output, input: t.input! }))));
    const b = await ack;
    if (b.header === 'NAK')
      throw deviceError(
        io.link.describe,
        'E_PATCH_REFUSED',
        'NAK (malformed request or output locked by another client)',
      );
  },

  async readAll(io, outputs, timeoutMs) {
    const p = waitBlock(
      io,
      (b) => b.header === 'VIDEO OUTPUT ROUTING' && b.lines.length >= outputs,
      timeoutMs,
      'routing block',
    );
    io.write(queryBlock('VIDEO OUTPUT ROUTING'));
    const b = await p;
    const map: Array<number | null> = new Array(outputs).fill(null);
    for (const t of parseRouting(b.lines)) if (t.output <= outputs) map[t.output - 1] = t.input;
    return map;
  },

  /** Routing changes are broadcast as blocks to every client, the sender included. */
  watch(io, onTies) {
    state(io);
    io.on('block', (blk) => {
      const b = blk as Block;
      if (b.header === 'VIDEO OUTPUT ROUTING') onTies(parseRouting(b.lines));
    });
  },
};
