import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { phrases, vocalTake, FS } from './test/fixtures/corpus.ts';
import { deess } from './src/dsp/offline/vocal.ts';
import { lowpassZeroPhase } from './src/dsp/offline/filters.ts';
const dir = mkdtempSync(join(tmpdir(), 'corp-'));
const take = vocalTake(phrases(dir, 40), 20);
const x = Float32Array.from(take.damaged);
const r = deess(x, FS, 10);
const energy = (a: ArrayLike<number>, s: number, e: number, b?: ArrayLike<number>) => { let t = 0; for (let i = Math.max(0, s); i < Math.min(a.length, e); i++) t += (a[i]! - (b?.[i] ?? 0)) ** 2; return t; };
const lp = lowpassZeroPhase(Float64Array.from(take.clean), FS, r.crossover_hz);
const F = FS / 100;
const fe = Array.from({ length: Math.floor(x.length / F) }, (_, f) => energy(take.clean, f * F, (f + 1) * F));
const level = [...fe].sort((a, b) => a - b)[Math.floor(fe.length * 0.95)]!;
const ov = (s: any, e: any) => s.start_s * FS < e.start + e.length && s.end_s * FS > e.start;
console.log('spans', r.spans.length, 'recall', take.sibilants.filter((e) => r.spans.some((s) => ov(s, e))).length);
for (const s of r.spans) {
  if (take.sibilants.some((e) => ov(s, e))) continue;
  const fr = [];
  for (let f = Math.floor(s.start_s * 100); f <= Math.ceil(s.end_s * 100); f++) { const hi = energy(take.clean, f * F, (f + 1) * F, lp); fr.push(`${(10*Math.log10(fe[f]!/level)).toFixed(0)}/${(hi/fe[f]!).toFixed(2)}`); }
  console.log(s.start_s, s.end_s, fr.join(' '));
}
