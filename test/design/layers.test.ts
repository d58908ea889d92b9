import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers.ts';

// The layers of shared/DESIGN.md: what each folder of src/ may NOT import (nothing imports upward).
const SERVICES = ['linecheck', 'layout', 'recall', 'session'];
const TOP = ['api', 'cli', 'facility', 'app.ts', 'main.ts'];
const FORBIDDEN: Record<string, string[]> = {
  core: ['settings', 'drivers', 'store', 'console', 'patchbay', 'dsp', 'sim', ...SERVICES, ...TOP],
  settings: ['drivers', 'store', 'console', 'patchbay', 'dsp', 'sim', ...SERVICES, ...TOP],
  drivers: ['settings', 'store', 'console', 'patchbay', 'dsp', 'sim', ...SERVICES, ...TOP],
  store: ['drivers', 'console', 'patchbay', 'dsp', 'sim', ...SERVICES, ...TOP],
  console: ['sim', ...SERVICES, ...TOP],
  patchbay: ['sim', ...SERVICES, ...TOP],
  dsp: ['sim', ...SERVICES, ...TOP],
  linecheck: ['sim', ...TOP],
  layout: ['sim', ...TOP],
  recall: ['sim', ...TOP],
  session: ['sim', ...TOP],
  sim: ['store', ...SERVICES, ...TOP],
  api: ['drivers', 'cli', 'facility', 'app.ts', 'main.ts'],
  cli: ['drivers', 'api', 'app.ts', 'main.ts'],
  facility: ['drivers', 'sim', 'api', 'cli', 'app.ts', 'main.ts'],
};

const SRC = join(ROOT, 'src');

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** Every relative import (static, `export … from`, dynamic and `import()` types) of a file, as src-relative paths. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)['"](\.{1,2}\/[^'"]+)['"]/g))
    out.push(relative(SRC, resolve(file, '..', m[1]!)));
  return out;
}

const layerOf = (srcPath: string) => srcPath.split('/')[0]!;

/** `from → to` for each import of `from` that points into a layer it may not use. */
function violations(from: string, imports: string[]): string[] {
  const banned = FORBIDDEN[layerOf(from)] ?? [];
  return imports.filter((to) => banned.includes(layerOf(to))).map((to) => `${from} → ${to}`);
}

describe('layers (shared/DESIGN.md)', () => {
  const all = files(SRC);

  it('finds the source tree and its imports (the scan itself works)', () => {
    expect(all.length).toBeGreaterThan(100);
    const appImports = importsOf(join(SRC, 'app.ts'));
    expect(appImports).toContain('console/factory.ts');
    // the rule the tree is checked with catches an upward import and lets a downward one through
    expect(violations('drivers/audio/jack.ts', ['dsp/engine/protocol.ts', 'core/errors.ts'])).toEqual([
      'drivers/audio/jack.ts → dsp/engine/protocol.ts',
    ]);
    expect(violations('cli/client.ts', ['main.ts', 'settings/load.ts'])).toEqual(['cli/client.ts → main.ts']);
  });

  it('no module imports a layer above its own', () => {
    expect(all.flatMap((f) => violations(relative(SRC, f), importsOf(f)))).toEqual([]);
  });

  it('only main.ts imports app.ts; no per-folder feature files; no SQL outside store/', () => {
    const appUsers = all.filter((f) => importsOf(f).includes('app.ts')).map((f) => relative(SRC, f));
    expect(appUsers).toEqual(['main.ts']);
    expect(all.filter((f) => f.endsWith('/feature.ts') || f.endsWith('/features.ts'))).toEqual([]);
    const sql = /\.prepare\(|\.exec\(\s*['"`](CREATE|INSERT|UPDATE|DELETE|SELECT)|\bINSERT INTO\b|\bSELECT \* FROM\b/;
    const withSql = all.filter((f) => !relative(SRC, f).startsWith('store/') && sql.test(readFileSync(f, 'utf8')));
    expect(withSql.map((f) => relative(SRC, f))).toEqual([]);
  });

  it('no service or route tests a console family by class', () => {
    const bad = all
      .filter((f) => !relative(SRC, f).startsWith('console/x32/'))
      .filter((f) => /instanceof X32Console|assertX32/.test(readFileSync(f, 'utf8')))
      .map((f) => relative(SRC, f));
    expect(bad).toEqual([]);
  });
});
