import { mulberry32 } from '../../core/random.ts';
import { renderProgramme } from './band.ts';
import type { AudioTopology, TopologyInput } from './topology.ts';
import type { AudioBackend, BlockIo, IdleFloors } from './backend.ts';

const HISTORY = 1 << 16; // played samples kept per output (1.36 s at 48 kHz): the longest simulated delay

/**
 * The simulated audio loop: every interface input is computed sample by sample from what the
 * outputs really played, through the topology (gain, delay, polarity) plus noise, hum and
 * clipping. Runs at the pace of a real device (one block per block duration).
 */
export class SimAudioBackend implements AudioBackend {
  readonly name = 'simulated studio audio loop';
  private topology: AudioTopology;
  private readonly hist: Float32Array[];
  private pos = 0; // samples since start
  private timer: NodeJS.Timeout | undefined;
  private readonly outBufs: Float32Array[];
  private readonly inBufs: Float32Array[];
  private readonly rng = mulberry32(99);
  private tapPeak = new Float32Array(0);
  private readonly tapBuf: Float32Array;
  private running = false;
  /** Levels of a silent plant (noise, hum), measured once on one rendered block; reset by a new topology. */
  private floors: IdleFloors | undefined;
  /** Where the idle stretch began (the output history is silent from there), or undefined when live. */
  private idleSince: number | undefined;
  /** Blocks rendered sample by sample (the idle test reads it). */
  rendered = 0;

  constructor(
    readonly inputs: number,
    readonly outputs: number,
    readonly sampleRate: number,
    readonly block: number,
    topology?: AudioTopology,
  ) {
    this.topology = topology ?? SimAudioBackend.loopback(inputs, outputs);
    this.hist = Array.from({ length: outputs }, () => new Float32Array(HISTORY));
    this.outBufs = Array.from({ length: outputs }, () => new Float32Array(block));
    this.inBufs = Array.from({ length: inputs }, () => new Float32Array(block));
    this.tapBuf = new Float32Array(block);
  }

  /** Output n feeds input n at unity gain, no delay: an interface with every output patched back. */
  static loopback(inputs: number, outputs: number): AudioTopology {
    return {
      inputs: Array.from({ length: inputs }, (_, i) => ({
        sources: i < outputs ? [{ output: i + 1, gainDb: 0, delaySamples: 0, polarity: 1 as const }] : [],
        noiseDbfs: -120,
      })),
    };
  }

  setTopology(t: AudioTopology): void {
    for (const inp of [...t.inputs, ...(t.taps ?? [])])
      for (const s of inp.sources)
        if (s.delaySamples >= HISTORY - this.block)
          throw new RangeError(`delay ${s.delaySamples} exceeds the simulator's ${HISTORY - this.block} samples`);
    this.topology = t;
    this.floors = undefined;
  }

  /** A topology that makes sound by itself (a console oscillator sent to a bus) is never idle. */
  private makesSound(): boolean {
    return [...this.topology.inputs, ...(this.topology.taps ?? [])].some((i) => (i.generators?.length ?? 0) > 0);
  }

  /** Renders one block of every input and tap with nothing played and keeps its levels. */
  private measureFloors(): IdleFloors {
    const B = this.block;
    const rms = new Float32Array(this.inputs);
    const peak = new Float32Array(this.inputs);
    const level = (buf: Float32Array) => {
      let s = 0;
      let p = 0;
      for (let j = 0; j < B; j++) {
        const v = buf[j]!;
        s += v * v;
        if (Math.abs(v) > p) p = Math.abs(v);
      }
      return { rms: 10 * Math.log10(s / B), peak: 20 * Math.log10(p) };
    };
    for (let i = 0; i < this.inputs; i++) {
      const spec = this.topology.inputs[i];
      if (spec) this.renderSilent(spec, this.tapBuf);
      else this.tapBuf.fill(0);
      const l = level(this.tapBuf);
      rms[i] = l.rms;
      peak[i] = l.peak;
    }
    const taps = this.topology.taps ?? [];
    return {
      rms,
      peak,
      ...(taps.length
        ? {
            taps: {
              names: taps.map((t) => t.name),
              peak: Float32Array.from(taps, (t) => {
                this.renderSilent(t, this.tapBuf);
                return level(this.tapBuf).peak;
              }),
            },
          }
        : {}),
    };
  }

  /** render() of a block in which every output played silence. */
  private renderSilent(spec: TopologyInput, dst: Float32Array): void {
    this.render({ ...spec, sources: [] }, dst);
  }

  async start(io: BlockIo): Promise<void> {
    this.running = true;
    const blockMs = (1000 * this.block) / this.sampleRate;
    const t0 = performance.now();
    let blocks = 0;
    const tick = () => {
      if (!this.running) return;
      // catch up if the event loop was late, like a device draining its buffer
      const due = Math.floor((performance.now() - t0) / blockMs) + 1;
      let guard = 0;
      while (blocks < due && guard++ < 50) {
        this.step(io);
        blocks++;
      }
      // idle blocks cost nothing but the wake-up: then wake every 50 ms and catch up
      const next = t0 + (blocks + (this.idleSince !== undefined ? Math.ceil(50 / blockMs) - 1 : 0)) * blockMs;
      this.timer = setTimeout(tick, Math.max(0, next - performance.now()));
    };
    tick();
  }

