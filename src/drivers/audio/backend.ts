/** An audio device as the DSP worker sees it: fixed blocks of non-interleaved float32. */
export interface AudioBackend {
  readonly name: string;
  readonly inputs: number;
  readonly outputs: number;
  readonly sampleRate: number;
  /**
   * Starts the stream; the backend paces the calls, one block at a time: `fill` writes the next
   * block to play (zeroed first), `capture` receives each block just recorded.
   */
  start(io: BlockIo, onError: (err: Error) => void): Promise<void>;
  stop(): Promise<void>;
}

export class AudioUnavailableError extends Error {
  readonly code = 'E_AUDIO_UNAVAILABLE';
}

export type BlockIo = {
  fill(out: Float32Array[]): void;
  capture(input: Float32Array[]): void;
  /**
   * A simulated device may skip its per-sample work while this is false (nothing plays, nothing
   * measures or records): it then calls `idle` with the block count and its inputs' steady levels.
   */
  active?(): boolean;
  idle?(frames: number, floors: IdleFloors): void;
};

/** What each input reads while nothing plays: its noise and hum, as levels (dBFS). */
export type IdleFloors = { rms: Float32Array; peak: Float32Array; taps?: { names: string[]; peak: Float32Array } };
