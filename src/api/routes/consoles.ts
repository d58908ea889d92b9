import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type as T } from '@sinclair/typebox';
import { type Change, readValue } from '../../console/model.ts';
import { consoleMidiPorts } from '../../console/midi-ports.ts';
import { Id, Open, replies } from '../schemas.ts';
import type { ApiServices } from '../services.ts';

// no type union here: with ajv's type coercion a union would turn null into 0 (0 dB!) or false into null
const Value = T.Unknown({ description: 'number (dB, Hz…), string, boolean, or null for -oo' });
const ChangeSchema = T.Object(
  { path: T.String({ minLength: 1, maxLength: 200 }), value: Value, raw: T.Optional(T.Boolean()) },
  { additionalProperties: false },
);
const Verdict = Open({
  path: T.String(),
  address: T.String(),
  requested: T.Optional(T.Unknown()),
  actual: T.Optional(T.Unknown()),
  verdict: T.Union([T.Literal('verified'), T.Literal('mismatched'), T.Literal('failed')]),
  error: T.Optional(T.String()),
});
export const WriteReportSchema = Open({ console: T.String(), results: T.Array(Verdict), ok: T.Boolean() });
const Caps = Open({ inputs: T.Integer(), nameLength: T.Integer(), sceneText: T.Boolean(), oscillator: T.Boolean() });
const ConsoleView = Open({
  id: T.String(),
  family: T.String(),
  caps: Caps,
  state: T.String(),
  since: T.String(),
  detail: T.Optional(T.String()),
  info: T.Optional(Open({})),
});
export const RestoreReportSchema = Open({
  applied: T.Integer(),
  verified: T.Integer(),
  mismatched: T.Integer(),
  failed: T.Integer(),
  skipped: T.Array(Open({ line: T.Integer(), reason: T.String() })),
  lines: T.Array(Open({ line: T.Integer(), path: T.String(), status: T.String() })),
  not_taken: T.Array(T.String()),
  seconds: T.Number(),
});

