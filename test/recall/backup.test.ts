import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { backup, restoreBackup, verifyBackup } from '../../src/recall/backup.ts';
import { Store } from '../../src/store/db.ts';
import { runRad, tempDir } from '../helpers.ts';

describe('backups', () => {
  it('backs up the live database and files, verifies, is incremental, and restores into an empty dir', async () => {
    const data = tempDir();
    const store = new Store(data);
    store.audit.add({ actor: 't', device: 'x32', action: 'set', result: 'ok' });
    mkdirSync(join(data, 'prints'));
    writeFileSync(join(data, 'prints', 'v1.wav'), Buffer.alloc(100000, 7));
    writeFileSync(join(data, 'prints', 'v2.wav'), Buffer.alloc(50000, 9));
    const target = join(tempDir(), 'bk');
    const first = await backup(data, target, (file) => store.backupTo(file));
    expect(first).toMatchObject({ files: 3, copied: 3, skipped: 0 });
    expect(verifyBackup(target)).toEqual({ ok: true, files: 3, bad: [] });
    // incremental: only what changed is copied again (the database always is)
    writeFileSync(join(data, 'prints', 'v3.wav'), Buffer.alloc(1000, 1));
    const second = await backup(data, target, (file) => store.backupTo(file));
    expect(second).toMatchObject({ files: 4, copied: 2, skipped: 2 });
    store.close();
    // restore: refused into a non-empty dir, fine into an empty one
    expect(() => restoreBackup(target, data)).toThrow(expect.objectContaining({ code: 'E_RESTORE_NOT_EMPTY' }));
    const fresh = join(tempDir(), 'restored');
    expect(restoreBackup(target, fresh)).toEqual({ files: 4 });
    const back = new Store(fresh);
    expect(back.audit.list()).toHaveLength(1);
    back.close();
    expect(readFileSync(join(fresh, 'prints', 'v2.wav')).equals(Buffer.alloc(50000, 9))).toBe(true);
  });

  it('names a file whose hash is wrong, and will not restore from it', async () => {
    const data = tempDir();
    writeFileSync(join(data, 'notes.txt'), 'mix notes');
    const target = join(tempDir(), 'bk');
    await backup(data, target);
    writeFileSync(join(target, 'notes.txt'), 'tampered');
    expect(verifyBackup(target)).toEqual({
      ok: false,
      files: 1,
      bad: [{ path: 'notes.txt', problem: 'SHA-256 does not match the manifest' }],
    });
    expect(() => restoreBackup(target, join(tempDir(), 'x'))).toThrow(
      expect.objectContaining({ code: 'E_BACKUP_CORRUPT' }),
    );
    const cli = runRad(['backup', 'verify', target]);
    expect((await cli.exit).code).toBe(1);
    expect(cli.stdout()).toContain('BAD  notes.txt');
  });
});
