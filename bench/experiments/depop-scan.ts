// EXPERIMENT (issue 22, pops, session 7) — not used by rad; run: npx tsx bench/experiments/depop-scan.ts.
// Gap-interpolation scan of the low band (<400 Hz, 1.5 kHz): LSAR over 12 ms gaps every 2 ms, Burg model
// from ±50 ms around each gap; features per candidate printed (see the session 7 note for what they gave).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { declickChannel, DECLICK_DEFAULTS } from '../../src/dsp/offline/declick.ts';
import { lowpassZeroPhase } from '../../src/dsp/offline/filters.ts';
import { burgAr } from './depop-burg.ts';
import { damage, music, speech } from '../../test/fixtures/corpus.ts';

const FS = 48000;
const dir = mkdtempSync(join(tmpdir(), 'pop-'));
const seedArg = Number(process.env.SEED ?? 7);
const G = Number(process.env.G ?? 18); // gap samples at 1.5 kHz = 12 ms
const P = Number(process.env.P ?? 12);
const STEP = 3;
function chol(M: Float64Array, n: number): Float64Array {
  const L = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) {
    let s = M[i * n + j]!; for (let k = 0; k < j; k++) s -= L[i * n + k]! * L[j * n + k]!;
    if (i === j) L[i * n + i] = Math.sqrt(Math.max(s, 1e-12)); else L[i * n + j] = s / L[j * n + j]!;
  }
  return L;
}
function solve(L: Float64Array, n: number, rhs: Float64Array, out: Float64Array) {
  for (let i = 0; i < n; i++) { let s = rhs[i]!; for (let k = 0; k < i; k++) s -= L[i * n + k]! * out[k]!; out[i] = s / L[i * n + i]!; }
  for (let i = n - 1; i >= 0; i--) { let s = out[i]!; for (let k = i + 1; k < n; k++) s -= L[k * n + i]! * out[k]!; out[i] = s / L[i * n + i]!; }
}
for (const [name, clean] of [['speech', speech(dir, 40)], ['music', music(40)]] as const) {
  const c = damage(clean, Number(process.env.NC ?? 25), Number(process.env.NP ?? 25), seedArg);
  const x = Float64Array.from(c.damaged);
  if (!process.env.NODC) declickChannel(x, FS, DECLICK_DEFAULTS);
  const D = 32; const fsd = FS / D;
  const y = lowpassZeroPhase(x, FS, 400); const yh = lowpassZeroPhase(x, FS, 2000);
  const nd = Math.floor(x.length / D);
  const yd = new Float64Array(nd);
  for (let k = 0; k < nd; k++) yd[k] = y[k * D]!;
  const B = 300; // 200 ms blocks
  const pos: number[] = []; const dv: number[] = [];
  const rhs = new Float64Array(G); const sol = new Float64Array(G);
  for (let s0 = 0; s0 < nd; s0 += B) {
    const CTX = Number(process.env.CTX ?? 75);
    for (let t = Math.max(s0, CTX + 1); t < Math.min(nd - G - CTX - 1, s0 + B); t += STEP) {
    const a = burgAr([yd.subarray(t - CTX, t), yd.subarray(t + G, t + G + CTX)], P);
    const b = new Float64Array(P + 1); b[0] = 1; for (let l = 1; l <= P; l++) b[l] = -a[l]!;
    const M = new Float64Array(G * G);
    for (let i = 0; i < G; i++) for (let k = 0; k < G; k++) { let s = 0; for (let r = 0; r < G + P; r++) { const li = r - i, lk = r - k; if (li >= 0 && li <= P && lk >= 0 && lk <= P) s += b[li]! * b[lk]!; } M[i * G + k] = s; }
    const L = chol(M, G);
      // rows n = t .. t+G+P-1; known part of each row
      rhs.fill(0);
      for (let r = 0; r < G + P; r++) {
        const n = t + r; let known = 0;
        for (let l = 0; l <= P; l++) { const j = n - l; if (j >= t && j < t + G) continue; known += b[l]! * yd[j]!; }
        for (let i = 0; i < G; i++) { const li = r - i; if (li >= 0 && li <= P) rhs[i]! -= b[li]! * known; }
      }
      solve(L, G, rhs, sol);
      let d = 0; for (let i = 0; i < G; i++) d += (yd[t + i]! - sol[i]!) ** 2;
      pos.push(t); dv.push(d);
    }
  }
  const m = pos.length; const W = Math.round(0.15 * fsd / STEP);
  const pops = c.events.filter((ev) => ev.kind === 'pop');
  const rows: string[] = []; const found = new Set<number>();
  const env = (a: number, b: number) => { let s = 0, q = 0; for (let k = Math.max(0, a); k < Math.min(nd, b); k++) { s += yd[k]! ** 2; q++; } return q ? s / q : 0; };
  const ms = (v: number) => Math.round(v * fsd / 1000);
  for (let i = W; i < m - W; i++) {
    let isMax = true; for (let j = i - 4; j <= i + 4; j++) if (dv[j]! > dv[i]!) { isMax = false; break; }
    if (!isMax) continue;
    const w = dv.slice(i - W, i + W).sort((p, q) => p - q); const bg = w[w.length >> 1]!;
    const ratio = dv[i]! / Math.max(bg, 1e-14);
    if (ratio < 2) continue;
    const TH = Number(process.env.TH ?? 10);
    const t = pos[i]!;
    const before = env(t - ms(25), t - ms(3)); const after = env(t + G + ms(3), t + G + ms(25)); const inside = env(t, t + G);
    const ts = t * D;
    let hIn = 0, hS = 0; { const a0 = ts, a1 = ts + G * D; for (let q = a0; q < a1; q++) hIn += (x[q]! - yh[q]!) ** 2; hIn /= (a1 - a0); let s1 = 0, s2 = 0; for (let q = a0 - 1440; q < a0 - 240; q++) s1 += (x[q]! - yh[q]!) ** 2; for (let q = a1 + 240; q < a1 + 1440; q++) s2 += (x[q]! - yh[q]!) ** 2; hS = Math.max(s1, s2) / 1200; }
    const E = env;
    let onset = 0; let offset = 0;
    for (let tau = t - ms(20); tau <= t + G; tau += 2) {
      onset = Math.max(onset, E(tau + ms(15), tau + ms(45)) / Math.max(E(tau - ms(30), tau), 1e-12));
      offset = Math.max(offset, E(tau - ms(45) + G, tau - ms(15) + G) / Math.max(E(tau + G, tau + G + ms(30)), 1e-12));
    }
    const bumpA = inside / Math.max(after, 1e-12); const bumpB = inside / Math.max(before, 1e-12);
    const BT = Number(process.env.BT ?? 10); const isOnset = onset > 4 && bumpA < BT; const isOffset = offset > 4 && bumpB < BT;
    const frac = dv[i]! / Math.max(inside * G, 1e-14);
    const verdict = ratio >= TH && !isOnset && !isOffset && frac > Number(process.env.FR ?? 0.1);
    const pi = pops.findIndex((ev) => ts + G * D > ev.start - 0.002 * FS && ts < ev.start + ev.length + 0.002 * FS);
    if (pi >= 0 && verdict) found.add(pi);
    rows.push(`${verdict ? 'YES' : 'no'}\t${name}\t${(ts / FS).toFixed(3)}\t${pi >= 0 ? 'POP' : '-'}\t${ratio.toFixed(1)}\t${(10 * Math.log10(after / Math.max(before, 1e-12))).toFixed(1)}\t${(10 * Math.log10(inside / Math.max(after, 1e-12))).toFixed(1)}\t${(10*Math.log10(dv[i]!/Math.max(inside*G,1e-14))).toFixed(1)}\t${(10*Math.log10(inside/Math.max(before,1e-14))).toFixed(1)}\t${(10*Math.log10(hIn/Math.max(hS,1e-14))).toFixed(1)}`);
  }
  console.log(rows.join('\n'));
  const fp = rows.filter((r) => r.startsWith('YES') && r.includes('\t-\t')).length;
  console.log(`${name}: ${found.size}/25 pops; ${fp} false of ${rows.filter((r) => r.startsWith('YES')).length} accepted; missed at ${pops.filter((_, i) => !found.has(i)).map((ev) => (ev.start / FS).toFixed(3)).join(' ')}`);
}
