import { Type as T } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { notFound } from '../../core/errors.ts';
import type { PrepArgs, PrepKind } from '../../dsp/offline/jobs.ts';
import type { PrepRunner } from '../../dsp/offline/runner.ts';

export function prepRoutes(app: FastifyInstance, runner: PrepRunner): void {
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
      },
    },
    async (req, reply) => {
      const b = req.body as PrepArgs & { kind: PrepKind };
      const { kind, ...args } = b;
      const { id } = runner.start(kind, args);
      void reply.status(202);
      return { job: id, kind };
    },
  );

  app.get('/api/v1/prep/jobs', { schema: { summary: 'Prep jobs of this run of the daemon' } }, async () => ({
    jobs: [...runner.jobs.values()],
  }));

  app.get(
    '/api/v1/prep/jobs/:id',
    { schema: { summary: 'One job: state, progress, result or error', params: T.Object({ id: T.String() }) } },
    async (req) => {
      const { id } = req.params as { id: string };
      const job = runner.get(id);
      if (!job) throw notFound('E_UNKNOWN_JOB', `no job ${id}`, { job: id });
      return job;
    },
  );
}
