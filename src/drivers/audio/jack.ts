import { createRequire } from 'node:module';
import type { EngineConfig } from './topology.ts';
import { type AudioBackend, AudioUnavailableError, type BlockIo } from './backend.ts';

// audify (RtAudio) is an optional native module; these are the parts of its API rad uses.
type RtAudioDevice = {
  id: number;
  name: string;
  inputChannels: number;
  outputChannels: number;
  sampleRates: number[];
  preferredSampleRate: number;
};
type RtAudio = {
  getDevices(): RtAudioDevice[];
  openStream(
    out: { deviceId: number; nChannels: number } | null,
    inp: { deviceId: number; nChannels: number } | null,
    format: number,
    sampleRate: number,
    frameSize: number,
    streamName: string,
    inputCallback: ((data: Buffer) => void) | null,
    frameOutputCallback: (() => void) | null,
    flags?: number,
    errorCallback?: ((type: number, msg: string) => void) | null,
  ): number;
  start(): void;
  stop(): void;
  closeStream(): void;
  isStreamOpen(): boolean;
  isStreamRunning(): boolean;
  write(pcm: Buffer): void;
  getStreamLatency(): number;
};
type Audify = { RtAudio: new (api?: number) => RtAudio };

const UNIX_JACK = 3;
const RTAUDIO_FLOAT32 = 0x10;
const RTAUDIO_JACK_DONT_CONNECT = 0x20;

export function loadAudify(): Audify {
  try {
    return createRequire(import.meta.url)('audify') as Audify;
  } catch (e) {
    throw new AudioUnavailableError(
      `JACK (audify) is not installed or did not build: ${(e as Error).message.split('\n')[0]}`,
    );
  }
}

/** JACK clients with audio ports, as RtAudio lists them (empty when no JACK server runs). */
export function listJackDevices(): Array<{
  id: number;
  name: string;
  inputs: number;
  outputs: number;
  sampleRate: number;
  api: string;
}> {
  return new (loadAudify().RtAudio)(UNIX_JACK).getDevices().map((d) => ({
    id: d.id,
    name: d.name,
    inputs: d.inputChannels,
    outputs: d.outputChannels,
    sampleRate: d.preferredSampleRate,
    api: 'JACK',
  }));
}

/**
 * Native JACK through audify's RtAudio. JACK fixes the period (the server's buffer size), so the
 * backend re-blocks: input periods collect into engine blocks, and each block the engine fills
 * is queued out in periods. Its ports are `<client>:inport N` / `<client>:outport N`; with
 * `connect` they are wired to the device's ports (e.g. system:capture_1 → inport 0), else the
 * studio wires them (jack_connect, a patchbay session manager).
 */
export class JackBackend implements AudioBackend {
  private running = false;
  private readonly inBlocks: Float32Array[];
  private readonly outBlocks: Float32Array[];
  private readonly inFifo: Float32Array;
  private inFill = 0;
  private readonly outFifo: Float32Array;
  private outFill = 0;
  private period = 0;

  private constructor(
    readonly name: string,
    private readonly rt: RtAudio,
    private readonly deviceId: number,
    readonly inputs: number,
    readonly outputs: number,
    readonly sampleRate: number,
    private readonly block: number,
    private readonly client: string,
    private readonly connect: boolean,
  ) {
    this.inBlocks = Array.from({ length: inputs }, () => new Float32Array(block));
    this.outBlocks = Array.from({ length: outputs }, () => new Float32Array(block));
    // interleaved FIFOs: the input holds under a block plus a period (at most 8192), the output one more period
    this.inFifo = new Float32Array((block + 8192) * inputs);
    this.outFifo = new Float32Array((block + 2 * 8192) * outputs);
  }

  static async open(cfg: EngineConfig): Promise<JackBackend> {
    const mod = loadAudify();
    // one RtAudio for listing and streaming: a second instance's destructor, when collected,
    // reports "closeStream(): no open stream" through the live stream's error callback
    const rt = new mod.RtAudio(UNIX_JACK);
    const devices = rt.getDevices();
    if (devices.length === 0)
      throw new AudioUnavailableError(
        'no JACK server is running (RtAudio lists no JACK clients); start jackd or PipeWire’s JACK service',
      );
    const want = cfg.device ?? 'system';
    const dev = devices.find((d) => d.name === want);
    if (!dev)
      throw new AudioUnavailableError(
        `no JACK client named ${JSON.stringify(want)} (have: ${devices.map((d) => d.name).join(', ')})`,
      );
    if (dev.inputChannels < cfg.inputs || dev.outputChannels < cfg.outputs) {
      throw new AudioUnavailableError(
        `JACK client ${dev.name} has ${dev.inputChannels} capture / ${dev.outputChannels} playback ports; settings ask for ${cfg.inputs} / ${cfg.outputs}`,
      );
    }
    if (dev.preferredSampleRate && dev.preferredSampleRate !== cfg.sampleRate) {
      throw new AudioUnavailableError(
        `the JACK server runs at ${dev.preferredSampleRate} Hz; settings ask for ${cfg.sampleRate} Hz (audio.sample_rate must match the server)`,
      );
    }
    return new JackBackend(
      dev.name,
      rt,
      dev.id,
      cfg.inputs,
      cfg.outputs,
      cfg.sampleRate,
      cfg.block,
      cfg.jackClient ?? 'rad',
      cfg.jackConnect ?? true,
    );
  }

