import { Type as T } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { backup, verifyBackup } from '../../recall/backup.ts';
import type { SnapshotService } from '../../recall/snapshots.ts';
import type { Store } from '../../store/db.ts';

const Ref = T.Object({ id: T.String({ minLength: 1 }) });

export function recallRoutes(app: FastifyInstance, s: SnapshotService, store: Store): void {
  app.post(
    '/api/v1/snapshots',
    { schema: { summary: "Take a snapshot: the console's full state and every patchbay's map", body: T.Object({ label: T.String({ minLength: 1, maxLength: 100 }), note: T.Optional(T.String({ maxLength: 1000 })) }, { additionalProperties: false }) } },
    async (req) => {
      const b = req.body as { label: string; note?: string };
      return s.take(b.label, b.note);
    },
  );
  app.get('/api/v1/snapshots', { schema: { summary: 'Snapshots, newest first' } }, async () => ({ snapshots: s.list() }));
  app.get(
    '/api/v1/snapshots/diff',
    { schema: { summary: "Differences by strip, in the studio's words; b=live compares with the console now", querystring: T.Object({ a: T.String({ minLength: 1 }), b: T.String({ minLength: 1 }) }, { additionalProperties: false }) } },
    async (req) => {
      const q = req.query as { a: string; b: string };
      return s.diff(q.a, q.b);
    },
  );
  app.get('/api/v1/snapshots/:id', { schema: { summary: 'One snapshot (id or label)', params: Ref } }, async (req) => s.get((req.params as { id: string }).id));
  app.post('/api/v1/snapshots/:id/restore', { schema: { summary: 'Restore: write only what differs, read back, report what the devices did not take', params: Ref } }, async (req) => s.restore((req.params as { id: string }).id));
  app.get('/api/v1/snapshots/:id/scene', { schema: { summary: 'Export the snapshot as an X32 scene file (.scn)', params: Ref } }, async (req, reply) => {
    void reply.type('text/plain');
    return s.exportScene((req.params as { id: string }).id);
  });
  app.post(
    '/api/v1/scenes/import',
    { schema: { summary: 'Import a .scn as a snapshot (every line validated first)', body: T.Object({ text: T.String({ minLength: 1 }), label: T.String({ minLength: 1, maxLength: 100 }) }, { additionalProperties: false }) } },
    async (req) => {
      const b = req.body as { text: string; label: string };
      return s.importScene(b.text, b.label);
    },
  );

  const Target = T.Object({ target: T.String({ minLength: 1 }) }, { additionalProperties: false });
  app.post('/api/v1/backup', { schema: { summary: 'Back up all data to a folder on this machine (database online, incremental files, SHA-256 manifest)', body: Target } }, async (req) =>
    backup(store.dataDir, (req.body as { target: string }).target, store.db),
  );
  app.post('/api/v1/backup/verify', { schema: { summary: 'Re-hash a backup; names every file that does not match', body: Target } }, async (req) => verifyBackup((req.body as { target: string }).target));
}
