import type { Bus } from '../core/bus.ts';
import { fail } from '../core/errors.ts';
import type { AudioEngine } from '../dsp/engine/engine.ts';
import type { Measurement } from '../dsp/engine/protocol.ts';
import type { Settings } from '../settings/schema.ts';
import { expandWiring } from '../settings/wiring.ts';

export type CableResult = {
  label: string;
  out: number;
  in: number;
  at: string;
  verdict: 'pass' | 'fail';
  /** Each fault in words; empty when it passes. */
  faults: string[];
  continuity: boolean;
  polarity: 1 | -1 | null;
  loss_db: number | null;
  noise_dbfs: number;
  hum_dbfs: number;
  dropouts: number;
  crackles: number;
  flex_seconds: number;
  /** One line for the cable's tag: `XLR 10 m #23: pass, 0.1 dB, −112 dBFS noise, 0 dropouts`. */
  line: string;
};

export type CableDeps = {
  settings: Pick<Settings, 'wiring' | 'audio' | 'linecheck'>;
  engine: () => AudioEngine | undefined;
  store: { get(key: string): unknown; set(key: string, value: unknown): void };
  bus: Pick<Bus, 'on' | 'removeOwner'>;
  /** A line check uses the interface: a cable test waits for none. */
  busy: () => string | undefined;
};

const KEY = 'cables';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const r1 = (x: number) => Math.round(x * 10) / 10;

/**
 * The cable tester: the cable under test between interface output `out` and input `in`.
 * Silence first (noise floor and hum), then noise for continuity, polarity and latency by
 * cross-correlation, then a 1 kHz tone at the alignment level for the level loss, held while the
 * assistant flexes the connectors: every meter update of the input (20 Hz) is read and every drop of more than
 * 6 dB (a dropout) and every peak 6 dB over the tone (crackle) is counted. The tone stops at the
 * end, also on failure. Results are kept with the inventory (GET /api/v1/cables).
 */
export class CableTester {
  private running = false;

  constructor(private readonly deps: CableDeps) {}

  list(): CableResult[] {
    return (this.deps.store.get(KEY) as CableResult[] | undefined) ?? [];
  }

