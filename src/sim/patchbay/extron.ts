import { type SimSession, LineDeviceSim } from './base.ts';

const LAYER = { '!': 'All', '&': 'RGB', '%': 'Vid', $: 'Aud' } as const;

/**
 * Extron SIS matrix simulator: banner on connect, optional password, verbose modes, `i*o!|$|%|&`
 * ties (input 0 = disconnect), `Esc+Q…\r` quick multi-ties, `Esc0*s*lVC\r` map pages of 16,
 * `o$` tie reads, `n,`/`n.` presets, Enn errors. Audio and video follow unless tied apart.
 */
/**
 * How a frame words the whole-map reply (patchbay-protocols.md §1): `real` as frames send it
 * (`Vgp00 Out01*03 03 00 -- Aud`); `space` with a space after the output number; `wide` with
 * 3-digit numbers (big frames); `tight` without the space before the tag; `legacy` the form an
 * old page of the reference showed (`Vgp00*Out01 …`); `none` a frame without the map read (E10).
 */
export type ExtronMapReply = 'real' | 'space' | 'wide' | 'tight' | 'legacy' | 'none';

export class ExtronSim extends LineDeviceSim {
  password: string | undefined;
  mapReply: ExtronMapReply;
  private readonly presets = new Map<number, Array<number | null>>();

  constructor(inputs: number, outputs: number, opts: { password?: string; mapReply?: ExtronMapReply } = {}) {
    super(inputs, outputs);
    this.password = opts.password;
    this.mapReply = opts.mapReply ?? 'real';
  }

  protected override onConnect(s: SimSession): void {
    s.state.verbose = 0; // Telnet default: quiet
    s.write(
      `(c) Copyright 2026, Extron Electronics, CrossPoint ${this.inputs}x${this.outputs}, V1.07, 60-1234-01\r\nWed, 25 Nov 2026 10:00:00\r\n`,
    );
    if (this.password) {
      s.state.locked = true;
      s.write('Password:');
    }
  }

  protected splitCommands(s: SimSession, chunk: string): string[] {
    return this.splitOn(s, chunk, (buf) => {
      if (s.state.locked) {
        const i = buf.indexOf('\r');
        return i < 0 ? 0 : i + 1;
      }
      if (buf.startsWith('\x1b') || buf.startsWith('W') || buf.startsWith('w')) {
        const i = buf.indexOf('\r');
        return i < 0 ? 0 : i + 1;
      }
      // single-character commands end with their terminating symbol
      const m = /^[^!&%$,.\r\n]*[!&%$,.\r\n]/.exec(buf);
      return m ? m[0].length : 0;
    });
  }

