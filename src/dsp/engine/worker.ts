// The DSP worker: owns the audio device, generates every output and measures every input, block
// by block. Posts compact results only; samples stay in this thread.
import { parentPort, workerData } from 'node:worker_threads';
import type { AudioBackend, BlockIo, IdleFloors } from '../../drivers/audio/backend.ts';
import { SimAudioBackend } from '../../drivers/audio/sim.ts';
import { checkSignal, Generator, type SignalSpec } from '../generators.ts';
import { LoudnessMeter } from '../loudness.ts';
import { WavWriter } from '../offline/wav.ts';
import { LevelAccumulator } from '../levels.ts';
import { ToneBank } from '../tonebank.ts';
import { ampToDb, roundDb } from '../units.ts';
import { FftCorrelator } from '../xcorr.ts';
import { Yin } from '../yin.ts';
import type { EngineConfig, FromWorker, Measurement, MeasureSpec, RecordSpec, ToWorker } from './protocol.ts';

const cfg = workerData as EngineConfig;
const port = parentPort!;
const post = (m: FromWorker) => port.postMessage(m);

const HIST = 1 << 17; // 2.7 s at 48 kHz of every input and output
const MASK = HIST - 1;
const inHist = Array.from({ length: cfg.inputs }, () => new Float32Array(HIST));
const outHist = Array.from({ length: cfg.outputs }, () => new Float32Array(HIST));
let tOut = 0; // output samples generated
let tIn = 0; // input samples captured
let processed = 0; // input samples analysed one by one
let idleSamples = 0; // samples skipped while nothing played or listened
let idleFrom: number | undefined; // where the idle stretch began in the histories
let metersOn = false; // input level meters: only while someone reads or listens
const generators: Array<Generator | null> = Array.from({ length: cfg.outputs }, () => null);
const meters = Array.from({ length: cfg.inputs }, () => new LevelAccumulator());
const meterEvery = Math.round(cfg.sampleRate / cfg.meterHz);
let sinceMeter = 0;
let tunerChannels: number[] = [];
let sinceTuner = 0;
const yin = new Yin(cfg.sampleRate, 2048, 30);
const tunerBuf = new Float32Array(2048 + Math.ceil(cfg.sampleRate / 30) + 2);
const windowBuf = new Float32Array(cfg.window);

type Pending = {
  id: number;
  spec: MeasureSpec;
  start: number;
  end: number;
  windows: number;
  maxLag: number;
  freqs: number[];
};
const pending: Pending[] = [];
const banks = new Map<string, Promise<ToneBank>>();

let backend: AudioBackend;

type Recording = { spec: RecordSpec; writer: WavWriter; meter: LoudnessMeter; frames: number; limit: number };
let recording: Recording | undefined;

/** Broadcast WAV `bext` chunk: description, originator, date, time, time reference (samples since midnight). */
function bext(description: string, originator: string): Buffer {
  const b = Buffer.alloc(602);
  const now = new Date();
  b.write(description.slice(0, 256), 0, 'ascii');
  b.write(originator.slice(0, 32), 256, 'ascii');
  b.write(`rad-${now.getTime()}`.slice(0, 32), 288, 'ascii');
  b.write(now.toISOString().slice(0, 10), 320, 'ascii');
  b.write(now.toISOString().slice(11, 19).replace(/:/g, ':'), 330, 'ascii');
  const midnight = new Date(now);
  midnight.setUTCHours(0, 0, 0, 0);
  const ref = BigInt(Math.round(((now.getTime() - midnight.getTime()) / 1000) * cfg.sampleRate));
  b.writeBigUInt64LE(ref, 338);
  b.writeUInt16LE(1, 346); // BWF version 1
  return b;
}