  private step(io: BlockIo): void {
    const B = this.block;
    if (io.active && io.idle && !io.active() && !this.makesSound()) {
      // nothing plays and nobody listens: advance the clock, report the plant's floors
      this.floors ??= this.measureFloors();
      this.idleSince ??= this.pos;
      this.pos += B;
      io.idle(B, this.floors);
      return;
    }
    if (this.idleSince !== undefined) {
      // the outputs were silent while idle: the history must say so for delayed paths
      const n = Math.min(HISTORY, this.pos - this.idleSince);
      const mask = HISTORY - 1;
      for (const h of this.hist) for (let k = 0; k < n; k++) h[(this.idleSince + k) & mask] = 0;
      this.idleSince = undefined;
    }
    this.rendered++;
    // play this block first, then record the same time span: a wire with delay 0 reads it at once
    for (const o of this.outBufs) o.fill(0);
    io.fill(this.outBufs);
    const mask = HISTORY - 1;
    for (let o = 0; o < this.outputs; o++) {
      const h = this.hist[o]!;
      const src = this.outBufs[o]!;
      for (let j = 0; j < B; j++) h[(this.pos + j) & mask] = src[j]!;
    }
    for (let i = 0; i < this.inputs; i++) {
      const dst = this.inBufs[i]!;
      const spec = this.topology.inputs[i];
      if (spec) this.render(spec, dst);
      else dst.fill(0);
    }
    const taps = this.topology.taps ?? [];
    if (this.tapPeak.length !== taps.length) this.tapPeak = new Float32Array(taps.length);
    for (const [t, spec] of taps.entries()) {
      this.render(spec, this.tapBuf);
      let pk = this.tapPeak[t]!;
      for (let j = 0; j < B; j++) {
        const v = Math.abs(this.tapBuf[j]!);
        if (v > pk) pk = v;
      }
      this.tapPeak[t] = pk;
    }
    this.pos += B;
    io.capture(this.inBufs);
  }

  /** One point of the plant for this block: every source from the output history, plus noise, hum, clipping. */
  private render(spec: TopologyInput, dst: Float32Array): void {
    const B = this.block;
    const fs = this.sampleRate;
    const mask = HISTORY - 1;
    dst.fill(0);
    for (const s of spec.sources) {
      const h = this.hist[s.output - 1];
      if (!h) continue;
      const g = 10 ** (s.gainDb / 20) * s.polarity;
      const start = this.pos - s.delaySamples;
      for (let j = 0; j < B; j++) {
        const n = start + j;
        dst[j] += n < 0 ? 0 : g * h[n & mask]!;
      }
    }
    if (spec.dropouts) {
      const every = Math.max(1, Math.round((spec.dropouts.everyMs * fs) / 1000));
      const len = Math.round((spec.dropouts.lengthMs * fs) / 1000);
      for (let j = 0; j < B; j++) if ((this.pos + j) % every < len) dst[j] = 0;
    }
    for (const g of spec.generators ?? []) {
      // AES17: a sine of peak A reads 20·log10(A) dBFS; noise is set by its RMS (+3 dB for the AES17 convention)
      if (g.kind === 'band') {
        if (g.programme) renderProgramme(g.programme, this.pos, fs, 10 ** (g.levelDbfs / 20), dst);
      } else if (g.kind === 'sine') {
        const a = 10 ** (g.levelDbfs / 20);
        const w = (2 * Math.PI * (g.freq ?? 1000)) / fs;
        for (let j = 0; j < B; j++) dst[j] += a * Math.sin(w * (this.pos + j));
      } else {
        const a = 10 ** (g.levelDbfs / 20) * Math.sqrt(3) * 2 * Math.SQRT1_2;
        for (let j = 0; j < B; j++) dst[j] += (this.rng() - 0.5) * a;
      }
    }
    if (spec.noiseDbfs !== undefined && spec.noiseDbfs > -200) {
      const a = 10 ** (spec.noiseDbfs / 20) * Math.sqrt(3) * 2 * Math.SQRT1_2; // uniform noise at that AES17 RMS
      for (let j = 0; j < B; j++) dst[j] += (this.rng() - 0.5) * a;
    }
    if (spec.humDbfs !== undefined) {
      const a = 10 ** (spec.humDbfs / 20);
      const w = (2 * Math.PI * (spec.humHz ?? 50)) / fs;
      for (let j = 0; j < B; j++) {
        const n = this.pos + j;
        dst[j] += a * (Math.sin(w * n) + 0.3 * Math.sin(3 * w * n));
      }
    }
    if (spec.clipDbfs !== undefined) {
      const c = 10 ** (spec.clipDbfs / 20);
      for (let j = 0; j < B; j++) dst[j] = Math.max(-c, Math.min(c, dst[j]!));
    }
    for (let j = 0; j < B; j++) dst[j] = Math.max(-1, Math.min(1, dst[j]!)); // the converter's full scale
  }

  /** Peak level (dBFS) at each tap since the last call, by name. */
  takeTapPeaks(): { names: string[]; peak: Float32Array } | undefined {
    const taps = this.topology.taps;
    if (!taps || taps.length === 0) return undefined;
    const peak = new Float32Array(taps.length);
    for (let t = 0; t < taps.length; t++) peak[t] = 20 * Math.log10(this.tapPeak[t] ?? 0);
    this.tapPeak.fill(0);
    return { names: taps.map((t) => t.name), peak };
  }

  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
  }
}
