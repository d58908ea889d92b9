import { Type as T } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { ConsolesFeature } from '../../console/feature.ts';
import { assertX32 } from '../../console/x32/console.ts';
import { RadError } from '../../core/errors.ts';
import { listMidiPorts } from '../../drivers/midi/port.ts';

const Id = T.Object({ id: T.String({ minLength: 1 }) });
// no type union here: with ajv's type coercion a union would turn null into 0 (0 dB!) or false into null
const Value = T.Unknown({ description: 'number (dB, Hz…), string, boolean, or null for -oo' });
const Change = T.Object(
  { path: T.String({ minLength: 1, maxLength: 200 }), value: Value, raw: T.Optional(T.Boolean()) },
  { additionalProperties: false },
);
const ErrorBody = T.Object({ error: T.String(), message: T.String() }, { additionalProperties: true });

export function consoleRoutes(app: FastifyInstance, f: ConsolesFeature): void {
  app.get(
    '/api/v1/midi/ports',
    {
      schema: {
        summary: 'USB/ALSA MIDI ports (503 E_MIDI_UNAVAILABLE with the reason when there is no ALSA sequencer)',
      },
    },
    async () => {
      try {
        return listMidiPorts();
      } catch (e) {
        throw new RadError('E_MIDI_UNAVAILABLE', (e as Error).message, { httpStatus: 503 });
      }
    },
  );

  app.get('/api/v1/consoles', { schema: { summary: 'Consoles with their status' } }, async () => ({
    consoles: [...f.consoles.values()].map((c) => ({
      id: c.id,
      family: c.family,
      caps: c.caps,
      ...c.status(),
      ...(c.describe ? { info: c.describe() } : {}),
    })),
  }));

  app.get(
    '/api/v1/consoles/:id/nodes',
    {
      schema: {
        summary: "Read a subtree of the console's live model (X32: node lines in human units)",
        params: Id,
        querystring: T.Object({ prefix: T.Optional(T.String({ maxLength: 200 })) }, { additionalProperties: false }),
        response: { 404: ErrorBody },
      },
    },
    async (req) => {
      const { id } = req.params as { id: string };
      const { prefix = '' } = req.query as { prefix?: string };
      const c = f.console(id);
      return { console: id, prefix, nodes: c.nodes(prefix) };
    },
  );

  app.get(
    '/api/v1/consoles/:id/values',
    {
      schema: {
        summary: 'Read one value (neutral path like input/3/fader, or an X32 address) from the live model',
        params: Id,
        querystring: T.Object({ path: T.String({ minLength: 1, maxLength: 200 }) }, { additionalProperties: false }),
      },
    },
    async (req) => {
      const { id } = req.params as { id: string };
      const { path } = req.query as { path: string };
      return { console: id, path, value: f.console(id).get(path) ?? null };
    },
  );

  app.put(
    '/api/v1/consoles/:id/values',
    {
      schema: {
        summary: 'Set values in engineering units (or raw with raw=true); each is read back and verified',
        params: Id,
        body: T.Union([
          Change,
          T.Object({ changes: T.Array(Change, { minItems: 1, maxItems: 5000 }) }, { additionalProperties: false }),
        ]),
      },
    },
    async (req) => {
      const { id } = req.params as { id: string };
      const body = req.body as { changes?: Array<{ path: string; value: unknown; raw?: boolean }> } & {
        path?: string;
        value?: unknown;
        raw?: boolean;
      };
      const changes = body.changes ?? [{ path: body.path!, value: body.value, raw: body.raw }];
      return f.console(id).write(changes as never, 'api');
    },
  );

  app.post(
    '/api/v1/consoles/:id/capture',
    {
      schema: {
        summary: 'Capture the full state as scene text (pipelined /node reads)',
        params: Id,
        body: T.Optional(
          T.Object(
            { name: T.Optional(T.String({ maxLength: 64 })), note: T.Optional(T.String({ maxLength: 200 })) },
            { additionalProperties: false },
          ),
        ),
      },
    },
    async (req) => {
      const { id } = req.params as { id: string };
      const body = (req.body ?? {}) as { name?: string; note?: string };
      return assertX32(f.console(id)).captureScene(body);
    },
  );

  app.post(
    '/api/v1/consoles/:id/apply',
    {
      schema: {
        summary:
          'Apply scene text; every touched node is read back. A file with broken lines applies nothing unless partial=true',
        params: Id,
        body: T.Object(
          { text: T.String({ minLength: 1 }), partial: T.Optional(T.Boolean()), only_changed: T.Optional(T.Boolean()) },
          { additionalProperties: false },
        ),
      },
    },
    async (req) => {
      const { id } = req.params as { id: string };
      const body = req.body as { text: string; partial?: boolean; only_changed?: boolean };
      return assertX32(f.console(id)).applyScene(body.text, {
        partial: body.partial,
        onlyChanged: body.only_changed,
        actor: 'api',
      });
    },
  );

  app.put(
    '/api/v1/consoles/:id/oscillator',
    {
      schema: {
        summary: "Switch the console's test oscillator on (with level, frequency, type, destination) or off",
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
      },
    },
    async (req) => {
      const { id } = req.params as { id: string };
      const b = req.body as {
        on: boolean;
        level_db: number;
        freq_hz: number;
        type: 'sine' | 'pink' | 'white';
        dest: number;
      };
      return assertX32(f.console(id)).oscillator(
        b.on ? { level_db: b.level_db, freq_hz: b.freq_hz, type: b.type, dest: b.dest } : null,
        'api',
      );
    },
  );
}
