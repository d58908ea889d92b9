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

// input lists in the styles of rock, jazz, orchestra, church and hip-hop riders; every 5th row is
// held out of development (only `npm run bench -- layout` reads it): this test checks the others
const RIDERS = readFileSync(new URL('../fixtures/input-names-riders.tsv', import.meta.url), 'utf8')
  .split('\n')
  .filter((l) => l && !l.startsWith('#'))
  .map((l) => l.split('\t') as [string, string, string]);

describe('channel classifier', () => {
  it("reads the riders' development set (400+ spellings with the held-out fifth)", () => {
    expect(RIDERS.length).toBeGreaterThanOrEqual(400);
    const misses = RIDERS.filter((_, i) => (i + 1) % 5 !== 0)
      .map(([name, role]) => ({ name, role, got: classify(name) }))
      .filter((x) => x.got.role !== x.role)
      .map((x) => `${x.name}: wanted ${x.role}, got ${x.got.role}`);
    expect(misses).toEqual([]);
  });

  it('punctuated abbreviations, tom shorthand, register words, players’ vocals, computer sources', () => {
    const role = (n: string) => classify(n).role;
    expect(role('A.Gtr')).toBe('guitar-acoustic');
    expect(role('O/H L')).toBe('overhead-l');
    expect(classify('T2')).toMatchObject({ role: 'tom-rack', index: 2 });
    expect(role('Piano Lo')).toBe('piano-l');
    expect(role('Leslie Top')).toBe('organ');
    expect(role('Conga Lo')).toBe('percussion');
    expect(role('Lo Tom')).toBe('tom-floor');
    expect(role('Sarah Vox')).toBe('vocal-backing');
    expect(role('Lead Vox')).toBe('vocal-lead');
    expect(role('Spotify')).toBe('playback');
    expect(role('Upright DI')).toBe('bass-di');
    // what it does not know stays unknown, with a low confidence
    for (const n of ['Pastor', 'Lectern', 'Spare Mic', 'Harmonica'])
      expect(classify(n).confidence, n).toBeLessThanOrEqual(0.3);
  });

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
