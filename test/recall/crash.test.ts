import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../src/core/random.ts';
import { readWavInfo } from '../../src/dsp/offline/wav.ts';
import { verifyBackup } from '../../src/recall/backup.ts';
import { ROOT, runNode, tempDir, waitFor } from '../helpers.ts';

describe('kill -9 at random moments during snapshots, prints and backups', () => {
  it('leaves the store consistent and never a half-written file under a final name (25 kills)', async () => {
    const data = tempDir();
    const target = join(tempDir(), 'backup');
    const rng = mulberry32(9);
    let backupsSeen = 0;
    for (let round = 0; round < 25; round++) {
      const p = runNode(['--import', 'tsx', join(ROOT, 'test/fixtures/crash-worker.ts'), data, target]);
      await waitFor(() => p.stdout().includes('ready'), 20000, 10);
      await new Promise((r) => setTimeout(r, 30 + rng() * 400));
      p.child.kill('SIGKILL');
      await p.exit;
      // the database: integrity holds and every committed snapshot is whole
      const db = new Database(join(data, 'rad.sqlite'));
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      const bad = db.prepare('SELECT count(*) AS n FROM snapshots WHERE length(scene) != 200000').get() as {
        n: number;
      };
      expect(bad.n).toBe(0);
      db.close();
      // every file under a final name is complete
      for (const f of readdirSync(join(data, 'exports')).filter((x) => !x.endsWith('.tmp')))
        expect(JSON.parse(readFileSync(join(data, 'exports', f), 'utf8')).payload).toHaveLength(200_000);
      for (const f of readdirSync(join(data, 'prints')).filter((x) => x.endsWith('.wav')))
        expect(readWavInfo(join(data, 'prints', f)).frames).toBe(96000);
      // a backup is either whole and verified, or says it was interrupted
      if (existsSync(target)) {
        const v = verifyBackup(target);
        if (!v.ok)
          expect(v.bad[0]).toMatchObject({ path: '(backup)', problem: expect.stringContaining('interrupted') });
        else backupsSeen++;
      }
    }
    expect(backupsSeen).toBeGreaterThan(0);
  }, 120000);
});