/** Consoles of every family, through the neutral Console interface; capability flags decide what each can do. */
export const consoleRoutes: FastifyPluginAsyncTypebox<{ services: ApiServices }> = async (app, { services }) => {
  const { consoles } = services;

  app.get(
    '/api/v1/midi/ports',
    {
      schema: {
        summary: 'USB/ALSA MIDI ports (503 E_MIDI_UNAVAILABLE with the reason when there is no ALSA sequencer)',
        response: replies(T.Object({ inputs: T.Array(T.String()), outputs: T.Array(T.String()) })),
      },
    },
    async () => consoleMidiPorts(),
  );

  app.get(
    '/api/v1/consoles',
    {
      schema: {
        summary: 'Consoles with their status and capabilities',
        response: replies(T.Object({ consoles: T.Array(ConsoleView) })),
      },
    },
    async () => ({
      consoles: consoles.list().map((c) => ({
        id: c.id,
        family: c.family,
        caps: c.caps,
        ...c.status(),
        ...(c.describe ? { info: c.describe() } : {}),
      })),
    }),
  );

  app.get(
    '/api/v1/consoles/:id/nodes',
    {
      schema: {
        summary: "Read a subtree of the console's live model (X32: node lines in human units; SQ/Qu: path/value rows)",
        params: Id,
        querystring: T.Object({ prefix: T.Optional(T.String({ maxLength: 200 })) }, { additionalProperties: false }),
        response: replies(
          T.Object({
            console: T.String(),
            prefix: T.String(),
            nodes: T.Array(Open({ path: T.String(), text: T.Optional(T.String()), value: T.Optional(T.Unknown()) })),
          }),
        ),
      },
    },
    async (req) => {
      const { id } = req.params;
      const prefix = req.query.prefix ?? '';
      return { console: id, prefix, nodes: consoles.get(id).nodes(prefix) };
    },
  );

  app.get(
    '/api/v1/consoles/:id/strips',
    {
      schema: {
        summary:
          'The input strips as the page shows them, from the live model: name, colour, fader (dB or "-inf"), mute, phantom (null where the console\'s protocol does not carry it)',
        params: Id,
        response: replies(
          T.Object({
            console: T.String(),
            strips: T.Array(
              Open({
                n: T.Integer(),
                name: T.Unknown(),
                color: T.Unknown(),
                fader: T.Unknown(),
                mute: T.Unknown(),
                phantom: T.Unknown(),
              }),
            ),
          }),
        ),
      },
    },
    async (req) => {
      const c = consoles.get(req.params.id);
      // null: not on this console's protocol (an SQ has no names over MIDI)
      const read = (path: string) => readValue(c, path) ?? null;
      const strips = Array.from({ length: c.caps.inputs }, (_, i) => {
        const n = i + 1;
        return {
          n,
          name: read(`input/${n}/name`),
          color: read(`input/${n}/color`),
          fader: read(`input/${n}/fader`),
          mute: read(`input/${n}/mute`),
          phantom: read(`input/${n}/phantom`),
        };
      });
      return { console: c.id, strips };
    },
  );

  app.get(
    '/api/v1/consoles/:id/values',
    {
      schema: {
        summary: 'Read one value (neutral path like input/3/fader, or a family address) from the live model',
        params: Id,
        querystring: T.Object({ path: T.String({ minLength: 1, maxLength: 200 }) }, { additionalProperties: false }),
        response: replies(
          T.Object({
            console: T.String(),
            path: T.String(),
            value: T.Unknown(),
            raw: T.Optional(T.String({ description: 'the token as the console sent it, when outside rad’s tables' })),
            unvalidated: T.Optional(T.Boolean()),
          }),
        ),
      },
    },
    async (req) => {
      const { id } = req.params;
      const { path } = req.query;
      const c = consoles.get(id);
      const value = c.get(path) ?? null;
      const raw = c.unvalidated?.(path);
      return { console: id, path, value, ...(raw !== undefined ? { raw, unvalidated: true } : {}) };
    },
  );

  app.put(
    '/api/v1/consoles/:id/values',
    {
      schema: {
        summary:
          'Set values in engineering units (or the wire value with raw=true, on every family); each is read back and verified',
        params: Id,
        body: T.Union([
          ChangeSchema,
          T.Object(
            { changes: T.Array(ChangeSchema, { minItems: 1, maxItems: 5000 }) },
            { additionalProperties: false },
          ),
        ]),
        response: replies(WriteReportSchema),
      },
    },
    async (req) => {
      const body = req.body;
      const changes = ('changes' in body ? body.changes : [body]) as Change[];
      return consoles.get(req.params.id).write(changes, 'api');
    },
  );

  app.post(
    '/api/v1/consoles/:id/capture',
    {
      schema: {
        summary:
          "Capture the console's whole state now: X32 scene text (pipelined /node reads), SQ/Qu the synced model as JSON",
        params: Id,
        body: T.Optional(
          T.Object(
            { name: T.Optional(T.String({ maxLength: 64 })), note: T.Optional(T.String({ maxLength: 200 })) },
            { additionalProperties: false },
          ),
        ),
        response: replies(
          Open({
            family: T.String(),
            console: T.String(),
            text: T.String(),
            lines: T.Integer(),
            missing: T.Array(T.String()),
            retries: T.Integer(),
            seconds: T.Number(),
          }),
        ),
      },
    },
    async (req) => consoles.get(req.params.id).capture(req.body ?? {}),
  );

  app.post(
    '/api/v1/consoles/:id/apply',
    {
      schema: {
        summary:
          "Apply a state in the console's format (X32 scene text; SQ/Qu model JSON); every touched value is read back. A file with broken lines applies nothing unless partial=true",
        params: Id,
        body: T.Object(
          { text: T.String({ minLength: 1 }), partial: T.Optional(T.Boolean()), only_changed: T.Optional(T.Boolean()) },
          { additionalProperties: false },
        ),
        response: replies(RestoreReportSchema),
      },
    },
    async (req) =>
      consoles
        .get(req.params.id)
        .restore(req.body.text, { partial: req.body.partial, onlyChanged: req.body.only_changed, actor: 'api' }),
  );

  app.post(
    '/api/v1/consoles/:id/scenes/recall',
    {
      schema: {
        summary:
          'Recall a stored scene on the console (X32 0–99, SQ 1–300, Qu 1–100), then re-read its state; every value that moved goes out as console.changed',
        params: Id,
        body: T.Object({ number: T.Integer() }, { additionalProperties: false }),
        response: replies(
          T.Object({ console: T.String(), scene: T.Integer(), changed: T.Integer(), seconds: T.Number() }),
        ),
      },
    },
    async (req) => consoles.get(req.params.id).recallScene(req.body.number, 'api'),
  );

  app.put(
    '/api/v1/consoles/:id/oscillator',
    {
      schema: {
        summary:
          "Switch the console's test oscillator on (with level, frequency, type, destination) or off; 400 E_CAPABILITY where the protocol has none",
        params: Id,
        body: T.Union([
          T.Object(
            {
              on: T.Literal(true),
              level_db: T.Number({ minimum: -90, maximum: 10 }),
              freq_hz: T.Number({ minimum: 20, maximum: 20000 }),
              type: T.Union([T.Literal('sine'), T.Literal('pink'), T.Literal('white')]),
              dest: T.Integer({ minimum: 0, maximum: 25 }),
            },
            { additionalProperties: false },
          ),
          T.Object({ on: T.Literal(false) }, { additionalProperties: false }),
        ]),
        response: replies(WriteReportSchema),
      },
    },
    async (req) => {
      const b = req.body;
      return consoles
        .get(req.params.id)
        .oscillator(b.on ? { level_db: b.level_db, freq_hz: b.freq_hz, type: b.type, dest: b.dest } : null, 'api');
    },
  );
};