  async test(opts: {
    out: number;
    in: number;
    flexSeconds?: number;
    label?: string;
    force?: boolean;
  }): Promise<CableResult> {
    const engine = this.deps.engine();
    const a = this.deps.settings.audio;
    if (!engine || !a) throw fail('E_NO_AUDIO', 'no audio interface configured: a cable test needs one', {});
    if (opts.out < 1 || opts.out > a.outputs)
      throw fail('E_VALUE_RANGE', `output ${opts.out} does not exist (1..${a.outputs})`, { value: opts.out });
    if (opts.in < 1 || opts.in > a.inputs)
      throw fail('E_VALUE_RANGE', `input ${opts.in} does not exist (1..${a.inputs})`, { value: opts.in });
    // an output wired into the plant feeds patches, console inputs and maybe the monitors
    const wired = expandWiring(this.deps.settings.wiring).find((w) => w.from === `iface:out:${opts.out}`);
    if (wired && !opts.force)
      throw fail(
        'E_CABLE_OUTPUT_IN_USE',
        `iface:out:${opts.out} is wired to ${wired.to} (it may feed monitors): plug the cable into a free output, or force`,
        { output: opts.out, wired_to: wired.to },
      );
    const busy = this.deps.busy();
    if (busy)
      throw fail('E_LINECHECK_RUNNING', `a line check is running (${busy}); the interface is busy`, { running: busy });
    if (this.running) throw fail('E_CABLE_RUNNING', 'a cable test is already running', {});
    this.running = true;
    const flex = opts.flexSeconds ?? 10;
    const level = a.alignment_dbfs;
    const lc = this.deps.settings.linecheck;
    try {
      await engine.whenOnline();
      engine.play(opts.out, null);
      await sleep(100);
      const [quiet] = await engine.measure({ channels: [opts.in], settleMs: 50, windows: 2 });
      engine.play(opts.out, { kind: 'white', level_dbfs: level });
      // an intermittent cable can be in a dropout for a whole analysis window (the simulated one's
      // dropouts last 120 ms, a window 100 ms): continuity is judged on the best of up to three
      // reads, so "no continuity" means none of them found the noise
      let noise: Measurement | undefined;
      for (let t = 0; t < 3 && Math.abs(noise?.correlation ?? 0) <= 0.3; t++) {
        const [n] = await engine.measure({
          channels: [opts.in],
          settleMs: 100,
          reference: { output: opts.out, maxLagSamples: 4800 },
        });
        if (!noise || Math.abs(n!.correlation ?? 0) > Math.abs(noise.correlation ?? 0)) noise = n;
      }
      engine.play(opts.out, { kind: 'sine', freq: 1000, level_dbfs: level });
      const [tone] = await engine.measure({ channels: [opts.in], freqs: [1000], settleMs: 100, windows: 2 });
      const got = tone!.tones.find((t) => t.freq === 1000)?.level_dbfs ?? Number.NEGATIVE_INFINITY;
      const continuity = got > level - 40 && Math.abs(noise!.correlation ?? 0) > 0.3;
      // the flex test: every meter update of the input (20 Hz, from the bus: none is missed when
      // the main thread is busy, as polling would)
      let dropouts = 0;
      let crackles = 0;
      let inDrop = false;
      let inCrackle = false;
      const owner = {};
      // meters run on demand (checked every second): ask now and wait for the first set, so the
      // whole flex window is watched
      if (continuity) await engine.currentMeters();
      this.deps.bus.on('audio.meters', owner, (m) => {
        const c = m.channels.find((x) => x.channel === opts.in);
        if (!c) return;
        const drop = c.rms_dbfs < got - 6;
        if (drop && !inDrop) dropouts++;
        inDrop = drop;
        const crack = c.peak_dbfs > got + 6;
        if (crack && !inCrackle) crackles++;
        inCrackle = crack;
      });
      try {
        if (continuity) await sleep(flex * 1000);
      } finally {
        this.deps.bus.removeOwner(owner);
      }
      const loss = continuity ? r1(level - got) : null;
      const polarity = continuity ? (noise!.polarity ?? null) : null;
      const faults: string[] = [];
      if (!continuity) faults.push(`no continuity: nothing of output ${opts.out} arrives at input ${opts.in}`);
      if (polarity === -1) faults.push('reversed polarity (pins 2 and 3 swapped)');
      if (loss !== null && Math.abs(loss) > lc.tolerance_db)
        faults.push(
          `level ${loss > 0 ? 'loss' : 'gain'} of ${Math.abs(loss).toFixed(1)} dB${loss > 5 && loss < 7 ? ' (an open leg?)' : ''}`,
        );
      if (quiet!.hum.level_dbfs > lc.hum_dbfs)
        faults.push(`hum pickup at ${quiet!.hum.hz} Hz, ${r1(quiet!.hum.level_dbfs)} dBFS`);
      if (quiet!.noise_floor_dbfs > lc.noise_dbfs) faults.push(`noise at ${r1(quiet!.noise_floor_dbfs)} dBFS`);
      if (dropouts > 0) faults.push(`${dropouts} dropout${dropouts === 1 ? '' : 's'} while flexed (intermittent)`);
      if (crackles > 0) faults.push(`${crackles} crackle${crackles === 1 ? '' : 's'} while flexed`);
      const label = opts.label ?? `cable out ${opts.out} → in ${opts.in}`;
      const verdict = faults.length === 0 ? 'pass' : 'fail';
      const result: CableResult = {
        label,
        out: opts.out,
        in: opts.in,
        at: new Date().toISOString(),
        verdict,
        faults,
        continuity,
        polarity,
        loss_db: loss,
        noise_dbfs: r1(quiet!.noise_floor_dbfs),
        hum_dbfs: r1(quiet!.hum.level_dbfs),
        dropouts,
        crackles,
        flex_seconds: flex,
        line: `${label}: ${verdict}, ${loss === null ? 'no signal' : `${loss.toFixed(1)} dB`}, ${r1(quiet!.noise_floor_dbfs)} dBFS noise, ${dropouts} dropouts${faults.length ? ` — ${faults.join('; ')}` : ''}`,
      };
      this.deps.store.set(KEY, [result, ...this.list()].slice(0, 500));
      return result;
    } finally {
      engine.play(opts.out, null);
      this.running = false;
    }
  }
}
