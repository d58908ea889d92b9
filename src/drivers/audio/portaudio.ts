// PortAudio through naudiodon's native binding, driven directly: naudiodon's JS wrapper calls the
// native quit('ABORT') with two arguments (it throws, so a stream could never be aborted and the
// DSP thread was torn down under live native work: SIGSEGV or a hung exit) and installs a segfault
// handler that writes crash.log into the working directory.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { EngineConfig } from './topology.ts';
import { type AudioBackend, AudioUnavailableError, type BlockIo } from './backend.ts';

type PaDevice = {
  id: number;
  name: string;
  maxInputChannels: number;
  maxOutputChannels: number;
  defaultSampleRate: number;
  hostAPIName: string;
};

/** naudiodon.node's AudioIO: each call is async work on libuv's pool that calls back into this thread. */
type NativeAudioIO = {
  start(): void;
  /** Resolves with exactly `bytes` of interleaved input, or `finished` once the stream quits. */
  read(bytes: number): Promise<{ buf?: Buffer; finished?: boolean; err?: string }>;
  /** Resolves when the chunk is queued for the device (waits while its queue is full). */
  write(chunk: Buffer): Promise<string | undefined>;
  /** Releases queued reads and writes, then stops (WAIT drains the output, ABORT does not). */
  quit(flag: 'WAIT' | 'ABORT'): Promise<void>;
};

type Naudiodon = {
  getDevices(): PaDevice[];
  create(opts: Record<string, unknown>): NativeAudioIO;
};

const SAMPLE_FORMAT_FLOAT32 = 1;

/** naudiodon is an optional native module: absent or unbuildable means "no PortAudio", a status. */
export function loadNaudiodon(): Naudiodon {
  try {
    const require = createRequire(import.meta.url);
    const root = dirname(require.resolve('naudiodon/package.json'));
    const built = ['Release', 'Debug'].map((d) => join(root, 'build', d, 'naudiodon.node')).find((f) => existsSync(f));
    if (!built) throw new Error(`naudiodon.node is not built under ${join(root, 'build')}`);
    return require(built) as Naudiodon;
  } catch (e) {
    throw new AudioUnavailableError(
      `PortAudio (naudiodon) is not installed or did not build: ${(e as Error).message.split('\n')[0]}`,
    );
  }
}

export function listDevices(): Array<{
  id: number;
  name: string;
  inputs: number;
  outputs: number;
  sampleRate: number;
  api: string;
}> {
  return loadNaudiodon()
    .getDevices()
    .map((d) => ({
      id: d.id,
      name: d.name,
      inputs: d.maxInputChannels,
      outputs: d.maxOutputChannels,
      sampleRate: d.defaultSampleRate,
      api: d.hostAPIName,
    }));
}

/** PortAudio duplex stream (ALSA hardware, or JACK through the ALSA jack plugin). */
export class PortAudioBackend implements AudioBackend {
  private native: NativeAudioIO | undefined;
  private readonly inBlocks: Float32Array[];
  private readonly outBlocks: Float32Array[];
  private closing = false;
  private reading: Promise<void> = Promise.resolve();
  private writing: Promise<unknown> = Promise.resolve();

  private constructor(
    readonly name: string,
    private readonly mod: Naudiodon,
    private readonly deviceId: number,
    readonly inputs: number,
    readonly outputs: number,
    readonly sampleRate: number,
    private readonly block: number,
  ) {
    this.inBlocks = Array.from({ length: inputs }, () => new Float32Array(block));
    this.outBlocks = Array.from({ length: outputs }, () => new Float32Array(block));
  }

  static async open(cfg: EngineConfig): Promise<PortAudioBackend> {
    const mod = loadNaudiodon();
    const devices = mod.getDevices();
    const dev = cfg.device
      ? (devices.find((d) => d.name === cfg.device) ?? devices.find((d) => d.name.includes(cfg.device!)))
      : devices[0];
    if (!dev) {
      throw new AudioUnavailableError(
        cfg.device
          ? `no audio device named ${JSON.stringify(cfg.device)} (have: ${devices.map((d) => d.name).join(', ') || 'none'})`
          : 'no audio devices found',
      );
    }
    if (dev.maxInputChannels < cfg.inputs || dev.maxOutputChannels < cfg.outputs) {
      throw new AudioUnavailableError(
        `${dev.name} has ${dev.maxInputChannels} in / ${dev.maxOutputChannels} out; settings ask for ${cfg.inputs} / ${cfg.outputs}`,
      );
    }
    return new PortAudioBackend(dev.name, mod, dev.id, cfg.inputs, cfg.outputs, cfg.sampleRate, cfg.block);
  }

