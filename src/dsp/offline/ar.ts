// Own code: no npm package fits AR models by Burg's method on Float64Array segments (nor solves the small
// SPD systems the repairs need without pulling in a linear-algebra library).

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

/**
 * Solves M y = rhs for a symmetric positive-definite K×K M by Cholesky; a pivot under
 * `minPivot` (before its square root) is raised to it, so a nearly singular system still solves.
 */
export function solveSpd(M: Float64Array, rhs: Float64Array, K: number, minPivot = 1e-18): Float64Array {
  const L = new Float64Array(K * K);
  for (let i = 0; i < K; i++)
    for (let j = 0; j <= i; j++) {
      let sum = M[i * K + j]!;
      for (let k = 0; k < j; k++) sum -= L[i * K + k]! * L[j * K + k]!;
      if (i === j) L[i * K + i] = Math.sqrt(Math.max(sum, minPivot));
      else L[i * K + j] = sum / L[j * K + j]!;
    }
  const y = new Float64Array(K);
  for (let i = 0; i < K; i++) {
    let sum = rhs[i]!;
    for (let k = 0; k < i; k++) sum -= L[i * K + k]! * y[k]!;
    y[i] = sum / L[i * K + i]!;
  }
  const out = new Float64Array(K);
  for (let i = K - 1; i >= 0; i--) {
    let sum = y[i]!;
    for (let k = i + 1; k < K; k++) sum -= L[k * K + i]! * out[k]!;
    out[i] = sum / L[i * K + i]!;
  }
  return out;
}

/**
 * Least-squares AR interpolation (LSAR) of x[s … s+len) from its neighbours: minimises the
 * prediction error of the AR model over the gap and `p` samples after it.
 */
export function interpolateAr(x: Float64Array, s: number, len: number, a: Float64Array): void {
  const p = a.length - 1;
  const b = new Float64Array(p + 1); // prediction-error filter: e[n] = Σ b_l x[n−l]
  b[0] = 1;
  for (let l = 1; l <= p; l++) b[l] = -a[l]!;
  const lo = s; // rows n = lo … s+len−1+p
  const hi = Math.min(x.length - 1, s + len - 1 + p);
  const M = new Float64Array(len * len);
  const rhs = new Float64Array(len);
  for (let n = lo; n <= hi; n++) {
    // known part of row n
    let known = 0;
    for (let l = 0; l <= p; l++) {
      const j = n - l;
      if (j < 0) break;
      if (j >= s && j < s + len) continue;
      known += b[l]! * x[j]!;
    }
    for (let i = 0; i < len; i++) {
      const li = n - (s + i);
      if (li < 0 || li > p) continue;
      rhs[i]! -= b[li]! * known;
      for (let k = 0; k < len; k++) {
        const lk = n - (s + k);
        if (lk < 0 || lk > p) continue;
        M[i * len + k]! += b[li]! * b[lk]!;
      }
    }
  }
  x.set(solveSpd(M, rhs, len, 1e-12), s);
}
