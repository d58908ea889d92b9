import { WavReader, WavWriter } from './wav.ts';

export type GateOptions = {
  thresholdDb: number;
  /** How far the gate closes (dB of attenuation). */
  rangeDb: number;
  attackMs: number;
  holdMs: number;
  releaseMs: number;
  lookaheadMs: number;
  /** The gate closes only below threshold − hysteresis. */
  hysteresisDb: number;
};

export const GATE_DEFAULTS: GateOptions = {
  thresholdDb: -40,
  rangeDb: 40,
  attackMs: 0.5,
  holdMs: 50,
  releaseMs: 120,
  lookaheadMs: 2,
  hysteresisDb: 4,
};

/**
 * Downward expander / gate for bleed: the detector runs on a key track (e.g. the tom's own
 * mic, not the snare's) or on the signal itself, `lookahead` ms ahead of the audio, so the gate
 * is open before the hit arrives. Gain moves with one-pole attack/release smoothing: no clicks.
 */
export function gateFile(
  input: string,
  output: string,
  o: GateOptions,
  keyPath?: string,
  onProgress?: (f: number) => void,
) {
  const r = new WavReader(input);
  const key = keyPath ? new WavReader(keyPath) : undefined;
  try {
    const fs = r.info.sampleRate;
    if (key && key.info.sampleRate !== fs)
      throw Object.assign(new Error(`key ${keyPath} is ${key.info.sampleRate} Hz, the track ${fs} Hz`), {
        code: 'E_GATE_KEY_RATE',
      });
    const look = Math.round((o.lookaheadMs * fs) / 1000);
    const hold = Math.round((o.holdMs * fs) / 1000);
    const aCoef = Math.exp(-1 / Math.max(1, (o.attackMs * fs) / 1000));
    const rCoef = Math.exp(-1 / Math.max(1, (o.releaseMs * fs) / 1000));
    const open = 10 ** (o.thresholdDb / 20);
    const close = 10 ** ((o.thresholdDb - o.hysteresisDb) / 20);
    const floor = 10 ** (-o.rangeDb / 20);
    const envRelease = Math.exp(-1 / ((0.01 * fs) | 1)); // 10 ms detector release
    const channels = r.info.channels;
    const w = new WavWriter(output, {
      sampleRate: fs,
      channels,
      format: r.info.format,
      extraChunks: r.info.extraChunks,
    });
    // audio is delayed by `look` samples through a ring; the detector sees the key `look` ahead
    const ring = Array.from({ length: channels }, () => new Float32Array(Math.max(1, look)));
    let rp = 0;
    let env = 0;
    let gain = floor;
    let isOpen = false;
    let holdLeft = 0;
    let written = 0;
    const total = r.info.frames;
    const step = (keyAbs: number, frame: Float32Array[], i: number, outBlk: Float32Array[], j: number) => {
      env = keyAbs > env ? keyAbs : env * envRelease;
      if (env >= open) {
        isOpen = true;
        holdLeft = hold;
      } else if (isOpen && env < close) {
        if (holdLeft > 0) holdLeft--;
        else isOpen = false;
      }
      const target = isOpen ? 1 : floor;
      gain = target > gain ? target + (gain - target) * aCoef : target + (gain - target) * rCoef;
      for (let c = 0; c < channels; c++) {
        if (look === 0) {
          outBlk[c]![j] = frame[c]![i]! * gain;
          continue;
        }
        const delayed = ring[c]![rp]!; // written exactly `look` samples ago
        ring[c]![rp] = frame[c]![i]!;
        outBlk[c]![j] = delayed * gain;
      }
      rp = rp + 1 >= look ? 0 : rp + 1;
    };
    try {
      let pending = 0; // samples still to emit after the input ends (the lookahead tail)
      for (let block = r.read(65536); block || pending > 0; block = r.read(65536)) {
        const n = block ? block[0]!.length : Math.min(pending, 65536);
        const frame = block ?? Array.from({ length: channels }, () => new Float32Array(n));
        const kb = key ? key.read(n) : undefined;
        const outBlk = Array.from({ length: channels }, () => new Float32Array(n));
        for (let i = 0; i < n; i++) {
          let k = 0;
          if (kb) {
            for (const ch of kb) {
              const v = ch[i] ?? 0;
              const a = v < 0 ? -v : v;
              if (a > k) k = a;
            }
          } else
            for (let c = 0; c < channels; c++) {
              const v = frame[c]![i]!;
              const a = v < 0 ? -v : v;
              if (a > k) k = a;
            }
          step(k, frame, i, outBlk, i);
        }
        if (block === null) pending -= n;
        // the first `look` output samples are the ring's initial silence: drop them, keep length
        const skip = Math.max(0, Math.min(n, look - written));
        const emit = Math.min(n - skip, total - Math.max(0, written - look));
        if (emit > 0) w.write(outBlk.map((c) => c.subarray(skip, skip + emit)));
        written += n;
        if (!block) break;
        if (r.position >= total) pending = look;
        onProgress?.(r.position / total);
      }
    } catch (e) {
      w.abort();
      throw e;
    }
    return w.close();
  } finally {
    r.close();
    key?.close();
  }
}
