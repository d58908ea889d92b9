import { type SimSession, LineDeviceSim } from './base.ts';

/**
 * Kramer Protocol 3000 simulator (machine 01): `#` handshake, optional `#LOGIN`, `#ROUTE l,o,i`,
 * `#ROUTE? l,o|*`, `#AUD i>o,…`, `#PRST-STO/RCL`, `ERR nnn`. Layer 2 = audio is the modelled
 * layer; layer 1 (video) is accepted and kept separately. Changes are pushed to other clients.
 */
export class KramerSim extends LineDeviceSim {
  password: string | undefined;
  private readonly video: Array<number | null>;
  private readonly presets = new Map<number, Array<number | null>>();

  constructor(inputs: number, outputs: number, opts: { password?: string } = {}) {
    super(inputs, outputs);
    this.password = opts.password;
    this.video = new Array(outputs).fill(null);
  }

  protected override onConnect(s: SimSession): void {
    s.state.auth = !this.password;
  }

  protected splitCommands(s: SimSession, chunk: string): string[] {
    return this.splitOn(s, chunk.replace(/\n/g, ''), (buf) => {
      const i = buf.indexOf('\r');
      return i < 0 ? 0 : i + 1;
    });
  }

  protected handle(s: SimSession, raw: string): unknown {
    const cmd = raw.replace(/\r$/, '').trim();
    if (cmd === '#') return this.reply(s, '~01@ OK\r\n');
    const m = /^#([A-Za-z?-]+)(?:\s+(.*))?$/.exec(cmd);
    if (!m) return this.reply(s, '~01@ERR 001\r\n');
    const name = m[1]!.toUpperCase();
    const args = (m[2] ?? '').trim();
    if (name === 'LOGIN') {
      if (args === this.password) {
        s.state.auth = true;
        return this.reply(s, `~01@LOGIN ${args} OK\r\n`);
      }
      return this.reply(s, '~01@LOGIN ERR 004\r\n');
    }
    if (!s.state.auth) return this.reply(s, `~01@${name} ERR 004\r\n`);
    const layerMap = (l: number) => (l === 2 ? this.map : l === 1 ? this.video : undefined);
    switch (name) {
      case 'ROUTE': {
        const p = /^(\d+),(\d+|\*),(\d+)$/.exec(args);
        if (!p) return this.reply(s, '~01@ROUTE ERR 001\r\n');
        const layer = Number(p[1]);
        const target = layerMap(layer);
        const input = Number(p[3]);
        const outs = p[2] === '*' ? Array.from({ length: this.outputs }, (_, i) => i + 1) : [Number(p[2])];
        if (!target || input > this.inputs || outs.some((o) => o < 1 || o > this.outputs))
          return this.reply(s, '~01@ROUTE ERR 003\r\n');
        for (const o of outs) this.tie(target, layer, o, input === 0 ? null : input, s);
        return this.reply(s, `~01@ROUTE ${layer},${p[2]},${input} OK\r\n`);
      }
      case 'ROUTE?': {
        const p = /^(\d+),(\d+|\*)$/.exec(args);
        if (!p) return this.reply(s, '~01@ROUTE? ERR 001\r\n');
        const layer = Number(p[1]);
        const target = layerMap(layer);
        if (!target) return this.reply(s, '~01@ROUTE? ERR 003\r\n');
        const outs = p[2] === '*' ? Array.from({ length: this.outputs }, (_, i) => i + 1) : [Number(p[2])];
        if (outs.some((o) => o < 1 || o > this.outputs)) return this.reply(s, '~01@ROUTE? ERR 003\r\n');
        return this.reply(s, outs.map((o) => `~01@ROUTE ${layer},${o},${target[o - 1] ?? 0}\r\n`).join(''));
      }
      case 'AUD': {
        const pairs = args.split(',').map((x) => /^(\d+)>(\d+)$/.exec(x.trim()));
        if (pairs.length === 0 || pairs.some((x) => !x)) return this.reply(s, '~01@AUD ERR 001\r\n');
        const ties = pairs.map((x) => ({ input: Number(x![1]), output: Number(x![2]) }));
        if (ties.some((t) => t.input > this.inputs || t.output < 1 || t.output > this.outputs))
          return this.reply(s, '~01@AUD ERR 003\r\n');
        for (const t of ties) this.tie(this.map, 2, t.output, t.input === 0 ? null : t.input, s);
        return this.reply(s, `~01@AUD ${args} OK\r\n`);
      }
      case 'PRST-STO':
      case 'PRST-RCL': {
        const n = Number(args);
        if (!Number.isInteger(n) || n < 1 || n > 60) return this.reply(s, `~01@${name} ERR 003\r\n`);
        if (name === 'PRST-STO') this.presets.set(n, [...this.map]);
        else {
          const p = this.presets.get(n);
          if (!p) return this.reply(s, `~01@${name} ERR 003\r\n`);
          for (let i = 0; i < p.length; i++) this.tie(this.map, 2, i + 1, p[i]!, s);
        }
        return this.reply(s, `~01@${name} ${n} OK\r\n`);
      }
      case 'INFO-IO?':
        return this.reply(s, `~01@INFO-IO IN ${this.inputs},OUT ${this.outputs}\r\n`);
      default:
        return this.reply(s, `~01@${name} ERR 002\r\n`);
    }
  }

  private tie(
    target: Array<number | null>,
    layer: number,
    output: number,
    input: number | null,
    from: SimSession,
  ): void {
    if (target === this.map) {
      if (!this.setTie(output, input)) return;
    } else {
      if (target[output - 1] === input) return;
      target[output - 1] = input;
    }
    this.broadcast(
      this.pushForm === 'legacy' && layer === 2
        ? `~01@AUD ${input ?? 0}>${output}\r\n`
        : `~01@ROUTE ${layer},${output},${input ?? 0}\r\n`,
      from,
    );
  }

  /** How this unit pushes a switch to other clients: `route` (`~01@ROUTE 2,o,i`) or the legacy `~01@AUD i>o`. */
  pushForm: 'route' | 'legacy' = 'route';

  frontPanelTie(input: number, output: number): void {
    if (this.setTie(output, input === 0 ? null : input))
      this.broadcast(
        this.pushForm === 'legacy' ? `~01@AUD ${input}>${output}\r\n` : `~01@ROUTE 2,${output},${input}\r\n`,
      );
  }
}
