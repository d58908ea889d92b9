/** Blackmagic Videohub (patchbay-protocols.md §3): LF lines, blocks ended by a blank line, 0-based. */

export type Block = { header: string; lines: string[] };

export const routingBlock = (ties: Array<{ output: number; input: number }>) =>
  `VIDEO OUTPUT ROUTING:\n${ties.map((t) => `${t.output - 1} ${t.input - 1}`).join('\n')}\n\n`;
export const queryBlock = (header: string) => `${header}:\n\n`;
export const ping = () => 'PING:\n\n';

/** Assembles blocks from lines: a `HEADER:` line, body lines, a blank line. ACK/NAK are one-line blocks. */
export class BlockAssembler {
  private current: Block | undefined;

  push(line: string): Block | undefined {
    if (this.current === undefined) {
      if (line === '') return undefined;
      if (line === 'ACK' || line === 'NAK') return { header: line, lines: [] };
      const m = /^([A-Z][A-Z0-9 ]*):$/.exec(line);
      if (!m) return undefined; // stray line outside a block: ignore (forward compatible)
      this.current = { header: m[1]!, lines: [] };
      return undefined;
    }
    if (line === '') {
      const b = this.current;
      this.current = undefined;
      return b;
    }
    this.current.lines.push(line);
    return undefined;
  }
}

/** `VIDEO OUTPUT ROUTING:` body lines → 1-based ties. */
export function parseRouting(lines: string[]): Array<{ output: number; input: number }> {
  const out: Array<{ output: number; input: number }> = [];
  for (const l of lines) {
    const m = /^(\d+) (\d+)$/.exec(l.trim());
    if (m) out.push({ output: Number(m[1]) + 1, input: Number(m[2]) + 1 });
  }
  return out;
}

export function parseDevice(lines: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const l of lines) {
    const i = l.indexOf(':');
    if (i > 0) out[l.slice(0, i).trim()] = l.slice(i + 1).trim();
  }
  return out;
}
