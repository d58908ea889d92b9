// Own code: no npm package fits AR models by Burg's method on Float64Array segments.

/**
 * Burg's method over several segments (the audio either side of a gap, never across it): AR
 * coefficients a[1..p] with x[n] ≈ Σ a_k x[n−k]. Unlike the autocorrelation method it does not
 * window the data, so a steady note's or a voice's harmonics stay sharp in the model.
 */
export function burgAr(segments: Float64Array[], p: number): Float64Array {
  const f = segments.map((s) => Float64Array.from(s));
  const b = segments.map((s) => Float64Array.from(s));
  const a = new Float64Array(p + 1);
  const tmp = new Float64Array(p + 1);
  for (let m = 1; m <= p; m++) {
    let num = 0;
    let den = 0;
    for (let s = 0; s < f.length; s++) {
      const fs = f[s]!;
      const bs = b[s]!;
      for (let n = m; n < fs.length; n++) {
        num += fs[n]! * bs[n - 1]!;
        den += fs[n]! * fs[n]! + bs[n - 1]! * bs[n - 1]!;
      }
    }
    // a whisper of white noise keeps |k| < 1 on a pure tone (a model on the unit circle would not invert)
    const k = den > 0 ? (2 * num) / (den * (1 + 1e-6) + 1e-20) : 0;
    tmp.set(a);
    a[m] = k;
    for (let j = 1; j < m; j++) a[j] = tmp[j]! - k * tmp[m - j]!;
    for (let s = 0; s < f.length; s++) {
      const fs = f[s]!;
      const bs = b[s]!;
      for (let n = fs.length - 1; n >= m; n--) {
        const fn = fs[n]!;
        const bn = bs[n - 1]!;
        fs[n] = fn - k * bn;
        bs[n] = bn - k * fn;
      }
    }
  }
  return a;
}
