// Backup of 1 GB of prints (8 x 128 MB WAV-sized files) plus the database: first run (copy and
// SHA-256 everything) and an incremental run (nothing changed but the database).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { backup, verifyBackup } from '../src/recall/backup.ts';
import { Store } from '../src/store/db.ts';
import { report } from './_report.ts';

const root = mkdtempSync(join(tmpdir(), 'rad-bench-backup-'));
const data = join(root, 'data');
const store = new Store(data);
mkdirSync(join(data, 'prints'));
const chunk = Buffer.alloc(128 * 1024 * 1024);
for (let i = 0; i < chunk.length; i += 4) chunk.writeUInt32LE((i * 2654435761) >>> 0, i);
for (let i = 0; i < 8; i++) writeFileSync(join(data, 'prints', `mix-v${i + 1}.wav`), chunk);
const target = join(root, 'backup');
const first = await backup(data, target, (file) => store.backupTo(file));
const second = await backup(data, target, (file) => store.backupTo(file));
const t0 = performance.now();
const v = verifyBackup(target);
const verifyS = (performance.now() - t0) / 1000;
store.close();
rmSync(root, { recursive: true, force: true });
console.log(
  `first: ${first.copied} files, ${(first.bytes_copied / 1e9).toFixed(2)} GB in ${first.seconds.toFixed(2)} s (${(first.bytes_copied / 1e6 / first.seconds).toFixed(0)} MB/s, copy + SHA-256)`,
);
console.log(
  `incremental: ${second.copied} copied (the database), ${second.skipped} unchanged, ${second.seconds.toFixed(3)} s; verify ${verifyS.toFixed(2)} s (${v.ok ? 'ok' : 'BAD'})`,
);
report({
  bench: 'backup',
  models: 'rad backup of a data directory holding 1 GB of prints: first copy with SHA-256, incremental, verify',
  gb: Number((first.bytes_copied / 1e9).toFixed(2)),
  first_s: Number(first.seconds.toFixed(2)),
  incremental_s: Number(second.seconds.toFixed(3)),
  verify_s: Number(verifyS.toFixed(2)),
  ratio: Number((first.seconds / second.seconds).toFixed(0)),
});
