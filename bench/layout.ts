// Classify 10,000 input names and plan a 32-channel layout (rock-standard profile).
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { classify } from '../src/layout/classifier.ts';
import { parseInputList } from '../src/layout/inputlist.ts';
import { planLayout } from '../src/layout/plan.ts';
import { validateProfile } from '../src/layout/profile.ts';
import { report } from './_report.ts';

const names = readFileSync(new URL('../test/fixtures/input-names.tsv', import.meta.url), 'utf8')
  .split('\n')
  .filter((l) => l && !l.startsWith('#'))
  .map((l) => l.split('\t')[0]!);
const list = Array.from({ length: 10000 }, (_, i) => names[i % names.length]!);
for (let i = 0; i < 500; i++) classify(list[i]!); // warm-up
let t0 = performance.now();
let known = 0;
for (const n of list) if (classify(n).role !== 'unknown') known++;
const classifyMs = performance.now() - t0;

// accuracy on the riders' set (test/fixtures/input-names-riders.tsv): every 5th row is held out of
// development (the classifier test checks only the others)
const riders = readFileSync(new URL('../test/fixtures/input-names-riders.tsv', import.meta.url), 'utf8')
  .split('\n')
  .filter((l) => l && !l.startsWith('#'))
  .map((l) => l.split('\t') as [string, string, string]);
const acc = { dev: { ok: 0, n: 0 }, held: { ok: 0, n: 0 } };
const heldMisses: string[] = [];
riders.forEach(([name, role], i) => {
  const bucket = (i + 1) % 5 === 0 ? acc.held : acc.dev;
  bucket.n++;
  const got = classify(name).role;
  if (got === role) bucket.ok++;
  else if (bucket === acc.held) heldMisses.push(`${name}: ${role}, got ${got}`);
});
const pct = (b: { ok: number; n: number }) => Number(((100 * b.ok) / b.n).toFixed(1));
console.log(
  `riders' set: development ${acc.dev.ok}/${acc.dev.n} (${pct(acc.dev)} %), held out ${acc.held.ok}/${acc.held.n} (${pct(acc.held)} %)${heldMisses.length ? `; held-out misses: ${heldMisses.join('; ')}` : ''}`,
);

const profile = validateProfile(
  parse(readFileSync(new URL('../config/profiles/rock-standard.yaml', import.meta.url), 'utf8')),
);
const csv = `Ch,Source,Mic\n${names
  .slice(0, 32)
  .map((n, i) => `${i + 1},${n},SM57`)
  .join('\n')}\n`;
const runs = 200;
t0 = performance.now();
for (let i = 0; i < runs; i++) planLayout(parseInputList(csv), profile, { inputs: 32, nameLength: 12 });
const planMs = (performance.now() - t0) / runs;
console.log(
  `classified 10,000 names in ${classifyMs.toFixed(1)} ms (${((classifyMs * 1000) / 10000).toFixed(2)} µs each, ${known} recognised); 32-channel plan (parse + classify + place) in ${planMs.toFixed(3)} ms`,
);
report({
  bench: 'layout',
  models:
    "the input-list classifier on 10,000 names and a 32-channel layout plan; accuracy on the riders' set (dev / held out)",
  classify_10k_ms: Number(classifyMs.toFixed(1)),
  plan_32ch_ms: Number(planMs.toFixed(3)),
  riders_dev_pct: pct(acc.dev),
  riders_held_out_pct: pct(acc.held),
  riders_held_out_n: acc.held.n,
  goal_held_out_pct: 97,
});