function finishRecording(error?: string): void {
  const r = recording;
  if (!r) return;
  recording = undefined;
  let frames = r.frames;
  try {
    frames = r.writer.close().frames;
  } catch (e) {
    error ??= (e as Error).message;
  }
  post({
    type: 'recorded',
    result: {
      id: r.spec.id,
      path: r.spec.path,
      frames,
      seconds: frames / cfg.sampleRate,
      integrated_lufs: Math.round(r.meter.integrated() * 100) / 100,
      true_peak_dbtp: Math.round(r.meter.truePeak() * 100) / 100,
      sample_peak_dbfs: Math.round(r.meter.samplePeakDb() * 100) / 100,
      ...(error ? { error } : {}),
    },
  });
}

function playingFreqs(): number[] {
  const out = new Set<number>();
  for (const g of generators) {
    if (!g || g.done) continue;
    const s = g.spec;
    if (s.kind === 'sine') out.add(s.freq);
    if (s.kind === 'multitone') for (const t of s.tones) out.add(t.freq);
    if (s.kind === 'ident') out.add(s.freq ?? 1000);
  }
  return [...out].sort((a, b) => a - b);
}

function bankFor(freqs: number[]): Promise<ToneBank> {
  const df = cfg.sampleRate / cfg.window;
  const bins = freqs.map((f) => Math.round(f / df));
  const key = bins.join(',');
  let b = banks.get(key);
  if (!b) {
    b = ToneBank.create(cfg.window, cfg.sampleRate, bins);
    banks.set(key, b);
    if (banks.size > 16) banks.delete(banks.keys().next().value!);
  }
  return b;
}

// FFT correlation at every lag range: bench xcorr measures it 13× (lag 128) to 800× (lag 12000)
// faster than the direct form on two analysis windows, which stays as the reference in tests
const correlators = new Map<string, Promise<FftCorrelator>>();
function correlatorFor(n: number, maxLag: number): Promise<FftCorrelator> {
  const key = `${n}:${maxLag}`;
  let c = correlators.get(key);
  if (!c) {
    c = FftCorrelator.create(n, maxLag);
    correlators.set(key, c);
    if (correlators.size > 8) correlators.delete(correlators.keys().next().value!);
  }
  return c;
}

function copyFromRing(ring: Float32Array, start: number, dst: Float32Array, n = dst.length): void {
  for (let i = 0; i < n; i++) dst[i] = ring[(start + i) & MASK]!;
}

/** Loudest minus quietest window (dB, 0.01 dB steps); a window of digital silence counts as −200 dBFS. */
function spreadDb(min: number, max: number): number {
  return Math.round((Math.max(max, -200) - Math.max(min, -200)) * 100) / 100;
}

