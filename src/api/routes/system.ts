import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type as T } from '@sinclair/typebox';
import { Open, replies } from '../schemas.ts';
import type { ApiServices } from '../services.ts';

const DeviceStatusSchema = T.Object({
  id: T.String(),
  kind: T.String(),
  state: T.Union([
    T.Literal('starting'),
    T.Literal('online'),
    T.Literal('degraded'),
    T.Literal('offline'),
    T.Literal('stopped'),
  ]),
  since: T.String(),
  detail: T.Optional(T.String()),
  alerts: T.Optional(T.Array(T.String())),
  info: T.Optional(T.Record(T.String(), T.Unknown())),
});

export const systemRoutes: FastifyPluginAsyncTypebox<{ services: ApiServices }> = async (app, { services }) => {
  const { daemon, audit } = services;
  app.get(
    '/api/v1/health',
    {
      // open without the token, for monitoring: liveness only, no detail
      config: { public: true },
      schema: {
        summary: 'Liveness: the daemon answers (needs no token; no detail)',
        response: replies(T.Object({ ok: T.Boolean(), ready: T.Boolean() })),
      },
    },
    async () => ({ ok: true, ready: daemon.isReady() }),
  );

  app.get(
    '/api/v1/status',
    {
      schema: {
        summary: "Every device's status, with alerts a person must hear about",
        response: replies(
          T.Object({
            ready: T.Boolean(),
            version: T.String(),
            started_at: T.String(),
            devices: T.Array(DeviceStatusSchema),
          }),
        ),
      },
    },
    async () => ({
      ready: daemon.isReady(),
      version: daemon.version,
      started_at: daemon.startedAt.toISOString(),
      devices: daemon.devices().map((d) => ({
        id: d.id,
        kind: d.kind,
        ...d.status(),
        ...(d.describe ? { info: d.describe() } : {}),
      })),
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
        response: replies(
          T.Object({
            entries: T.Array(
              Open({
                id: T.Integer(),
                at: T.String(),
                actor: T.String(),
                device: T.String(),
                action: T.String(),
                result: T.String(),
              }),
            ),
          }),
        ),
      },
    },
    async (req) => ({ entries: audit.list(req.query) }),
  );
};
