import { Type as T } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { PatchbaysFeature } from '../../patchbay/feature.ts';
import { badRequest } from '../../core/errors.ts';
import type { Tie } from '../../patchbay/model.ts';
import { directionFor } from '../../patchbay/trace.ts';
import type { CordSettings } from '../../settings/schema.ts';

const Endpoint = T.String({ minLength: 3, maxLength: 128, pattern: '^[A-Za-z0-9_.-]+(:[A-Za-z0-9_.-]+)+$' });

const Id = T.Object({ id: T.String({ minLength: 1 }) });
// input is checked by the service: a type union would let ajv coerce null into 0
const TieSchema = T.Object(
  { output: T.Integer(), input: T.Unknown({ description: 'input number, or null to disconnect' }) },
  { additionalProperties: false },
);

export function patchbayRoutes(app: FastifyInstance, f: PatchbaysFeature): void {
  const view = (id: string) => {
    const p = f.patchbay(id);
    return {
      id: p.id,
      ...p.status(),
      ...p.describe(),
      caps: p.caps,
      map: p
        .map()
        .map((input, i) => ({
          output: i + 1,
          output_label: p.label('output', i + 1),
          input,
          input_label: input === null ? null : p.label('input', input),
        })),
    };
  };

  app.get(
    '/api/v1/patchbays',
    { schema: { summary: 'Patchbays and switchers with status and current map' } },
    async () => ({ patchbays: [...f.patchbays.keys()].map(view) }),
  );

  app.get(
    '/api/v1/patchbays/:id',
    { schema: { summary: 'One patchbay with its map (as the device last reported it)', params: Id } },
    async (req) => view((req.params as { id: string }).id),
  );

  app.get(
    '/api/v1/patchbays/:id/map',
    { schema: { summary: 'Read the whole map from the device now', params: Id } },
    async (req) => {
      const p = f.patchbay((req.params as { id: string }).id);
      const map = await p.read();
      return { patchbay: p.id, map: map.map((input, i) => ({ output: i + 1, input })) };
    },
  );

  app.put(
    '/api/v1/patchbays/:id/ties',
    {
      schema: {
        summary:
          'Set ties (input null = disconnect); read back and verified. A tie the device did not take is a 502 naming the output',
        params: Id,
        body: T.Object(
          { ties: T.Array(TieSchema, { minItems: 1, maxItems: 4096 }), atomic: T.Optional(T.Boolean()) },
          { additionalProperties: false },
        ),
      },
    },
    async (req) => {
      const p = f.patchbay((req.params as { id: string }).id);
      const body = req.body as { ties: Tie[]; atomic?: boolean };
      return p.route(body.ties, 'api', { atomic: body.atomic });
    },
  );

  app.get(
    '/api/v1/trace',
    {
      schema: {
        summary:
          'Trace a path through wiring, switchers, bays and cords: ?from=tie:3 (where does it go) or ?to=x32-main:in:7 (what reaches it)',
        querystring: T.Object(
          { from: T.Optional(Endpoint), to: T.Optional(Endpoint) },
          { additionalProperties: false },
        ),
      },
    },
    async (req) => {
      const q = req.query as { from?: string; to?: string };
      if (!q.from === !q.to) throw badRequest('E_TRACE_ARGS', 'give exactly one of from= or to=');
      return q.from ? f.tracer.trace(q.from, 'forward') : f.tracer.trace(q.to!, 'backward');
    },
  );

  app.get(
    '/api/v1/trace/:endpoint',
    {
      schema: {
        summary: 'Trace, choosing the direction from the endpoint (inputs and bottom jacks backward)',
        params: T.Object({ endpoint: Endpoint }),
      },
    },
    async (req) => {
      const { endpoint } = req.params as { endpoint: string };
      return f.tracer.trace(endpoint, directionFor(endpoint));
    },
  );

  app.get(
    '/api/v1/cords',
    { schema: { summary: 'Declared patch cords (settings + declared at run time)' } },
    async () => ({ cords: f.cords() }),
  );

  app.put(
    '/api/v1/cords',
    {
      schema: {
        summary: 'Replace the cords declared at run time',
        body: T.Object(
          {
            cords: T.Array(T.Object({ a: Endpoint, b: Endpoint }, { additionalProperties: false }), { maxItems: 2048 }),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (req) => {
      f.setCords((req.body as { cords: CordSettings[] }).cords);
      return { cords: f.cords() };
    },
  );

  app.get('/api/v1/patchbays/:id/presets', { schema: { summary: 'Saved presets', params: Id } }, async (req) => ({
    presets: f.patchbay((req.params as { id: string }).id).presets(),
  }));

  app.post(
    '/api/v1/patchbays/:id/presets',
    {
      schema: {
        summary: 'Save the current map as a preset',
        params: Id,
        body: T.Object({ name: T.String({ minLength: 1, maxLength: 64 }) }, { additionalProperties: false }),
      },
    },
    async (req) => f.patchbay((req.params as { id: string }).id).savePreset((req.body as { name: string }).name),
  );

  app.post(
    '/api/v1/patchbays/:id/presets/:name/recall',
    {
      schema: {
        summary: 'Recall a preset (one atomic route, verified)',
        params: T.Object({ id: T.String({ minLength: 1 }), name: T.String({ minLength: 1 }) }),
      },
    },
    async (req) => {
      const { id, name } = req.params as { id: string; name: string };
      return f.patchbay(id).recallPreset(name, 'api');
    },
  );
}