async function finishMeasure(p: Pending): Promise<void> {
  try {
    const bank = await bankFor(p.freqs);
    const res = bank.newResult();
    const results: Measurement[] = [];
    for (const ch of p.spec.channels) {
      const ring = inHist[ch - 1]!;
      const acc = new LevelAccumulator();
      const tonePow = new Float64Array(p.freqs.length);
      // each tone's quietest and loudest window: a dropout (an xrun of the interface, a lost block)
      // shows as a spread, so a reader can take the level again instead of calling it a fault
      const toneMin = new Float64Array(p.freqs.length).fill(Number.POSITIVE_INFINITY);
      const toneMax = new Float64Array(p.freqs.length).fill(Number.NEGATIVE_INFINITY);
      const hum50 = new Float64Array(5);
      const hum60 = new Float64Array(5);
      let noise = 0;
      for (let w = 0; w < p.windows; w++) {
        copyFromRing(ring, p.start + w * cfg.window, windowBuf);
        acc.add(windowBuf);
        bank.analyse(windowBuf, 0, res);
        for (let i = 0; i < tonePow.length; i++) {
          tonePow[i]! += 10 ** (res.toneDbfs[i]! / 10);
          toneMin[i] = Math.min(toneMin[i]!, res.toneDbfs[i]!);
          toneMax[i] = Math.max(toneMax[i]!, res.toneDbfs[i]!);
        }
        for (let h = 0; h < 5; h++) {
          hum50[h]! += 10 ** (res.hum50Dbfs[h]! / 10);
          hum60[h]! += 10 ** (res.hum60Dbfs[h]! / 10);
        }
        noise += 10 ** (res.noiseFloorDbfs / 10);
      }
      const perWin = (x: number) => roundDb(10 * Math.log10(x / p.windows));
      const h50 = Array.from(hum50, perWin);
      const h60 = Array.from(hum60, perWin);
      const sum50 = h50.reduce((s, d) => s + 10 ** (d / 10), 0);
      const sum60 = h60.reduce((s, d) => s + 10 ** (d / 10), 0);
      const m: Measurement = {
        channel: ch,
        rms_dbfs: roundDb(acc.rmsDbfs),
        peak_dbfs: roundDb(acc.peakDbfs),
        dc_dbfs: roundDb(acc.dcDbfs),
        clipped_samples: acc.clipped,
        digital_silence: acc.digitalSilence,
        noise_floor_dbfs: perWin(noise),
        tones: p.freqs.map((freq, i) => ({
          freq,
          level_dbfs: perWin(tonePow[i]!),
          ...(p.windows > 1 ? { spread_db: spreadDb(toneMin[i]!, toneMax[i]!) } : {}),
        })),
        hum:
          sum50 >= sum60
            ? { hz: 50, level_dbfs: roundDb(10 * Math.log10(sum50)), harmonics_dbfs: h50 }
            : { hz: 60, level_dbfs: roundDb(10 * Math.log10(sum60)), harmonics_dbfs: h60 },
      };
      const refOut = p.spec.references?.[String(ch)] ?? p.spec.reference?.output;
      if (refOut !== undefined && p.maxLag > 0) {
        const o = refOut;
        const n = p.windows * cfg.window;
        const sent = new Float32Array(n);
        const recv = new Float32Array(n + p.maxLag);
        copyFromRing(outHist[o - 1]!, p.start, sent);
        copyFromRing(ring, p.start, recv);
        const c = (await correlatorFor(n, p.maxLag)).correlate(sent, recv, p.maxLag);
        m.latency_samples = c.lag;
        m.latency_fine = Math.round(c.lagFine * 100) / 100;
        m.polarity = c.polarity;
        m.correlation = Math.round(c.coefficient * 1000) / 1000;
      }
      results.push(m);
    }
    post({ type: 'measured', id: p.id, result: results });
  } catch (e) {
    post({ type: 'measured', id: p.id, error: (e as Error).message });
  }
}

/** Meter levels to the main thread every meterEvery samples. */
function postMeters(rms: Float32Array, peak: Float32Array, taps?: { names: string[]; peak: Float32Array }): void {
  post({
    type: 'meters',
    ...(metersOn ? { rms, peak } : {}),
    ...(taps ? { taps } : {}),
    processed,
    idle: idleSamples,
  });
}

/** Zeroes the histories over an idle stretch (nothing played then) before they are read again. */
function leaveIdle(): void {
  if (idleFrom === undefined) return;
  const n = Math.min(HIST, tIn - idleFrom);
  for (const h of [...inHist, ...outHist]) for (let k = 0; k < n; k++) h[(idleFrom + k) & MASK] = 0;
  idleFrom = undefined;
}

