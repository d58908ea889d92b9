import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type as T } from '@sinclair/typebox';
import { fail } from '../../core/errors.ts';
import { Open, replies } from '../schemas.ts';
import type { ApiServices } from '../services.ts';

const Job = Open({ id: T.String(), kind: T.String(), state: T.String(), fraction: T.Number() });

export const prepRoutes: FastifyPluginAsyncTypebox<{ services: ApiServices }> = async (app, { services }) => {
  const runner = services.prep;
  app.post(
    '/api/v1/prep/jobs',
    {
      schema: {
        summary:
          'Start a prep job on WAV files on this machine (progress on WS job.progress, completion job.done); inputs are never modified',
        body: T.Object(
          {
            kind: T.Union([T.Literal('strip-silence'), T.Literal('gate'), T.Literal('declick'), T.Literal('bounce')]),
            inputs: T.Array(T.String({ minLength: 1 }), { minItems: 1, maxItems: 256 }),
            out: T.Optional(T.String({ minLength: 1 })),
            key: T.Optional(T.String({ minLength: 1 })),
            options: T.Optional(T.Record(T.String(), T.Number())),
            gains: T.Optional(T.Record(T.String(), T.Number())),
            pans: T.Optional(T.Record(T.String(), T.Number({ minimum: -1, maximum: 1 }))),
            thresholds: T.Optional(T.Record(T.String(), T.Number({ minimum: -120, maximum: 0 }))),
            render: T.Optional(T.Boolean()),
          },
          { additionalProperties: false },
        ),
        response: replies(T.Object({ job: T.String(), kind: T.String() }), 202),
      },
    },
    async (req, reply) => {
      const { kind, ...args } = req.body;
      const { id } = runner.start(kind, args);
      void reply.status(202);
      return { job: id, kind };
    },
  );

  app.get(
    '/api/v1/prep/jobs',
    { schema: { summary: 'Prep jobs of this run of the daemon', response: replies(T.Object({ jobs: T.Array(Job) })) } },
    async () => ({ jobs: [...runner.jobs.values()] }),
  );

  app.get(
    '/api/v1/prep/jobs/:id',
    {
      schema: {
        summary: 'One job: state, progress, result or error',
        params: T.Object({ id: T.String() }),
        response: replies(Job),
      },
    },
    async (req) => {
      const job = runner.get(req.params.id);
      if (!job) throw fail('E_UNKNOWN_JOB', `no job ${req.params.id}`, { job: req.params.id });
      return job;
    },
  );
};
