import { Worker } from 'node:worker_threads';
import type { Device } from '../../core/device.ts';
import type { Bus } from '../../core/bus.ts';
import { Backoff } from '../../core/backoff.ts';
import { fail, RadError } from '../../core/errors.ts';
import type { Logger } from '../../core/logger.ts';
import { StatusTracker } from '../../core/status.ts';
import { checkSignal, type SignalSpec } from '../generators.ts';
import type {
  AudioTopology,
  EngineConfig,
  FromWorker,
  Measurement,
  MeasureSpec,
  RecordResult,
  RecordSpec,
  ToWorker,
} from './protocol.ts';

/** Where the worker's code is: the TypeScript source (through tsx) or the built bundle. */
export function workerEntry(tsPath: string, bundleName: string): { url: URL; entry: string | undefined } {
  const here = import.meta.url;
  if (here.endsWith('.ts')) return { url: new URL('./boot.mjs', here), entry: new URL(tsPath, here).href };
  return { url: new URL(`./${bundleName}.mjs`, here), entry: undefined };
}

export type EngineInfo = { device: string; inputs: number; outputs: number; sampleRate: number };

/**
 * The main thread's handle on the DSP worker: play, measure, tuner; meters to the bus. The
 * worker owns the device; a device that fails is a status (offline + reason) and is reopened
 * with the shared backoff.
 */
export class AudioEngine implements Device {
  readonly kind = 'audio' as const;
  private worker: Worker | undefined;
  private readonly tracker: StatusTracker;
  private readonly backoff = new Backoff();
  private nextId = 1;
  private readonly waiting = new Map<
    number,
    { resolve: (m: Measurement[]) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }
  >();
  private readonly playing = new Map<number, SignalSpec>();
  private info: EngineInfo | undefined;
  private stopped = true;
  private retryTimer: NodeJS.Timeout | undefined;
  private topology: AudioTopology | undefined;
  private tunerChannels: number[] = [];
  private onlineWaiters: Array<() => void> = [];
  lastMeters: { rms: number[]; peak: number[] } | undefined;
  /** How much the worker computed sample by sample, and how much it skipped while idle (as of the last meters). */
  work = { processed_samples: 0, idle_samples: 0 };
  private readonly tapListeners: Array<(names: string[], peakDbfs: Float32Array) => void> = [];

  /** Simulated loop only: peak levels at the plant's inner points (console inputs), with every meter update. */
  onTaps(fn: (names: string[], peakDbfs: Float32Array) => void, wanted?: () => boolean): void {
    this.tapListeners.push(fn);
    if (wanted) this.tapDemand.push(wanted);
  }
  /** Who else needs the loop's meters computed (the simulated console's meters follow the taps). */
  private readonly tapDemand: Array<() => boolean> = [];
  private readonly recordings = new Map<number, (r: RecordResult) => void>();

  constructor(
    readonly id: string,
    readonly config: EngineConfig,
    private readonly deps: { bus: Bus; log: Logger },
  ) {
    this.tracker = new StatusTracker(deps.bus, id, 'audio');
  }

  status() {
    return this.tracker.get();
  }

  describe(): Record<string, unknown> {
    return {
      backend: this.config.backend,
      sample_rate: this.config.sampleRate,
      block: this.config.block,
      ...(this.info ?? {}),
      playing: [...this.playing.keys()],
    };
  }

  get engineInfo(): EngineInfo | undefined {
    return this.info;
  }

  async start(): Promise<void> {
    this.stopped = false;
    this.tracker.set('starting');
    this.spawn();
    clearInterval(this.meterTimer);
    this.meterTimer = setInterval(() => this.syncMeterDemand(), 1000);
    this.meterTimer.unref();
    this.syncMeterDemand();
    await Promise.race([
      new Promise<void>((r) => this.onlineWaiters.push(r)),
      new Promise((r) => setTimeout(r, 3000).unref()),
    ]);
  }

