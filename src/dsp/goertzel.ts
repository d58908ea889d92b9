/**
 * Goertzel at one frequency over x[offset … offset+n). Float64 accumulators (float32 loses
 * precision for n in the thousands). Returns power |X|² and the complex value.
 */
export function goertzel(
  x: Float32Array | Float64Array,
  offset: number,
  n: number,
  freq: number,
  sampleRate: number,
): { power: number; re: number; im: number } {
  const w = (2 * Math.PI * freq) / sampleRate;
  const cw = Math.cos(w);
  const coeff = 2 * cw;
  let s1 = 0;
  let s2 = 0;
  for (let i = offset; i < offset + n; i++) {
    const s0 = x[i]! + coeff * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  return { power: s1 * s1 + s2 * s2 - coeff * s1 * s2, re: s1 - s2 * cw, im: s2 * Math.sin(w) };
}

/** Sine peak amplitude from a rectangular-window Goertzel/DFT power at a bin-centred frequency. */
export const amplitudeFromPower = (power: number, n: number): number => (2 * Math.sqrt(power)) / n;
