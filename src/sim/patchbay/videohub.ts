import { type SimSession, LineDeviceSim } from './base.ts';

/**
 * Blackmagic Videohub simulator (TCP 9990): the status dump on connect, routing / label / lock
 * blocks, ACK or NAK, PING, and routing changes broadcast to every client (the sender included).
 * 0-based on the wire; no disconnect state (every output always has a source).
 */
export class VideohubSim extends LineDeviceSim {
  readonly inputLabels: string[];
  readonly outputLabels: string[];
  readonly locks: Array<SimSession | null>;

  constructor(inputs: number, outputs: number) {
    super(inputs, outputs);
    this.map.fill(1); // every output starts on input 1 (0 on the wire)
    this.inputLabels = Array.from({ length: inputs }, (_, i) => `Input ${i + 1}`);
    this.outputLabels = Array.from({ length: outputs }, (_, i) => `Output ${i + 1}`);
    this.locks = new Array(outputs).fill(null);
  }

  protected override onConnect(s: SimSession): void {
    s.write(
      'PROTOCOL PREAMBLE:\nVersion: 2.8\n\n' +
        `VIDEOHUB DEVICE:\nDevice present: true\nModel name: Blackmagic Smart Videohub 40x40\nFriendly name: rad sim\nUnique ID: 7C2E0D021A2B\nVideo inputs: ${this.inputs}\nVideo outputs: ${this.outputs}\nVideo monitoring outputs: 0\nSerial ports: 0\n\n` +
        `INPUT LABELS:\n${this.inputLabels.map((l, i) => `${i} ${l}`).join('\n')}\n\n` +
        `OUTPUT LABELS:\n${this.outputLabels.map((l, i) => `${i} ${l}`).join('\n')}\n\n` +
        `VIDEO OUTPUT LOCKS:\n${this.locks.map((_, i) => `${i} U`).join('\n')}\n\n` +
        `VIDEO OUTPUT ROUTING:\n${this.routingLines()}\n\n` +
        'END PRELUDE:\n\n',
    );
  }

  private routingLines(outputs?: number[]): string {
    return (outputs ?? this.map.map((_, i) => i + 1)).map((o) => `${o - 1} ${(this.map[o - 1] ?? 1) - 1}`).join('\n');
  }

  protected splitCommands(s: SimSession, chunk: string): string[] {
    // a block ends with a blank line
    return this.splitOn(s, chunk.replace(/\r/g, ''), (buf) => {
      const i = buf.indexOf('\n\n');
      return i < 0 ? 0 : i + 2;
    });
  }

  protected handle(s: SimSession, raw: string): unknown {
    const lines = raw.replace(/\n+$/, '').split('\n');
    const header = lines[0] ?? '';
    const body = lines.slice(1);
    if (header === 'PING:') return this.reply(s, 'ACK\n\n');
    if (header === 'VIDEO OUTPUT ROUTING:') {
      if (body.length === 0) return this.reply(s, `VIDEO OUTPUT ROUTING:\n${this.routingLines()}\n\n`);
      const ties: Array<{ output: number; input: number }> = [];
      for (const l of body) {
        const m = /^(\d+) (\d+)$/.exec(l.trim());
        if (!m) return this.reply(s, 'NAK\n\n');
        const o = Number(m[1]) + 1;
        const i = Number(m[2]) + 1;
        if (o > this.outputs || i > this.inputs) return this.reply(s, 'NAK\n\n');
        const lock = this.locks[o - 1];
        if (lock && lock !== s) return this.reply(s, 'NAK\n\n');
        ties.push({ output: o, input: i });
      }
      this.reply(s, 'ACK\n\n');
      const changed = ties.filter((t) => this.setTie(t.output, t.input)).map((t) => t.output);
      // the device announces the (possibly unchanged) state of the outputs it was asked about
      this.broadcast(`VIDEO OUTPUT ROUTING:\n${this.routingLines(ties.map((t) => t.output))}\n\n`);
      void changed;
      return undefined;
    }
    if (header === 'VIDEO OUTPUT LOCKS:') {
      if (body.length === 0)
        return this.reply(
          s,
          `VIDEO OUTPUT LOCKS:\n${this.locks.map((l, i) => `${i} ${l === null ? 'U' : l === s ? 'O' : 'L'}`).join('\n')}\n\n`,
        );
      for (const l of body) {
        const m = /^(\d+) ([UOLF])$/.exec(l.trim());
        if (!m || Number(m[1]) >= this.outputs) return this.reply(s, 'NAK\n\n');
        const o = Number(m[1]);
        if (m[2] === 'O') this.locks[o] = s;
        else if (m[2] === 'U' && this.locks[o] === s) this.locks[o] = null;
        else if (m[2] === 'F') this.locks[o] = null;
      }
      return this.reply(s, 'ACK\n\n');
    }
    if (header === 'INPUT LABELS:' || header === 'OUTPUT LABELS:') {
      const labels = header === 'INPUT LABELS:' ? this.inputLabels : this.outputLabels;
      if (body.length === 0) return this.reply(s, `${header}\n${labels.map((l, i) => `${i} ${l}`).join('\n')}\n\n`);
      for (const l of body) {
        const m = /^(\d+) (.*)$/.exec(l);
        if (!m || Number(m[1]) >= labels.length) return this.reply(s, 'NAK\n\n');
        labels[Number(m[1])] = m[2]!;
      }
      this.reply(s, 'ACK\n\n');
      this.broadcast(`${header}\n${body.join('\n')}\n\n`);
      return undefined;
    }
    // unknown blocks are ignored by the device too (forward compatibility)
    return this.reply(s, 'NAK\n\n');
  }

  frontPanelTie(input: number, output: number): void {
    if (this.setTie(output, input)) this.broadcast(`VIDEO OUTPUT ROUTING:\n${output - 1} ${input - 1}\n\n`);
  }
}
