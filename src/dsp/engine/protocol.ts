import type { SignalSpec } from '../generators.ts';

/** Messages between the main thread (AudioEngine) and the DSP worker. Samples never cross. */

export type { AudioTopology, BackendKind, EngineConfig, TopologyInput } from '../../drivers/audio/topology.ts';
import type { AudioTopology } from '../../drivers/audio/topology.ts';

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
  /** `spread_db` (with 2 or more windows): the loudest window's level minus the quietest's. */
  tones: Array<{ freq: number; level_dbfs: number; spread_db?: number }>;
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
  | { type: 'tuner'; channels: number[] }
  /** Level meters of every input: computed only while someone reads or listens. */
  | { type: 'meters'; on: boolean }
  | { type: 'close' };

export type FromWorker =
  | { type: 'recorded'; result: RecordResult }
  | {
      type: 'status';
      state: 'online' | 'offline' | 'degraded';
      detail?: string;
      info?: { device: string; inputs: number; outputs: number; sampleRate: number };
    }
  | {
      type: 'meters';
      /** Absent while nobody wants input meters (the message then carries taps and counters only). */
      rms?: Float32Array;
      peak?: Float32Array;
      taps?: { names: string[]; peak: Float32Array };
      /** Input samples captured and analysed one by one since start (stays put while idle). */
      processed: number;
      /** Samples the clock advanced without per-sample work. */
      idle: number;
    }
  | { type: 'measured'; id: number; result?: Measurement[]; error?: string }
  | { type: 'tuner'; channel: number; hz: number | null; note: string | null; cents: number | null }
  | { type: 'played'; channel: number; ok: boolean; error?: string }
  | { type: 'closed' };
