// Zero-phase IIR filters for offline work (no npm package offers forward-backward biquads on Float64Array).

/** A 2nd-order Butterworth low-pass section (RBJ cookbook), applied in place. */
function biquadLowpass(x: Float64Array, fs: number, fc: number, q: number, reverse: boolean): void {
  const w = (2 * Math.PI * fc) / fs;
  const alpha = Math.sin(w) / (2 * q);
  const cw = Math.cos(w);
  const a0 = 1 + alpha;
  const b0 = (1 - cw) / 2 / a0;
  const b1 = (1 - cw) / a0;
  const b2 = b0;
  const a1 = (-2 * cw) / a0;
  const a2 = (1 - alpha) / a0;
  let x1 = 0;
  let x2 = 0;
  let y1 = 0;
  let y2 = 0;
  const n = x.length;
  for (let k = 0; k < n; k++) {
    const i = reverse ? n - 1 - k : k;
    const v = x[i]!;
    const y = b0 * v + b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2;
    x2 = x1;
    x1 = v;
    y2 = y1;
    y1 = y;
    x[i] = y;
  }
}

/** Zero-phase 4th-order Butterworth low-pass (two sections, forward then backward): 8th order in magnitude. */
export function lowpassZeroPhase(x: Float64Array, fs: number, fc: number): Float64Array {
  const y = Float64Array.from(x);
  for (const reverse of [false, true]) {
    biquadLowpass(y, fs, fc, 0.5412, reverse);
    biquadLowpass(y, fs, fc, 1.3066, reverse);
  }
  return y;
}

/** Zero-phase 2nd-order Butterworth low-pass (one section, forward then backward): short ringing, for envelopes. */
export function lowpassZeroPhaseGentle(x: Float64Array, fs: number, fc: number): Float64Array {
  const y = Float64Array.from(x);
  biquadLowpass(y, fs, fc, Math.SQRT1_2, false);
  biquadLowpass(y, fs, fc, Math.SQRT1_2, true);
  return y;
}
