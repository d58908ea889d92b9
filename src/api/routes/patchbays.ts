import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type as T } from '@sinclair/typebox';
import { fail } from '../../core/errors.ts';
import type { Tie } from '../../patchbay/model.ts';
import type { PatchbayService } from '../../patchbay/service.ts';
import { directionFor } from '../../patchbay/trace.ts';
import { Id, Open, replies } from '../schemas.ts';
import type { ApiServices } from '../services.ts';

const Endpoint = T.String({ minLength: 3, maxLength: 128, pattern: '^[A-Za-z0-9_.-]+(:[A-Za-z0-9_.-]+)+$' });
// input is checked by the service: a type union would let ajv coerce null into 0
const TieSchema = T.Object(
  { output: T.Integer(), input: T.Unknown({ description: 'input number, or null to disconnect' }) },
  { additionalProperties: false },
);
const Slot = T.Object({ output: T.Integer(), input: T.Union([T.Integer(), T.Null()]) });
const PatchbayView = Open({
  id: T.String(),
  state: T.String(),
  since: T.String(),
  caps: Open({}),
  map: T.Array(
    Open({
      output: T.Integer(),
      output_label: T.String(),
      input: T.Union([T.Integer(), T.Null()]),
      input_label: T.Union([T.String(), T.Null()]),
    }),
  ),
});
const RouteReportSchema = Open({
  patchbay: T.String(),
  ties: T.Array(Open({})),
  verified: T.Boolean(),
  failed: T.Array(Open({})),
  settled_by_read_back: T.Optional(T.String()),
});
const TraceSchema = Open({
  start: T.String(),
  direction: T.String(),
  paths: T.Array(Open({})),
  warnings: T.Array(T.String()),
});
const CordsSchema = T.Object({ cords: T.Array(T.Object({ a: T.String(), b: T.String() })) });

/** Switchers, relay bays, passive bays, cords and the tracer. */
export const patchbayRoutes: FastifyPluginAsyncTypebox<{ services: ApiServices }> = async (app, { services }) => {
  const pbs = services.patchbays;
  const view = (p: PatchbayService) => ({
    id: p.id,
    ...p.status(),
    ...p.describe(),
    caps: p.caps,
    map: p.map().map((input, i) => ({
      output: i + 1,
      output_label: p.label('output', i + 1),
      input,
      input_label: input === null ? null : p.label('input', input),
    })),
  });

  app.get(
    '/api/v1/patchbays',
    {
      schema: {
        summary: 'Patchbays and switchers with status and current map',
        response: replies(T.Object({ patchbays: T.Array(PatchbayView) })),
      },
    },
    async () => ({ patchbays: pbs.list().map(view) }),
  );

  app.get(
    '/api/v1/patchbays/:id',
    {
      schema: {
        summary: 'One patchbay with its map (as the device last reported it)',
        params: Id,
        response: replies(PatchbayView),
      },
    },
    async (req) => view(pbs.get(req.params.id)),
  );

  app.get(
    '/api/v1/patchbays/:id/map',
    {
      schema: {
        summary: 'Read the whole map from the device now',
        params: Id,
        response: replies(T.Object({ patchbay: T.String(), map: T.Array(Slot) })),
      },
    },
    async (req) => {
      const p = pbs.get(req.params.id);
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
        response: replies(RouteReportSchema),
      },
    },
    async (req) => pbs.get(req.params.id).route(req.body.ties as Tie[], 'api', { atomic: req.body.atomic }),
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
        response: replies(TraceSchema),
      },
    },
    async (req) => {
      const q = req.query;
      if (!q.from === !q.to) throw fail('E_TRACE_ARGS', 'give exactly one of from= or to=');
      return q.from ? pbs.tracer.trace(q.from, 'forward') : pbs.tracer.trace(q.to!, 'backward');
    },
  );

  app.get(
    '/api/v1/trace/:endpoint',
    {
      schema: {
        summary: 'Trace, choosing the direction from the endpoint (inputs and bottom jacks backward)',
        params: T.Object({ endpoint: Endpoint }),
        response: replies(TraceSchema),
      },
    },
    async (req) => pbs.tracer.trace(req.params.endpoint, directionFor(req.params.endpoint)),
  );

  app.get(
    '/api/v1/bays',
    {
      schema: {
        summary: 'The passive bays: points, the normal of each point (full, half, isolated, parallel), labels',
        response: replies(
          T.Object({
            bays: T.Array(
              Open({
                id: T.String(),
                points: T.Integer(),
                normal: T.String(),
                modes: T.Record(T.String(), T.String()),
              }),
            ),
          }),
        ),
      },
    },
    async () => ({
      bays: pbs.bays().map((b) => ({
        id: b.id,
        points: b.points,
        normal: b.normal ?? 'half',
        modes: b.modes ?? {},
        labels: b.labels ?? {},
      })),
    }),
  );

  app.get(
    '/api/v1/cords',
    { schema: { summary: 'Declared patch cords (settings + declared at run time)', response: replies(CordsSchema) } },
    async () => ({ cords: pbs.cords.all() }),
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
        response: replies(CordsSchema),
      },
    },
    async (req) => {
      pbs.cords.set(req.body.cords);
      return { cords: pbs.cords.all() };
    },
  );

  app.get(
    '/api/v1/patchbays/:id/presets',
    {
      schema: {
        summary: 'Saved presets',
        params: Id,
        response: replies(T.Object({ presets: T.Array(T.Object({ name: T.String(), created_at: T.String() })) })),
      },
    },
    async (req) => ({ presets: pbs.get(req.params.id).presets() }),
  );

  app.post(
    '/api/v1/patchbays/:id/presets',
    {
      schema: {
        summary: 'Save the current map as a preset',
        params: Id,
        body: T.Object({ name: T.String({ minLength: 1, maxLength: 64 }) }, { additionalProperties: false }),
        response: replies(T.Object({ name: T.String(), ties: T.Array(Slot) })),
      },
    },
    async (req) => pbs.get(req.params.id).savePreset(req.body.name),
  );

  app.post(
    '/api/v1/patchbays/:id/presets/:name/recall',
    {
      schema: {
        summary: 'Recall a preset (one atomic route, verified)',
        params: T.Object({ id: T.String({ minLength: 1 }), name: T.String({ minLength: 1 }) }),
        response: replies(RouteReportSchema),
      },
    },
    async (req) => pbs.get(req.params.id).recallPreset(req.params.name, 'api'),
  );
};
