// The audio engine's configuration and the simulated plant's topology: contracts the drivers,
// the DSP engine and the simulated studio share, kept here so drivers import nothing above them.

import type { Programme } from './band.ts';

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
  /** How long a call made while the engine is starting waits for it (default 10 s). */
  startTimeoutMs?: number;
};

/** How each simulated interface input is made from what was played (sample by sample). */
/** What one simulated point hears, made sample by sample from what the outputs played. */
export type TopologyInput = {
  sources: Array<{ output: number; gainDb: number; delaySamples: number; polarity: 1 | -1 }>;
  noiseDbfs?: number;
  humDbfs?: number;
  humHz?: 50 | 60;
  clipDbfs?: number;
  /** An intermittent connection: the sources drop out for lengthMs every everyMs (noise and hum stay). */
  dropouts?: { everyMs: number; lengthMs: number };
  /** Signals made upstream of the interface (a console's test oscillator on a bus wired here). */
  generators?: Array<{
    kind: 'sine' | 'white' | 'band';
    freq?: number;
    /** Peak level (a band programme's peak, a sine's peak; white noise: its AES17 RMS). */
    levelDbfs: number;
    path?: string;
    /** kind 'band': what the musician on this input plays (drivers/audio/band.ts). */
    programme?: Programme;
  }>;
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
