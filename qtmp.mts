import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { phrases, vocalTake, FS } from './test/fixtures/corpus.ts';
import { breaths, deess, denoise } from './src/dsp/offline/vocal.ts';
const dir = mkdtempSync(join(tmpdir(), 'corp-'));
const take = vocalTake(phrases(dir, 40), 20);
console.log('breaths inserted', take.breaths.length, 'sibilants', take.sibilants.length);
const en = (a: ArrayLike<number>, b: ArrayLike<number>, s = 0, e = a.length) => { let t = 0; for (let i = s; i < e; i++) t += (a[i]! - b[i]!) ** 2; return t; };
// denoise
let x = Float32Array.from(take.damaged);
let t0 = performance.now();
const d = denoise(x, FS, 15);
console.log('denoise', d, (performance.now() - t0).toFixed(0), 'ms');
// error vs (clean + breaths + sibilants) = damaged − noise
const target = take.damaged.map((v, i) => v - take.noise[i]!);
console.log('denoise: error before', (10*Math.log10(en(take.damaged, target))).toFixed(1), 'after', (10*Math.log10(en(x, target))).toFixed(1));
// breaths on the (noisy) damaged take
x = Float32Array.from(take.damaged);
t0 = performance.now();
const b = breaths(x, FS, -12);
console.log(JSON.stringify(b.spans));
const hit = (s: {start_s:number,end_s:number}, e: {start:number,length:number}) => s.start_s * FS < e.start + e.length && s.end_s * FS > e.start;
const tp = take.breaths.filter((e) => b.spans.some((s) => hit(s, e))).length;
const fp = b.spans.filter((s) => !take.breaths.some((e) => hit(s, e))).length;
console.log('breaths found', b.count, 'tp', tp, '/', take.breaths.length, 'fp', fp, (performance.now() - t0).toFixed(0), 'ms');
x = Float32Array.from(take.damaged);
t0 = performance.now();
const s = deess(x, FS, 10);
const tps = take.sibilants.filter((e) => s.spans.some((q) => hit(q, e))).length;
const fps = s.spans.filter((q) => !take.sibilants.some((e) => hit(q, e))).length;
let rb = 0, ra = 0;
for (const e of take.sibilants) { rb += en(take.damaged, target.map((v,i)=>v), 0, 0); }
console.log('deess', JSON.stringify({ ...s, spans: s.spans.length }), 'tp', tps, '/', take.sibilants.length, 'fp', fps, (performance.now() - t0).toFixed(0), 'ms');
for (const q of b.spans.filter((s) => !take.breaths.some((e) => hit(s, e)))) {
  const a = Math.round(q.start_s * FS), z = Math.round(q.end_s * FS);
  let ec = 0, es = 0; for (let i = a; i < z; i++) { ec += take.clean[i]! ** 2; }
  let pre = 0, post = 0; for (let i = a - 9600; i < a; i++) pre += take.clean[i]! ** 2; for (let i = z; i < z + 9600; i++) post += take.clean[i]! ** 2;
  console.log('FP', q.start_s, q.end_s, 'clean dB', (10*Math.log10(ec/(z-a))).toFixed(1), 'pre200', (10*Math.log10(pre/9600)).toFixed(1), 'post200', (10*Math.log10(post/9600)).toFixed(1));
}
for (const e of take.breaths.filter((e) => !b.spans.some((s) => hit(s, e)))) {
  const mid = e.start + e.length / 2;
  let en2 = 0; for (let i = mid - 480; i < mid + 480; i++) en2 += take.damaged[i]! ** 2;
  console.log('MISS', (e.start / FS).toFixed(2), (e.length / FS).toFixed(2), 'mid dBFS', (10 * Math.log10(en2 / 960)).toFixed(1));
}