  async start(io: BlockIo, onError: (err: Error) => void): Promise<void> {
    const rt = this.rt;
    const ni = this.inputs;
    const no = this.outputs;
    const block = this.block;
    // Loop latency must stay constant. audify plays a silent period whenever its queue is empty
    // (the worker was busy), which delays every later period by one. Counting the cycles the
    // server ran (input callbacks) against the periods it played (frame-output callbacks) gives
    // those underruns; one period is then dropped for each, so the queue returns to its depth.
    // The count is taken in setImmediate, after libuv has delivered both callback queues.
    let cycles = 0;
    let played = 0;
    let counted = 0;
    let dropDebt = 0;
    let checkPending = false;
    const countUnderruns = (): void => {
      checkPending = false;
      const under = cycles - played;
      if (under > counted) {
        dropDebt += under - counted;
        counted = under;
      }
    };
    const onInput = (buf: Buffer): void => {
      cycles++;
      if (!checkPending) {
        checkPending = true;
        setImmediate(countUnderruns);
      }
      const frames = buf.length / (4 * ni);
      const data =
        buf.byteOffset % 4 === 0
          ? new Float32Array(buf.buffer, buf.byteOffset, frames * ni)
          : new Float32Array(Uint8Array.from(buf).buffer);
      this.inFifo.set(data, this.inFill * ni);
      this.inFill += frames;
      while (this.inFill >= block) {
        for (let j = 0; j < block; j++) for (let c = 0; c < ni; c++) this.inBlocks[c]![j] = this.inFifo[j * ni + c]!;
        this.inFifo.copyWithin(0, block * ni, this.inFill * ni);
        this.inFill -= block;
        io.capture(this.inBlocks);
        for (const o of this.outBlocks) o.fill(0);
        io.fill(this.outBlocks);
        for (let j = 0; j < block; j++)
          for (let c = 0; c < no; c++) this.outFifo[(this.outFill + j) * no + c] = this.outBlocks[c]![j]!;
        this.outFill += block;
      }
      const p = this.period;
      while (this.outFill >= p) {
        if (dropDebt > 0) dropDebt--;
        else rt.write(Buffer.from(this.outFifo.buffer, this.outFifo.byteOffset, p * no * 4)); // audify copies it at once
        this.outFifo.copyWithin(0, p * no, this.outFill * no);
        this.outFill -= p;
      }
    };
    try {
      this.period = rt.openStream(
        { deviceId: this.deviceId, nChannels: no },
        { deviceId: this.deviceId, nChannels: ni },
        RTAUDIO_FLOAT32,
        this.sampleRate,
        block,
        this.client,
        onInput,
        () => {
          played++;
        },
        this.connect ? 0 : RTAUDIO_JACK_DONT_CONNECT,
        // RtAudio 6 error types: 0 none, 1 warning; anything above stops the stream
        (type, msg) => {
          if (type > 1) onError(new Error(`JACK: ${msg}`));
        },
      );
    } catch (e) {
      throw new AudioUnavailableError(
        `cannot open JACK client ${this.name} at ${this.sampleRate} Hz: ${(e as Error).message}`,
      );
    }
    if (this.period > 8192) {
      rt.closeStream();
      throw new AudioUnavailableError(`the JACK period is ${this.period} frames; rad handles periods up to 8192`);
    }
    this.running = true;
    // prime the output queue: one engine block of re-blocking slack plus three periods (16 ms at
    // 256) for the worker's scheduling jitter
    const prime = Math.ceil(block / this.period) + 3;
    for (let i = 0; i < prime; i++) rt.write(Buffer.alloc(this.period * no * 4));
    rt.start();
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    const rt = this.rt;
    try {
      if (rt.isStreamRunning()) rt.stop();
      if (rt.isStreamOpen()) rt.closeStream();
    } catch {
      // the server went away first: nothing left to close
    }
  }
}