  private spawn(): void {
    const { url, entry } = workerEntry('./worker.ts', 'dsp-worker');
    const w = new Worker(url, { workerData: { ...this.config, entry } });
    this.worker = w;
    w.on('message', (m: FromWorker) => this.onMessage(m));
    w.on('error', (err) => {
      if (this.worker === w) this.fail(`DSP worker error: ${err.message}`);
    });
    w.on('exit', (code) => {
      if (this.worker !== w) return; // already replaced after a reported failure
      this.worker = undefined;
      if (!this.stopped) this.fail(`DSP worker exited with code ${code}`);
    });
  }

  private fail(detail: string): void {
    if (this.stopped) return;
    this.tracker.set('offline', detail);
    for (const [, w] of this.waiting) {
      clearTimeout(w.timer);
      w.reject(fail('E_AUDIO_OFFLINE', `audio engine went offline: ${detail}`));
    }
    this.waiting.clear();
    for (const [id, done] of this.recordings)
      done({
        id,
        path: '',
        frames: 0,
        seconds: 0,
        integrated_lufs: Number.NaN,
        true_peak_dbtp: Number.NaN,
        sample_peak_dbfs: Number.NaN,
        error: `E_AUDIO_OFFLINE: ${detail}`,
      });
    this.recordings.clear();
    const old = this.worker;
    this.worker = undefined;
    void old?.terminate();
    if (this.retryTimer) return;
    const delay = this.backoff.next();
    this.deps.log.warn({ device: this.id, detail, retry_ms: delay }, 'audio engine offline');
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      if (!this.stopped) this.spawn();
    }, delay);
    this.retryTimer.unref();
  }

  private onMessage(m: FromWorker): void {
    switch (m.type) {
      case 'status':
        if (m.state === 'online') {
          this.info = m.info;
          this.backoff.reset();
          this.tracker.set(
            'online',
            m.info
              ? `${m.info.device}: ${m.info.inputs} in / ${m.info.outputs} out at ${m.info.sampleRate} Hz`
              : undefined,
          );
          // a restarted worker resumes what was playing
          if (this.topology) this.send({ type: 'topology', topology: this.topology });
          for (const [ch, spec] of this.playing) this.send({ type: 'play', channel: ch, spec });
          if (this.metersWanted) this.send({ type: 'meters', on: true });
          if (this.tunerChannels.length > 0) this.send({ type: 'tuner', channels: this.tunerChannels });
          for (const r of this.onlineWaiters.splice(0)) r();
        } else this.fail(m.detail ?? 'device failed');
        return;
      case 'meters': {
        this.work = { processed_samples: m.processed, idle_samples: m.idle };
        if (m.taps) for (const fn of this.tapListeners) fn(m.taps.names, m.taps.peak);
        if (!m.rms || !m.peak) return;
        const rms = Array.from(m.rms, (v) => (Number.isFinite(v) ? Math.round(v * 10) / 10 : -200));
        const peak = Array.from(m.peak, (v) => (Number.isFinite(v) ? Math.round(v * 10) / 10 : -200));
        this.lastMeters = { rms, peak };
        for (const r of this.meterWaiters.splice(0)) r();
        // 64 channel objects 20 times a second: built only when someone listens
        if (this.deps.bus.wants('audio.meters'))
          this.deps.bus.emit('audio.meters', {
            channels: rms.map((r, i) => ({ channel: i + 1, rms_dbfs: r, peak_dbfs: peak[i]! })),
          });
        return;
      }
      case 'measured': {
        const w = this.waiting.get(m.id);
        if (!w) return;
        this.waiting.delete(m.id);
        clearTimeout(w.timer);
        if (m.error) w.reject(new RadError('E_MEASURE', m.error));
        else w.resolve(m.result!);
        return;
      }
      case 'tuner':
        this.deps.bus.emit('audio.tuner', { channel: m.channel, hz: m.hz, note: m.note, cents: m.cents });
        return;
      case 'played':
        if (!m.ok) this.deps.log.warn({ channel: m.channel, err: m.error }, 'worker refused a signal');
        return;
      case 'recorded': {
        const done = this.recordings.get(m.result.id);
        this.recordings.delete(m.result.id);
        done?.(m.result);
        return;
      }
      case 'closed':
        return;
    }
  }

  private send(m: ToWorker): void {
    this.worker?.postMessage(m);
  }

  /**
   * Resolves when the engine is online. A call made while it is starting (the daemon just came
   * up, or a device is being reopened) waits up to audio.start_timeout_ms instead of being
   * refused; an engine that is offline or stopped answers E_AUDIO_OFFLINE at once.
   */
  async whenOnline(): Promise<void> {
    const st = this.tracker.get();
    if (st.state === 'online' && this.worker) return;
    if (st.state !== 'starting') this.requireOnline();
    const limit = this.config.startTimeoutMs ?? 10000;
    let timer: NodeJS.Timeout | undefined;
    const came = await Promise.race([
      new Promise<boolean>((r) => this.onlineWaiters.push(() => r(true))),
      new Promise<boolean>((r) => {
        timer = setTimeout(() => r(false), limit);
      }),
    ]).finally(() => clearTimeout(timer));
    if (!came)
      throw fail('E_AUDIO_OFFLINE', `the audio engine did not come up within ${limit} ms (audio.start_timeout_ms)`);
    this.requireOnline();
  }

  private requireOnline(): void {
    const st = this.tracker.get();
    if (st.state !== 'online' || !this.worker)
      throw fail('E_AUDIO_OFFLINE', `audio engine is ${st.state}${st.detail ? ` (${st.detail})` : ''}`);
  }

  private checkChannel(ch: number, kind: 'output' | 'input'): void {
    const max = kind === 'output' ? this.config.outputs : this.config.inputs;
    if (!Number.isInteger(ch) || ch < 1 || ch > max)
      throw fail('E_AUDIO_CHANNEL', `${kind} ${ch} does not exist (1..${max})`, { [kind]: ch });
  }

  /** Starts (or with null stops, ramped) a generator on an output. */
  play(channel: number, spec: SignalSpec | null): void {
    this.checkChannel(channel, 'output');
    if (spec) {
      const why = checkSignal(spec, this.config.sampleRate);
      if (why) throw fail('E_SIGNAL', why, { output: channel });
      this.playing.set(channel, spec);
    } else this.playing.delete(channel);
    this.requireOnline();
    this.send({ type: 'play', channel, spec });
  }

  stopAll(): void {
    for (const ch of [...this.playing.keys()]) this.play(ch, null);
  }

  playingNow(): Array<{ output: number; spec: SignalSpec }> {
    return [...this.playing.entries()].map(([output, spec]) => ({ output, spec }));
  }

  async measure(spec: MeasureSpec): Promise<Measurement[]> {
    for (const c of spec.channels) this.checkChannel(c, 'input');
    if (spec.reference) this.checkChannel(spec.reference.output, 'output');
    for (const [ch, out] of Object.entries(spec.references ?? {})) {
      this.checkChannel(Number(ch), 'input');
      this.checkChannel(out, 'output');
    }
    await this.whenOnline();
    const id = this.nextId++;
    const windows = spec.windows ?? 1;
    const expectMs =
      (spec.settleMs ?? 50) +
      ((windows * this.config.window + (spec.reference?.maxLagSamples ?? 0)) / this.config.sampleRate) * 1000;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        reject(
          fail(
            'E_MEASURE_TIMEOUT',
            `measurement took longer than ${Math.round(expectMs + 5000)} ms (is the device running?)`,
          ),
        );
      }, expectMs + 5000);
      this.waiting.set(id, { resolve, reject, timer });
      this.send({ type: 'measure', id, spec });
    });
  }

  /** Records interface inputs to a WAV file in the worker (samples never cross); resolves when it ends. */
  record(spec: Omit<RecordSpec, 'id'>): { id: number; done: Promise<RecordResult> } {
    for (const c of spec.channels) this.checkChannel(c, 'input');
    this.requireOnline();
    const id = this.nextId++;
    const done = new Promise<RecordResult>((resolve) => this.recordings.set(id, resolve));
    this.send({ type: 'record', spec: { ...spec, id } });
    return { id, done };
  }

  stopRecord(id: number): void {
    this.send({ type: 'stop-record', id });
  }

  setTopology(t: AudioTopology): void {
    this.topology = t;
    this.send({ type: 'topology', topology: t });
  }

  /** Tunes one input, several (up to 8: a drummer's toms at once), or none (null / []). */
  tuner(channels: number | number[] | null): void {
    const list = channels === null ? [] : Array.isArray(channels) ? [...new Set(channels)] : [channels];
    if (list.length > 8)
      throw new RadError('E_VALUE_RANGE', `the tuner follows at most 8 inputs at once (got ${list.length})`, {
        details: { value: list.length, max: 8 },
      });
    for (const c of list) this.checkChannel(c, 'input');
    this.tunerChannels = list;
    this.send({ type: 'tuner', channels: list });
  }

  /**
   * Input meters are computed while someone listens on the bus (a WebSocket client, a service)
   * or read them in the last 10 s (GET /audio/meters, rad meters); checked every second.
   */
  private metersWanted = false;
  private meterDemandAt = 0;
  private meterTimer: NodeJS.Timeout | undefined;
  private readonly meterWaiters: Array<() => void> = [];

  private syncMeterDemand(): void {
    const want =
      this.deps.bus.wants('audio.meters') || Date.now() - this.meterDemandAt < 10000 || this.tapDemand.some((f) => f());
    if (want === this.metersWanted) return;
    this.metersWanted = want;
    if (!want) this.lastMeters = undefined; // stale levels are not shown as current
    this.send({ type: 'meters', on: want });
  }

  /** The latest input meters; a read while they are off turns them on and waits for the first set. */
  async currentMeters(): Promise<{ rms: number[]; peak: number[] } | undefined> {
    this.meterDemandAt = Date.now();
    if (!this.metersWanted || !this.lastMeters) {
      this.syncMeterDemand();
      await new Promise<void>((r) => {
        this.meterWaiters.push(r);
        setTimeout(r, 500).unref();
      });
    }
    return this.lastMeters;
  }

  async stop(): Promise<void> {
    clearInterval(this.meterTimer);
    this.stopped = true;
    clearTimeout(this.retryTimer);
    const w = this.worker;
    this.worker = undefined;
    if (w) {
      // the worker answers `closed` once its backend has stopped: a native stream (PortAudio,
      // JACK) must be stopped before the worker's isolate goes, or its audio thread runs on freed
      // memory (SIGSEGV on a clean stop: a core dump showed naudiodon's callback in a destroyed
      // context after this waited for any message — a meter report — or 300 ms, then terminated).
      // The backend gives up on its own after 5 s (quit 3 s, then reads and writes 1 s each).
      const closed = new Promise<void>((r) => {
        const on = (m: FromWorker) => {
          if (m.type !== 'closed') return;
          w.off('message', on);
          r();
        };
        w.on('message', on);
        w.once('exit', () => r());
      });
      let timer: NodeJS.Timeout | undefined;
      w.postMessage({ type: 'close' } satisfies ToWorker);
      await Promise.race([closed, new Promise((r) => (timer = setTimeout(r, 6000)))]);
      clearTimeout(timer);
      await w.terminate();
    }
    for (const [, x] of this.waiting) {
      clearTimeout(x.timer);
      x.reject(fail('E_AUDIO_STOPPED', 'audio engine stopped'));
    }
    this.waiting.clear();
    this.tracker.set('stopped');
  }
}
