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
  models: 'the input-list classifier on 10,000 names and a 32-channel layout plan',
  classify_10k_ms: Number(classifyMs.toFixed(1)),
  plan_32ch_ms: Number(planMs.toFixed(3)),
});
