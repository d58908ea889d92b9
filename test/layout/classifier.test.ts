import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { classify } from '../../src/layout/classifier.ts';

// 248 labelled names from real input-list conventions (abbreviations, typos, case, numbering, mic names)
const ROWS = readFileSync(new URL('../fixtures/input-names.tsv', import.meta.url), 'utf8')
  .split('\n')
  .filter((l) => l && !l.startsWith('#'))
  .map((l) => {
    const [name, role, index] = l.split('\t');
    return { name: name!, role: role!, index: index === undefined ? undefined : Number(index) };
  });

describe('channel classifier', () => {
  it('has at least 200 labelled names', () => {
    expect(ROWS.length).toBeGreaterThanOrEqual(200);
  });

  it('classifies the labelled list (accuracy per role printed)', () => {
    const perRole = new Map<string, { ok: number; n: number }>();
    const misses: string[] = [];
    for (const r of ROWS) {
      const c = classify(r.name);
      const ok = c.role === r.role && (r.index === undefined || c.index === r.index);
      const s = perRole.get(r.role) ?? { ok: 0, n: 0 };
      s.n++;
      if (ok) s.ok++;
      else misses.push(`${r.name}: wanted ${r.role}${r.index ?? ''}, got ${c.role}${c.index ?? ''}`);
      perRole.set(r.role, s);
    }
    const table = [...perRole.entries()].map(([role, s]) => `${role.padEnd(16)} ${s.ok}/${s.n}`).join('\n');
    console.log(`classifier accuracy per role:\n${table}`);
    const total = [...perRole.values()].reduce((a, s) => a + s.ok, 0);
    expect(misses).toEqual([]);
    expect(total).toBe(ROWS.length);
  });

  it('gives a confidence: exact words high, guesses and typos lower, unknown zero', () => {
    expect(classify('Kick In').confidence).toBe(1);
    expect(classify('Kick').confidence).toBeLessThan(1);
    expect(classify('Guitr 2')).toMatchObject({ role: 'guitar-electric', index: 2, confidence: 0.7 }); // one letter off: fuzzy
    expect(classify('Theremin')).toMatchObject({ role: 'unknown', confidence: 0 });
  });
});
