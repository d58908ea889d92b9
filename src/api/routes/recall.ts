import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { Type as T } from '@sinclair/typebox';
import { fail } from '../../core/errors.ts';
import { GearUnitBody } from '../../recall/gear.ts';
import { renderMixBook, writeMixBook } from '../../recall/mixbook.ts';
import { trackSheetTable } from '../../session/tracksheet.ts';
import { Open, replies, Text } from '../schemas.ts';
import type { ApiServices } from '../services.ts';

const Ref = T.Object({ id: T.String({ minLength: 1 }) });

const Snap = Open({ id: T.String(), label: T.String(), family: T.String(), created_at: T.String() });
const Version = Open({ id: T.String(), name: T.String() });
const Unit = Open({ id: T.String(), make: T.String(), model: T.String() });
const Sheet = Open({ version: T.String(), units: T.Array(Open({})) });
const Backup = Open({}, 'files copied, skipped, bytes, manifest');

export const recallRoutes: FastifyPluginAsyncTypebox<{ services: ApiServices }> = async (app, { services }) => {
  const { snapshots: s, gear, prints, backups, maintenance } = services.recall;
  const trackSheet = (inputs: string, profile: string) =>
    trackSheetTable(services.layout.template(inputs, profile).plan);
  app.post(
    '/api/v1/snapshots',
    {
      schema: {
        summary: "Take a snapshot: the console's full state and every patchbay's map",
        response: replies(Snap),
        body: T.Object(
          { label: T.String({ minLength: 1, maxLength: 100 }), note: T.Optional(T.String({ maxLength: 1000 })) },
          { additionalProperties: false },
        ),
      },
    },
    async (req) => {
      const b = req.body;
      return s.take(b.label, b.note);
    },
  );
  app.get(
    '/api/v1/snapshots',
    { schema: { summary: 'Snapshots, newest first', response: replies(T.Object({ snapshots: T.Array(Snap) })) } },
    async () => ({
      snapshots: s.list(),
    }),
  );
  app.get(
    '/api/v1/snapshots/diff',
    {
      schema: {
        summary: "Differences by strip, in the studio's words; b=live compares with the console now",
        response: replies(
          Open({
            a: T.String(),
            b: T.String(),
            strips: T.Array(Open({ strip: T.String(), text: T.String() })),
            patchbays: T.Array(Open({})),
          }),
        ),
        querystring: T.Object(
          { a: T.String({ minLength: 1 }), b: T.String({ minLength: 1 }) },
          { additionalProperties: false },
        ),
      },
    },
    async (req) => {
      const q = req.query;
      return s.diff(q.a, q.b);
    },
  );
  app.get(
    '/api/v1/snapshots/:id',
    { schema: { summary: 'One snapshot (id or label)', params: Ref, response: replies(Snap) } },
    async (req) => s.get(req.params.id),
  );
  app.post(
    '/api/v1/snapshots/:id/restore',
    {
      schema: {
        summary: 'Restore: write only what differs, read back, report what the devices did not take',
        params: Ref,
        response: replies(
          Open({
            snapshot: T.String(),
            console: Open({ not_taken: T.Array(T.String()) }),
            patchbays: T.Array(Open({ id: T.String(), verified: T.Boolean() })),
            seconds: T.Number(),
          }),
        ),
      },
    },
    async (req) => s.restore(req.params.id),
  );
  app.get(
    '/api/v1/snapshots/:id/scene',
    {
      schema: {
        summary: 'Export the console part: an X32 scene file (.scn, text/plain) or an SQ/Qu model (JSON)',
        params: Ref,
        response: replies(Text),
      },
    },
    async (req, reply) => {
      const file = s.exportScene(req.params.id);
      void reply.type(file.mime);
      return file.text;
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
        response: replies(Snap),
      },
    },
    async (req) => {
      const b = req.body;
      return s.importScene(b.text, b.label);
    },
  );

  const Target = T.Object({ target: T.String({ minLength: 1 }) }, { additionalProperties: false });
  app.post(
    '/api/v1/backup',
    {
      schema: {
        summary:
          'Back up all data to a folder on this machine or an rsync destination listed in paths.backup_targets (database online, incremental files, SHA-256 manifest); verify: re-hash the copy after',
        body: T.Object(
          { target: T.String({ minLength: 1 }), verify: T.Optional(T.Boolean()) },
          { additionalProperties: false },
        ),
        response: replies(Backup),
      },
    },
    async (req) => backups.run(req.body.target, 'api', { verify: req.body.verify }),
  );
  app.get(
    '/api/v1/backup/last',
    {
      schema: {
        summary: "The last backup's result (scheduled or asked for), or null",
        response: replies(T.Object({ last: T.Union([Open({ ok: T.Boolean() }), T.Null()]) })),
      },
    },
    async () => ({ last: backups.last() ?? null }),
  );
  app.post(
    '/api/v1/backup/verify',
    {
      schema: {
        summary: 'Re-hash a backup (a remote one is fetched first); names every file that does not match',
        body: Target,
        response: replies(Open({ ok: T.Boolean() })),
      },
    },
    async (req) => backups.verify(req.body.target),
  );

  app.post(
    '/api/v1/gear',
    {
      schema: {
        summary: 'Add an outboard unit with its controls described once (knobs with ranges, switches with positions)',
        body: GearUnitBody,
        response: replies(Unit),
      },
    },
    async (req) => gear.add(req.body),
  );
  app.get(
    '/api/v1/gear',
    { schema: { summary: 'The gear inventory', response: replies(T.Object({ units: T.Array(Unit) })) } },
    async () => ({ units: gear.list() }),
  );
  app.get(
    '/api/v1/gear/due',
    {
      schema: {
        summary:
          'What is due across the inventory: calibrations and services overdue or due within `days` (default 30)',
        querystring: T.Object(
          { days: T.Optional(T.Integer({ minimum: 0, maximum: 3650 })) },
          { additionalProperties: false },
        ),
        response: replies(T.Object({ due: T.Array(Open({ name: T.String(), what: T.String(), due: T.String() })) })),
      },
    },
    async (req) => ({ due: maintenance.due(gear.list(), req.query.days ?? 30) }),
  );
  app.post(
    '/api/v1/gear/:id/service',
    {
      schema: {
        summary: 'Log a service of a unit: date (default today), fault, work done, parts, who',
        params: Ref,
        body: T.Object({}, { additionalProperties: true }),
        response: replies(Open({ date: T.String(), work: T.String() })),
      },
    },
    async (req) => maintenance.log(req.params.id, req.body),
  );
  app.get(
    '/api/v1/gear/:id/service',
    {
      schema: {
        summary: "A unit's service log (newest first) and its due dates",
        params: Ref,
        response: replies(T.Object({ log: T.Array(Open({})), plan: Open({}) })),
      },
    },
    async (req) => ({ log: maintenance.history(req.params.id), plan: maintenance.plan(req.params.id) }),
  );
  app.put(
    '/api/v1/gear/:id/service-plan',
    {
      schema: {
        summary: "Set a unit's next calibration and service dates",
        params: Ref,
        body: T.Object({}, { additionalProperties: true }),
        response: replies(Open({})),
      },
    },
    async (req) => maintenance.plan(req.params.id, req.body),
  );
  const Hours = Open({ unit: T.String(), counters: T.Array(Open({ name: T.String(), hours: T.Number() })) });
  app.get(
    '/api/v1/gear/:id/hours',
    {
      schema: {
        summary: "A unit's hour counters (tubes, lamps): hours so far, replace-at, whether they run now",
        params: Ref,
        response: replies(Hours),
      },
    },
    async (req) => maintenance.hours(req.params.id),
  );
  app.put(
    '/api/v1/gear/:id/hours',
    {
      schema: {
        summary:
          "Define a unit's hour counters: name, replace_at_hours, and hours to set the count (a new tube set: 0)",
        params: Ref,
        body: T.Object({}, { additionalProperties: true }),
        response: replies(Hours),
      },
    },
    async (req) => maintenance.setCounters(req.params.id, req.body),
  );
  for (const action of ['start', 'stop'] as const)
    app.post(
      `/api/v1/gear/:id/hours/${action}`,
      {
        schema: {
          summary:
            action === 'start'
              ? 'The unit is powered for the session: its counters run until stopped (prints of versions using it count by themselves)'
              : 'The unit is off: its counters stop, the span is added',
          params: Ref,
          response: replies(Hours),
        },
      },
      async (req) =>
        action === 'start' ? maintenance.startHours(req.params.id) : maintenance.stopHours(req.params.id),
    );
  app.get(
    '/api/v1/tickets',
    {
      schema: {
        summary: 'Repair tickets, newest first: open ones (all=true: closed too)',
        querystring: T.Object({ all: T.Optional(T.Boolean()) }, { additionalProperties: false }),
        response: replies(
          T.Object({ tickets: T.Array(Open({ id: T.String(), title: T.String(), state: T.String() })) }),
        ),
      },
    },
    async (req) => ({ tickets: maintenance.tickets(req.query.all ?? false) }),
  );
  app.post(
    '/api/v1/tickets',
    {
      schema: {
        summary: 'Open a repair ticket by hand: title, and optionally the unit, device and port',
        body: T.Object({}, { additionalProperties: true }),
        response: replies(Open({ id: T.String(), title: T.String() }), 201),
      },
    },
    async (req, reply) => {
      const t = maintenance.openTicket(req.body);
      void reply.code(201);
      return t;
    },
  );
  app.get(
    '/api/v1/tickets/:id',
    {
      schema: {
        summary: 'One repair ticket',
        params: T.Object({ id: T.String() }),
        response: replies(Open({ id: T.String() })),
      },
    },
    async (req) => maintenance.ticket(req.params.id),
  );
  app.post(
    '/api/v1/tickets/:id/close',
    {
      schema: {
        summary: 'Close a repair ticket with what was done',
        params: T.Object({ id: T.String() }),
        body: T.Object({ resolution: T.String({ minLength: 1, maxLength: 2000 }) }, { additionalProperties: false }),
        response: replies(Open({ id: T.String(), state: T.String() })),
      },
    },
    async (req) => maintenance.closeTicket(req.params.id, req.body.resolution),
  );
  app.get(
    '/api/v1/gear/:id',
    { schema: { summary: 'One unit (id or "Make Model")', params: Ref, response: replies(Unit) } },
    async (req) => gear.get(req.params.id),
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
        response: replies(Version),
      },
    },
    async (req) => {
      const b = req.body;
      return gear.createVersion(b.name, b.snapshot ? s.get(b.snapshot).id : undefined, b.notes);
    },
  );
  app.get(
    '/api/v1/versions',
    { schema: { summary: 'Versions', response: replies(T.Object({ versions: T.Array(Version) })) } },
    async () => ({ versions: gear.versions() }),
  );
  app.get(
    '/api/v1/versions/:id',
    { schema: { summary: 'One version', params: Ref, response: replies(Version) } },
    async (req) => gear.version(req.params.id),
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
        response: replies(T.Object({ settings: T.Record(T.String(), T.Union([T.Number(), T.String()])) })),
      },
    },
    async (req) => {
      const p = req.params;
      const b = req.body;
      return { settings: gear.setSettings(p.id, p.unit, b.settings, b.photo) };
    },
  );
  app.get(
    '/api/v1/versions/:id/recall-sheet',
    {
      schema: { summary: 'Every unit in use for a version, with every setting', params: Ref, response: replies(Sheet) },
    },
    async (req) => gear.recallSheet(req.params.id),
  );

  app.get(
    '/api/v1/versions/:id/print.wav',
    {
      schema: {
        summary: "The version's print (Broadcast WAV), to play or download",
        params: Ref,
        response: { 200: T.Any({ description: 'audio/wav' }) },
      },
    },
    async (req, reply) => {
      const v = gear.version(req.params.id);
      const path = (v.print as { path?: string } | null)?.path;
      if (!path || !existsSync(path))
        throw fail('E_NO_PRINT', `version ${JSON.stringify(v.name)} has no print on this machine`, { version: v.id });
      const size = statSync(path).size;
      void reply.type('audio/wav').header('content-length', size).header('accept-ranges', 'none');
      void reply.header('content-disposition', `inline; filename="${basename(path).replace(/"/g, '')}"`);
      return reply.send(createReadStream(path));
    },
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
        response: replies(T.Object({ version: T.String(), recording: T.Integer(), path: T.String() }), 202),
      },
    },
    async (req, reply) => {
      const b = req.body;
      const r = await prints.start(b.version, b);
      void reply.status(202);
      return { version: r.version, recording: r.recording, path: r.path };
    },
  );
  app.post(
    '/api/v1/prints/stop',
    {
      schema: {
        summary: 'Stop the running print; answers with its loudness, true peak and checksum',
        response: replies(Open({ version: T.String() })),
      },
    },
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
            out: T.String({
              minLength: 1,
              description: 'folder, inside the exports folder (relative paths land there)',
            }),
            overwrite: T.Optional(T.Boolean({ description: 'replace a mix book rad wrote there before' })),
            artist: T.Optional(T.String({ maxLength: 200 })),
            credits: T.Optional(T.Array(T.String({ maxLength: 200 }), { maxItems: 200 })),
            inputs: T.Optional(T.String({ minLength: 1, description: 'input list, to include the track sheet' })),
            profile: T.Optional(T.String({ minLength: 1 })),
          },
          { additionalProperties: false },
        ),
        response: replies(Open({ html: T.String(), pdf: T.Optional(T.String()), pdf_skipped: T.Optional(T.String()) })),
      },
    },
    async (req) => {
      const b = req.body;
      const sheet = b.inputs && b.profile ? trackSheet(b.inputs, b.profile) : undefined;
      const dir = services.paths.folder(b.out, 'out');
      const files = ['mixbook.html', 'mixbook.pdf'].map((f) =>
        services.paths.output(join(dir, f), b.overwrite === true),
      );
      const written = writeMixBook(
        renderMixBook(
          { project: b.project, artist: b.artist, credits: b.credits, trackSheetHtml: sheet },
          { gear, snapshots: s },
        ),
        dir,
      );
      services.paths.wrote(...files.filter((f) => existsSync(f)));
      return written;
    },
  );
};
