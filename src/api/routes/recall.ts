import { Type as T } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { backup, verifyBackup } from '../../recall/backup.ts';
import { GearUnitBody, type GearService } from '../../recall/gear.ts';
import { renderMixBook, writeMixBook } from '../../recall/mixbook.ts';
import type { PrintService } from '../../recall/prints.ts';
import type { SnapshotService } from '../../recall/snapshots.ts';
import type { Store } from '../../store/db.ts';

const Ref = T.Object({ id: T.String({ minLength: 1 }) });

export function recallRoutes(
  app: FastifyInstance,
  s: SnapshotService,
  store: Store,
  gear: GearService,
  prints: PrintService,
  trackSheet?: (inputs: string, profile: string) => string,
): void {
  app.post(
    '/api/v1/snapshots',
    {
      schema: {
        summary: "Take a snapshot: the console's full state and every patchbay's map",
        body: T.Object(
          { label: T.String({ minLength: 1, maxLength: 100 }), note: T.Optional(T.String({ maxLength: 1000 })) },
          { additionalProperties: false },
        ),
      },
    },
    async (req) => {
      const b = req.body as { label: string; note?: string };
      return s.take(b.label, b.note);
    },
  );
  app.get('/api/v1/snapshots', { schema: { summary: 'Snapshots, newest first' } }, async () => ({
    snapshots: s.list(),
  }));
  app.get(
    '/api/v1/snapshots/diff',
    {
      schema: {
        summary: "Differences by strip, in the studio's words; b=live compares with the console now",
        querystring: T.Object(
          { a: T.String({ minLength: 1 }), b: T.String({ minLength: 1 }) },
          { additionalProperties: false },
        ),
      },
    },
    async (req) => {
      const q = req.query as { a: string; b: string };
      return s.diff(q.a, q.b);
    },
  );
  app.get('/api/v1/snapshots/:id', { schema: { summary: 'One snapshot (id or label)', params: Ref } }, async (req) =>
    s.get((req.params as { id: string }).id),
  );
  app.post(
    '/api/v1/snapshots/:id/restore',
    {
      schema: {
        summary: 'Restore: write only what differs, read back, report what the devices did not take',
        params: Ref,
      },
    },
    async (req) => s.restore((req.params as { id: string }).id),
  );
  app.get(
    '/api/v1/snapshots/:id/scene',
    {
      schema: {
        summary: 'Export the console part: an X32 scene file (.scn, text/plain) or an SQ/Qu model (JSON)',
        params: Ref,
      },
    },
    async (req, reply) => {
      const id = (req.params as { id: string }).id;
      void reply.type(s.get(id).family === 'x32' ? 'text/plain' : 'application/json');
      return s.exportScene(id);
    },
  );
  app.post(
    '/api/v1/scenes/import',
    {
      schema: {
        summary: 'Import a .scn (X32) or a captured SQ/Qu model (JSON) as a snapshot (validated first)',
        body: T.Object(
          { text: T.String({ minLength: 1 }), label: T.String({ minLength: 1, maxLength: 100 }) },
          { additionalProperties: false },
        ),
      },
    },
    async (req) => {
      const b = req.body as { text: string; label: string };
      return s.importScene(b.text, b.label);
    },
  );

  const Target = T.Object({ target: T.String({ minLength: 1 }) }, { additionalProperties: false });
  app.post(
    '/api/v1/backup',
    {
      schema: {
        summary: 'Back up all data to a folder on this machine (database online, incremental files, SHA-256 manifest)',
        body: Target,
      },
    },
    async (req) => backup(store.dataDir, (req.body as { target: string }).target, store.db),
  );
  app.post(
    '/api/v1/backup/verify',
    { schema: { summary: 'Re-hash a backup; names every file that does not match', body: Target } },
    async (req) => verifyBackup((req.body as { target: string }).target),
  );

  app.post(
    '/api/v1/gear',
    {
      schema: {
        summary: 'Add an outboard unit with its controls described once (knobs with ranges, switches with positions)',
        body: GearUnitBody,
      },
    },
    async (req) => gear.add(req.body),
  );
  app.get('/api/v1/gear', { schema: { summary: 'The gear inventory' } }, async () => ({ units: gear.list() }));
  app.get('/api/v1/gear/:id', { schema: { summary: 'One unit (id or "Make Model")', params: Ref } }, async (req) =>
    gear.get((req.params as { id: string }).id),
  );
  app.post(
    '/api/v1/versions',
    {
      schema: {
        summary: 'A mix version (ties print, snapshot, gear settings and notes together)',
        body: T.Object(
          {
            name: T.String({ minLength: 1, maxLength: 100 }),
            snapshot: T.Optional(T.String()),
            notes: T.Optional(T.String({ maxLength: 4000 })),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (req) => {
      const b = req.body as { name: string; snapshot?: string; notes?: string };
      return gear.createVersion(b.name, b.snapshot ? s.get(b.snapshot).id : undefined, b.notes);
    },
  );
  app.get('/api/v1/versions', { schema: { summary: 'Versions' } }, async () => ({ versions: gear.versions() }));
  app.get('/api/v1/versions/:id', { schema: { summary: 'One version', params: Ref } }, async (req) =>
    gear.version((req.params as { id: string }).id),
  );
  app.put(
    '/api/v1/versions/:id/gear/:unit',
    {
      schema: {
        summary: 'Settings of one unit for a version; unknown controls and values out of range are refused',
        params: T.Object({ id: T.String(), unit: T.String() }),
        body: T.Object(
          {
            settings: T.Record(T.String(), T.Union([T.Number(), T.String()])),
            photo: T.Optional(T.String({ maxLength: 500 })),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (req) => {
      const p = req.params as { id: string; unit: string };
      const b = req.body as { settings: Record<string, number | string>; photo?: string };
      return { settings: gear.setSettings(p.id, p.unit, b.settings, b.photo) };
    },
  );
  app.get(
    '/api/v1/versions/:id/recall-sheet',
    { schema: { summary: 'Every unit in use for a version, with every setting', params: Ref } },
    async (req) => gear.recallSheet((req.params as { id: string }).id),
  );

  app.post(
    '/api/v1/prints',
    {
      schema: {
        summary:
          'Print a version: record the mix-bus inputs to a Broadcast WAV (for seconds, or until stopped); loudness, true peak, checksum and a snapshot are stored with the version',
        body: T.Object(
          {
            version: T.String({ minLength: 1, maxLength: 100 }),
            seconds: T.Optional(T.Number({ exclusiveMinimum: 0, maximum: 4 * 3600 })),
            inputs: T.Optional(T.Array(T.Integer({ minimum: 1 }), { minItems: 1, maxItems: 16 })),
            format: T.Optional(T.Union([T.Literal('int24'), T.Literal('float32')])),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (req, reply) => {
      const b = req.body as { version: string; seconds?: number; inputs?: number[]; format?: 'int24' | 'float32' };
      const r = await prints.start(b.version, b);
      void reply.status(202);
      return { version: r.version, recording: r.recording, path: r.path };
    },
  );
  app.post(
    '/api/v1/prints/stop',
    { schema: { summary: 'Stop the running print; answers with its loudness, true peak and checksum' } },
    async () => prints.stop(),
  );

  app.post(
    '/api/v1/mixbook',
    {
      schema: {
        summary:
          'Write the mix book (self-contained HTML, and PDF when Chromium is installed) into a folder on this machine',
        body: T.Object(
          {
            project: T.String({ minLength: 1, maxLength: 200 }),
            out: T.String({ minLength: 1 }),
            artist: T.Optional(T.String({ maxLength: 200 })),
            credits: T.Optional(T.Array(T.String({ maxLength: 200 }), { maxItems: 200 })),
            inputs: T.Optional(T.String({ minLength: 1, description: 'input list, to include the track sheet' })),
            profile: T.Optional(T.String({ minLength: 1 })),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (req) => {
      const b = req.body as {
        project: string;
        out: string;
        artist?: string;
        credits?: string[];
        inputs?: string;
        profile?: string;
      };
      const sheet = b.inputs && b.profile && trackSheet ? trackSheet(b.inputs, b.profile) : undefined;
      return writeMixBook(
        renderMixBook(
          { project: b.project, artist: b.artist, credits: b.credits, trackSheetHtml: sheet },
          { gear, snapshots: s },
        ),
        b.out,
      );
    },
  );
}
