import { Type as T } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { ApiContext } from '../context.ts';

const DeviceStatusSchema = T.Object({
  id: T.String(),
  kind: T.String(),
  state: T.Union(['starting', 'online', 'degraded', 'offline', 'stopped'].map((s) => T.Literal(s))),
  since: T.String(),
  detail: T.Optional(T.String()),
  info: T.Optional(T.Record(T.String(), T.Unknown())),
});

export function systemRoutes(app: FastifyInstance, ctx: ApiContext): void {
  app.get(
    '/api/v1/health',
    {
      schema: {
        summary: 'Liveness: the daemon answers',
        response: { 200: T.Object({ ok: T.Boolean(), ready: T.Boolean(), version: T.String(), uptime_s: T.Number() }) },
      },
    },
    async () => ({
      ok: true,
      ready: ctx.isReady(),
      version: ctx.version,
      uptime_s: (Date.now() - ctx.startedAt.getTime()) / 1000,
    }),
  );

  app.get(
    '/api/v1/status',
    {
      schema: {
        summary: "Every device's status",
        response: {
          200: T.Object({
            ready: T.Boolean(),
            version: T.String(),
            started_at: T.String(),
            devices: T.Array(DeviceStatusSchema),
          }),
        },
      },
    },
    async () => ({
      ready: ctx.isReady(),
      version: ctx.version,
      started_at: ctx.startedAt.toISOString(),
      devices: ctx
        .devices()
        .map((d) => ({ id: d.id, kind: d.kind, ...d.status(), ...(d.describe ? { info: d.describe() } : {}) })),
    }),
  );

  app.get(
    '/api/v1/audit',
    {
      schema: {
        summary: 'Audit log of every write to a device, newest first',
        querystring: T.Object(
          {
            device: T.Optional(T.String({ minLength: 1 })),
            limit: T.Optional(T.Integer({ minimum: 1, maximum: 10000 })),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (req) => {
      const q = req.query as { device?: string; limit?: number };
      return { entries: ctx.store.auditLog(q) };
    },
  );
}
