#!/usr/bin/env node
// Entry: runs the built dist/rad.mjs when it is newer than every source file, else the
// TypeScript sources through tsx (a developer's edit never runs stale code).
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = join(root, 'dist', 'rad.mjs');

function newestSource(dir) {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestSource(p) : statSync(p).mtimeMs);
  }
  return newest;
}

const fresh =
  existsSync(dist) && process.env.RAD_DEV !== '1' && statSync(dist).mtimeMs >= newestSource(join(root, 'src'));
let entry;
if (fresh) entry = await import(dist);
else {
  const { register } = await import('tsx/esm/api');
  register();
  entry = await import('../src/main.ts');
}
await entry.main(process.argv);
