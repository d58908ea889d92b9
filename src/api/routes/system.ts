import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type as T } from '@sinclair/typebox';
import { fail } from '../../core/errors.ts';
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
  app.get(
    '/api/v1/facility',
    {
      schema: {
        summary:
          "Every room's rad on the facility's MQTT broker (retained state: status, devices, last line check, version, alerts, last backup); 404 E_NO_MQTT without an mqtt: section",
        response: replies(Open({ rooms: T.Array(Open({ room: T.String() })) })),
      },
    },
    async () => {
      const f = services.facility;
      if (!f) throw fail('E_NO_MQTT', 'this rad is not on a facility broker (no mqtt: section in the settings)', {});
      return (await f.read()) as { rooms: Array<{ room: string }> };
    },
  );

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