  async start(io: BlockIo, onError: (err: Error) => void): Promise<void> {
    const opts = (channelCount: number) => ({
      channelCount,
      sampleFormat: SAMPLE_FORMAT_FLOAT32,
      sampleRate: this.sampleRate,
      deviceId: this.deviceId,
      framesPerBuffer: this.block,
      closeOnError: false,
    });
    let native: NativeAudioIO;
    try {
      native = this.mod.create({ inOptions: opts(this.inputs), outOptions: opts(this.outputs) });
    } catch (e) {
      throw new AudioUnavailableError(`cannot open ${this.name} at ${this.sampleRate} Hz: ${(e as Error).message}`);
    }
    this.native = native;
    this.closing = false;
    // prime the output: the device's callback waits for output before it hands over input, so the
    // loop runs this much ahead (about 32 KiB, as naudiodon's stream wrapper buffered; a fixed latency)
    const primeBlocks = Math.max(2, Math.ceil((2 * 16384) / (4 * this.outputs * this.block)));
    this.writing = native.write(Buffer.alloc(4 * this.outputs * this.block * primeBlocks));
    native.start();
    this.reading = this.pump(native, io).catch((e: Error) => {
      if (!this.closing) onError(e);
    });
  }

  /** One block in, one block out, for as long as the stream runs: reads and writes one at a time. */
  private async pump(native: NativeAudioIO, io: BlockIo): Promise<void> {
    const blockBytes = 4 * this.inputs * this.block;
    while (!this.closing) {
      const r = await native.read(blockBytes);
      if (this.closing || r.finished) return;
      if (r.err) throw new Error(`PortAudio: ${r.err}`);
      const buf = r.buf;
      if (!buf || buf.length < blockBytes) continue;
      const frames =
        buf.byteOffset % 4 === 0
          ? new Float32Array(buf.buffer, buf.byteOffset, blockBytes / 4)
          : new Float32Array(Uint8Array.from(buf.subarray(0, blockBytes)).buffer);
      for (let j = 0; j < this.block; j++)
        for (let c = 0; c < this.inputs; c++) this.inBlocks[c]![j] = frames[j * this.inputs + c]!;
      io.capture(this.inBlocks);
      for (const o of this.outBlocks) o.fill(0);
      io.fill(this.outBlocks);
      const out = new Float32Array(this.block * this.outputs);
      for (let j = 0; j < this.block; j++)
        for (let c = 0; c < this.outputs; c++) out[j * this.outputs + c] = this.outBlocks[c]![j]!;
      const chunk = Buffer.from(out.buffer);
      // once stopping, queued blocks are dropped: each native write is a round trip through libuv's
      // pool, and a backlog of them would outlast the stop and run into the thread's teardown
      this.writing = this.writing.then(() => (this.closing ? undefined : native.write(chunk)));
    }
  }

  /**
   * Stops the stream and returns when nothing of it is in flight: a thread torn down while a
   * native read, write or quit is pending crashes the process or hangs its exit. Abort, not wait:
   * draining the output can block for ever on a stalled device.
   */
  async stop(): Promise<void> {
    const native = this.native;
    this.native = undefined;
    if (!native) return;
    this.closing = true;
    const within = (p: Promise<unknown>, ms: number) => {
      let timer: NodeJS.Timeout | undefined;
      return Promise.race([
        p.then(
          () => true,
          () => true,
        ),
        new Promise<boolean>((r) => {
          timer = setTimeout(() => r(false), ms);
        }),
      ]).finally(() => clearTimeout(timer));
    };
    if (!(await within(native.quit('ABORT'), 3000))) throw new Error(`${this.name} did not stop within 3 s`);
    await within(this.reading, 1000);
    await within(this.writing, 1000);
  }
}
