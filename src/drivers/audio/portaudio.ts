import { createRequire } from 'node:module';
import type { EngineConfig } from './topology.ts';
import { type AudioBackend, AudioUnavailableError, type BlockIo } from './backend.ts';

type Naudiodon = {
  getDevices(): Array<{
    id: number;
    name: string;
    maxInputChannels: number;
    maxOutputChannels: number;
    defaultSampleRate: number;
    hostAPIName: string;
  }>;
  AudioIO(
    opts: Record<string, unknown>,
  ): NodeJS.ReadWriteStream & { start(): void; quit(cb?: () => void): void; abort(cb?: () => void): void };
  SampleFormatFloat32: number;
};

/** naudiodon is an optional native module: absent or unbuildable means "no PortAudio", a status. */
export function loadNaudiodon(): Naudiodon {
  try {
    return createRequire(import.meta.url)('naudiodon') as Naudiodon;
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
  private stream: ReturnType<Naudiodon['AudioIO']> | undefined;
  private readonly inBlocks: Float32Array[];
  private readonly outBlocks: Float32Array[];
  private pending: Buffer = Buffer.alloc(0);

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
      sampleFormat: this.mod.SampleFormatFloat32,
      sampleRate: this.sampleRate,
      deviceId: this.deviceId,
      framesPerBuffer: this.block,
      closeOnError: false,
    });
    let stream: ReturnType<Naudiodon['AudioIO']>;
    try {
      stream = this.mod.AudioIO({ inOptions: opts(this.inputs), outOptions: opts(this.outputs) });
    } catch (e) {
      throw new AudioUnavailableError(`cannot open ${this.name} at ${this.sampleRate} Hz: ${(e as Error).message}`);
    }
    this.stream = stream;
    const frameBytes = 4 * this.inputs;
    const blockBytes = frameBytes * this.block;
    const outFrame = new Float32Array(this.block * this.outputs);
    stream.on('error', (err: Error) => onError(err));
    stream.on('data', (chunk: Buffer) => {
      this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
      while (this.pending.length >= blockBytes) {
        const view = new Float32Array(this.pending.buffer, this.pending.byteOffset, (blockBytes / 4) | 0);
        const aligned =
          this.pending.byteOffset % 4 === 0
            ? view
            : new Float32Array(Uint8Array.from(this.pending.subarray(0, blockBytes)).buffer);
        for (let j = 0; j < this.block; j++)
          for (let c = 0; c < this.inputs; c++) this.inBlocks[c]![j] = aligned[j * this.inputs + c]!;
        this.pending = this.pending.subarray(blockBytes);
        io.capture(this.inBlocks);
        for (const o of this.outBlocks) o.fill(0);
        io.fill(this.outBlocks);
        for (let j = 0; j < this.block; j++)
          for (let c = 0; c < this.outputs; c++) outFrame[j * this.outputs + c] = this.outBlocks[c]![j]!;
        stream.write(Buffer.from(outFrame.buffer.slice(0)));
      }
    });
    // prime the output: naudiodon's duplex stream delivers input only while the output queue
    // holds at least one of its 16 KiB chunks (measured on JACK dummy through the ALSA plugin)
    const primeBlocks = Math.max(2, Math.ceil((2 * 16384) / (4 * this.outputs * this.block)));
    stream.write(Buffer.alloc(4 * this.outputs * this.block * primeBlocks));
    stream.start();
  }

  async stop(): Promise<void> {
    const s = this.stream;
    this.stream = undefined;
    // abort, not quit: quit() drains the output queue and can block for ever when the device stalls
    if (s)
      await Promise.race([new Promise<void>((r) => s.abort(() => r())), new Promise<void>((r) => setTimeout(r, 500))]);
  }
}
