import type { SignalSpec } from '../generators.ts';

/** Messages between the main thread (AudioEngine) and the DSP worker. Samples never cross. */

export type BackendKind = 'sim' | 'portaudio' | 'jack';

export type EngineConfig = {
  backend: BackendKind;
  sampleRate: number;
  block: number;
  /** Analysis window (samples) for tone identification: 10 Hz bins at 48 kHz with 4800. */
  window: number;
  inputs: number;
  outputs: number;
  device?: string;
  /** JACK backend: the client name of rad's ports, and whether to wire them to the device's ports. */
  jackClient?: string;
  jackConnect?: boolean;
  /** Meter updates per second posted to the main thread. */
  meterHz: number;
};

/** How each simulated interface input is made from what was played (sample by sample). */
/** What one simulated point hears, made sample by sample from what the outputs played. */
export type TopologyInput = {
  sources: Array<{ output: number; gainDb: number; delaySamples: number; polarity: 1 | -1 }>;
  noiseDbfs?: number;
  humDbfs?: number;
  humHz?: 50 | 60;
  clipDbfs?: number;
  /** Signals made upstream of the interface (a console's test oscillator on a bus wired here). */
  generators?: Array<{ kind: 'sine' | 'white'; freq?: number; levelDbfs: number; path?: string }>;
};

/** How each simulated interface input is made from what was played (sample by sample). */
export type AudioTopology = {
  inputs: TopologyInput[];
  /**
   * Points inside the plant that no interface input hears (console inputs without a direct out
   * back to the interface): computed the same way, reported only as peak levels, so a simulated
   * console's meters show what really arrives there.
   */
  taps?: Array<TopologyInput & { name: string }>;
};

export type MeasureSpec = {
  /** Interface inputs to measure (1-based). */
  channels: number[];
  /** Tone frequencies to read; default: every tone being played. */
  freqs?: number[];
  settleMs?: number;
  /** Consecutive analysis windows to average. */
  windows?: number;
  /** Cross-correlate each channel against what this output played (latency, polarity). */
  reference?: { output: number; maxLagSamples?: number };
  /** Per input channel, the output to correlate it against (overrides `reference.output`). */
  references?: Record<string, number>;
};

export type Measurement = {
  channel: number;
  rms_dbfs: number;
  peak_dbfs: number;
  dc_dbfs: number;
  clipped_samples: number;
  digital_silence: boolean;
  noise_floor_dbfs: number;
  tones: Array<{ freq: number; level_dbfs: number }>;
  hum: { hz: 50 | 60; level_dbfs: number; harmonics_dbfs: number[] };
  latency_samples?: number;
  latency_fine?: number;
  polarity?: 1 | -1;
  correlation?: number;
};

export type RecordSpec = {
  id: number;
  path: string;
  channels: number[];
  seconds?: number;
  format: 'int24' | 'float32';
  description: string;
  originator: string;
};
export type RecordResult = {
  id: number;
  path: string;
  frames: number;
  seconds: number;
  integrated_lufs: number;
  true_peak_dbtp: number;
  sample_peak_dbfs: number;
  error?: string;
};

export type ToWorker =
  | { type: 'record'; spec: RecordSpec }
  | { type: 'stop-record'; id: number }
  | { type: 'play'; channel: number; spec: SignalSpec | null }
  | { type: 'measure'; id: number; spec: MeasureSpec }
  | { type: 'topology'; topology: AudioTopology }
  | { type: 'tuner'; channel: number | null }
  | { type: 'close' };

export type FromWorker =
  | { type: 'recorded'; result: RecordResult }
  | {
      type: 'status';
      state: 'online' | 'offline' | 'degraded';
      detail?: string;
      info?: { device: string; inputs: number; outputs: number; sampleRate: number };
    }
  | { type: 'meters'; rms: Float32Array; peak: Float32Array; taps?: { names: string[]; peak: Float32Array } }
  | { type: 'measured'; id: number; result?: Measurement[]; error?: string }
  | { type: 'tuner'; channel: number; hz: number | null; note: string | null; cents: number | null }
  | { type: 'played'; channel: number; ok: boolean; error?: string }
  | { type: 'closed' };