const io: BlockIo = {
  active(): boolean {
    return (
      pending.length > 0 || recording !== undefined || tunerChannels.length > 0 || generators.some((g) => g !== null)
    );
  },
  idle(frames: number, floors: IdleFloors): void {
    idleFrom ??= tIn;
    tIn += frames;
    tOut += frames;
    idleSamples += frames;
    sinceMeter += frames;
    // the floors do not move while idle: twice a second is enough
    if (sinceMeter >= Math.max(meterEvery, cfg.sampleRate / 2)) {
      sinceMeter = 0;
      postMeters(floors.rms, floors.peak, floors.taps);
    }
  },
  fill(out: Float32Array[]): void {
    leaveIdle();
    const B = out[0]?.length ?? 0;
    for (let o = 0; o < cfg.outputs; o++) {
      const g = generators[o];
      const buf = out[o]!;
      if (g) {
        g.fill(buf, 0, B);
        if (g.done) generators[o] = null;
      }
      const h = outHist[o]!;
      for (let j = 0; j < B; j++) h[(tOut + j) & MASK] = buf[j]!;
    }
    tOut += B;
  },
  capture(input: Float32Array[]): void {
    const B = input[0]?.length ?? 0;
    leaveIdle();
    processed += B;
    for (let i = 0; i < cfg.inputs; i++) {
      const src = input[i]!;
      const h = inHist[i]!;
      for (let j = 0; j < B; j++) h[(tIn + j) & MASK] = src[j]!;
      if (metersOn) meters[i]!.add(src, 0, B);
    }
    if (recording) {
      const r = recording;
      const n = Math.min(B, r.limit - r.frames);
      const blk = r.spec.channels.map((c) => input[c - 1]!.subarray(0, n));
      try {
        r.writer.write(blk);
        r.meter.add(blk);
        r.frames += n;
      } catch (e) {
        // disk full (or the disk went away): keep what was recorded as a valid file, and say so
        const err = e as NodeJS.ErrnoException;
        finishRecording(
          err.code === 'ENOSPC'
            ? 'E_DISK_FULL: the disk is full; the print was stopped and keeps what was recorded'
            : `E_PRINT_WRITE: ${err.message}`,
        );
      }
      if (recording && r.frames >= r.limit) finishRecording();
    }
    tIn += B;
    sinceMeter += B;
    if (sinceMeter >= meterEvery) {
      sinceMeter = 0;
      const rms = new Float32Array(cfg.inputs);
      const peak = new Float32Array(cfg.inputs);
      for (let i = 0; i < cfg.inputs; i++) {
        rms[i] = meters[i]!.rmsDbfs;
        peak[i] = meters[i]!.peakDbfs;
        meters[i]!.reset();
      }
      const taps = backend instanceof SimAudioBackend ? backend.takeTapPeaks() : undefined;
      postMeters(rms, peak, taps);
    }
    if (tunerChannels.length > 0) {
      sinceTuner += B;
      if (sinceTuner >= cfg.sampleRate / 10 && tIn >= tunerBuf.length) {
        sinceTuner = 0;
        for (const ch of tunerChannels) {
          copyFromRing(inHist[ch - 1]!, tIn - tunerBuf.length, tunerBuf);
          const p = yin.detect(tunerBuf, 0);
          let level = 0;
          for (let j = 0; j < 2048; j++) level = Math.max(level, Math.abs(tunerBuf[j]!));
          const quiet = ampToDb(level) < -60;
          post({
            type: 'tuner',
            channel: ch,
            hz: p && !quiet ? Math.round(p.hz * 100) / 100 : null,
            note: p && !quiet ? p.note : null,
            cents: p && !quiet ? p.cents : null,
          });
        }
      }
    }
    for (let k = pending.length - 1; k >= 0; k--) {
      const p = pending[k]!;
      if (tIn >= p.end) {
        pending.splice(k, 1);
        void finishMeasure(p);
      }
    }
  },
};