  protected handle(s: SimSession, raw: string): unknown {
    if (s.state.locked) {
      if (raw.replace(/\r$/, '') === this.password) {
        s.state.locked = false;
        this.reply(s, 'Login Administrator\r\n');
      } else this.reply(s, 'Password:');
      return;
    }
    const cmd = raw.replace(/^[Ww]/, '\x1b');
    if (cmd === '\r' || cmd === '\n') return;
    let m: RegExpExecArray | null;
    if ((m = /^\x1b(\d)CV\r$/i.exec(cmd))) {
      const mode = Number(m[1]);
      if (mode > 3) return this.reply(s, 'E13\r\n');
      s.state.verbose = mode;
      return this.reply(s, `Vrb${mode}\r\n`);
    }
    if ((m = /^\x1b\+Q((?:\d+\*\d+[!&%$])+)\r$/i.exec(cmd))) {
      const ties = [...m[1]!.matchAll(/(\d+)\*(\d+)([!&%$])/g)].map((t) => ({
        input: Number(t[1]),
        output: Number(t[2]),
      }));
      const bad = ties.find((t) => t.input > this.inputs)
        ? 'E01'
        : ties.find((t) => t.output < 1 || t.output > this.outputs)
          ? 'E12'
          : undefined;
      if (bad) return this.reply(s, `${bad}\r\n`);
      // the other verbose clients hear that a quick multi-tie happened, not which ties (the
      // reference: "the reply does not list them, so re-read the matrix")
      let changed = false;
      for (const t of ties) if (this.setTie(t.output, t.input === 0 ? null : t.input)) changed = true;
      if (changed) this.broadcastVerbose('Qik\r\n', s);
      return this.reply(s, 'Qik\r\n');
    }
    if ((m = /^\x1b0\*(\d+)\*([12])VC\r$/i.exec(cmd))) {
      if (this.mapReply === 'none') return this.reply(s, 'E10\r\n');
      const start = Number(m[1]);
      if (start < 1 || start > this.outputs) return this.reply(s, 'E12\r\n');
      const w = this.mapReply === 'wide' ? 3 : 2;
      const vals: string[] = [];
      for (let o = start; o < start + 16; o++)
        vals.push(o > this.outputs ? '-'.repeat(w) : String(this.map[o - 1] ?? 0).padStart(w, '0'));
      const out = String(start).padStart(w, '0');
      const tag = m[2] === '1' ? 'Vid' : 'Aud';
      const first = vals.shift()!;
      const body = [first, ...vals].join(' ');
      const text =
        this.mapReply === 'legacy'
          ? `Vgp00*Out${out} ${body} ${tag}`
          : this.mapReply === 'space'
            ? `Vgp00 Out${out} ${body} ${tag}`
            : this.mapReply === 'tight'
              ? `Vgp00 Out${out}*${body}${tag}`
              : `Vgp00 Out${out}*${body} ${tag}`;
      return this.reply(s, `${text}\r\n`);
    }
    if (cmd.startsWith('\x1b')) return this.reply(s, 'E10\r\n');
    if ((m = /^(\d+)\*(\d+)([!&%$])$/.exec(cmd))) {
      const input = Number(m[1]);
      const output = Number(m[2]);
      const layer = m[3] as keyof typeof LAYER;
      if (input > this.inputs) return this.reply(s, 'E01\r\n');
      if (output < 1 || output > this.outputs) return this.reply(s, 'E12\r\n');
      this.setTie(output, input === 0 ? null : input);
      this.announce(output, input, layer, s);
      return this.reply(s, `Out${output} In${input} ${LAYER[layer]}\r\n`);
    }
    if ((m = /^(\d+)([!&%$])$/.exec(cmd))) {
      const output = Number(m[1]);
      if (output < 1 || output > this.outputs) return this.reply(s, 'E12\r\n');
      return this.reply(s, `${this.map[output - 1] ?? 0}\r\n`);
    }
    if ((m = /^(\d+),$/.exec(cmd))) {
      const n = Number(m[1]);
      if (n < 1 || n > 32) return this.reply(s, 'E11\r\n');
      this.presets.set(n, [...this.map]);
      return this.reply(s, `Spr${String(n).padStart(2, '0')}\r\n`);
    }
    if ((m = /^(\d+)\.$/.exec(cmd))) {
      const n = Number(m[1]);
      const p = this.presets.get(n);
      if (!p) return this.reply(s, 'E11\r\n');
      this.recallPreset(n, p, s);
      return this.reply(s, `Rpr${String(n).padStart(2, '0')}\r\n`);
    }
    return this.reply(s, 'E10\r\n');
  }

  /** Verbose clients other than the sender hear every change (front panel style). */
  private announce(output: number, input: number, layer: keyof typeof LAYER, from: SimSession | undefined): void {
    this.broadcastVerbose(`Out${output} In${input} ${LAYER[layer]}\r\n`, from);
  }

  private broadcastVerbose(text: string, except?: SimSession): void {
    for (const s of this.sessions) if (s !== except && (s.state.verbose as number) >= 1) s.write(text);
  }

  /** A preset recall (by a client or the front panel): all ties at once; verbose clients hear `RprNN`. */
  private recallPreset(n: number, p: Array<number | null>, from?: SimSession): void {
    for (const [i, input] of p.entries()) this.setTie(i + 1, input);
    this.broadcastVerbose(`Rpr${String(n).padStart(2, '0')}\r\n`, from);
  }

  /** As if someone recalled a stored preset at the front panel. */
  frontPanelPreset(n: number): void {
    const p = this.presets.get(n);
    if (!p) throw new RangeError(`no preset ${n}`);
    this.recallPreset(n, p);
  }

  /** As if someone pressed buttons on the front panel. */
  frontPanelTie(input: number, output: number): void {
    this.setTie(output, input === 0 ? null : input);
    this.broadcastVerbose(`Out${output} In${input} Aud\r\n`);
  }
}