port.on('message', (msg: ToWorker) => {
  switch (msg.type) {
    case 'play': {
      const o = msg.channel - 1;
      if (o < 0 || o >= cfg.outputs) {
        post({
          type: 'played',
          channel: msg.channel,
          ok: false,
          error: `output ${msg.channel} does not exist (1..${cfg.outputs})`,
        });
        return;
      }
      if (msg.spec === null) generators[o]?.stop();
      else {
        const why = checkSignal(msg.spec as SignalSpec, cfg.sampleRate);
        if (why) {
          post({ type: 'played', channel: msg.channel, ok: false, error: why });
          return;
        }
        generators[o] = new Generator(msg.spec, cfg.sampleRate);
      }
      post({ type: 'played', channel: msg.channel, ok: true });
      return;
    }
    case 'measure': {
      const s = msg.spec;
      const windows = Math.max(1, Math.min(20, s.windows ?? 1));
      const settle = Math.round(((s.settleMs ?? 50) * cfg.sampleRate) / 1000);
      const maxLag =
        s.reference || s.references ? Math.max(1, Math.min(HIST / 4, s.reference?.maxLagSamples ?? 2048)) : 0;
      const freqs = s.freqs ?? playingFreqs();
      const start = tIn + settle;
      pending.push({ id: msg.id, spec: s, start, end: start + windows * cfg.window + maxLag, windows, maxLag, freqs });
      return;
    }
    case 'topology':
      if (backend instanceof SimAudioBackend) backend.setTopology(msg.topology);
      return;
    case 'tuner':
      tunerChannels = msg.channels;
      sinceTuner = 0;
      return;
    case 'meters':
      metersOn = msg.on;
      for (const m of meters) m.reset();
      return;
    case 'record': {
      if (recording) {
        post({
          type: 'recorded',
          result: {
            id: msg.spec.id,
            path: msg.spec.path,
            frames: 0,
            seconds: 0,
            integrated_lufs: Number.NaN,
            true_peak_dbtp: Number.NaN,
            sample_peak_dbfs: Number.NaN,
            error: 'E_PRINT_BUSY: a print is already running',
          },
        });
        return;
      }
      try {
        const spec = msg.spec;
        const writer = new WavWriter(spec.path, {
          sampleRate: cfg.sampleRate,
          channels: spec.channels.length,
          format: spec.format,
          extraChunks: [{ id: 'bext', data: bext(spec.description, spec.originator) }],
        });
        recording = {
          spec,
          writer,
          meter: new LoudnessMeter(cfg.sampleRate, spec.channels.length),
          frames: 0,
          limit: spec.seconds ? Math.round(spec.seconds * cfg.sampleRate) : Number.POSITIVE_INFINITY,
        };
      } catch (e) {
        post({
          type: 'recorded',
          result: {
            id: msg.spec.id,
            path: msg.spec.path,
            frames: 0,
            seconds: 0,
            integrated_lufs: Number.NaN,
            true_peak_dbtp: Number.NaN,
            sample_peak_dbfs: Number.NaN,
            error: (e as Error).message,
          },
        });
      }
      return;
    }
    case 'stop-record':
      if (recording?.spec.id === msg.id) finishRecording();
      return;
    case 'close':
      finishRecording('E_PRINT_STOPPED: the audio engine stopped');
      // `closed` either way: a backend that could not stop has said so by throwing; the engine
      // then ends the worker, as it would after its own wait
      void backend
        .stop()
        .catch(() => undefined)
        .then(() => post({ type: 'closed' }));
      return;
  }
});

async function open(): Promise<void> {
  if (cfg.backend === 'sim') backend = new SimAudioBackend(cfg.inputs, cfg.outputs, cfg.sampleRate, cfg.block);
  else if (cfg.backend === 'portaudio') {
    const { PortAudioBackend } = await import('../../drivers/audio/portaudio.ts');
    backend = await PortAudioBackend.open(cfg);
  } else {
    const { JackBackend } = await import('../../drivers/audio/jack.ts');
    backend = await JackBackend.open(cfg);
  }
  await backend.start(io, (err) => post({ type: 'status', state: 'offline', detail: err.message }));
  post({
    type: 'status',
    state: 'online',
    info: { device: backend.name, inputs: backend.inputs, outputs: backend.outputs, sampleRate: backend.sampleRate },
  });
}

open().catch((e: Error) => post({ type: 'status', state: 'offline', detail: e.message }));
