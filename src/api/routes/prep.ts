import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type as T } from '@sinclair/typebox';
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { fail } from '../../core/errors.ts';
import { plannedOutputs } from '../../dsp/offline/jobs.ts';
import { Open, replies } from '../schemas.ts';
import type { ApiServices } from '../services.ts';

const Job = Open({ id: T.String(), kind: T.String(), state: T.String(), fraction: T.Number() });

export const prepRoutes: FastifyPluginAsyncTypebox<{ services: ApiServices }> = async (app, { services }) => {
  const runner = services.prep;
  const paths = services.paths;
  app.post(
    '/api/v1/prep/jobs',
    {
      schema: {
        summary:
          'Start a prep job on WAV files on this machine (progress on WS job.progress, completion job.done); inputs are never modified',
        body: T.Object(
          {
            kind: T.Union([
              T.Literal('strip-silence'),
              T.Literal('gate'),
              T.Literal('declick'),
              T.Literal('vocal'),
              T.Literal('bounce'),
            ]),
            inputs: T.Array(T.String({ minLength: 1 }), { minItems: 1, maxItems: 256 }),
            out: T.Optional(T.String({ minLength: 1 })),
            key: T.Optional(T.String({ minLength: 1 })),
            options: T.Optional(
              T.Record(T.String(), T.Union([T.Number(), T.Boolean()]), {
                description:
                  'numbers per tool (threshold, sensitivity…); declick: pops true/false (default true), pop_rise_db, max_pop_ms; vocal: deess, denoise true/false, breaths dB',
              }),
            ),
            gains: T.Optional(T.Record(T.String(), T.Number())),
            pans: T.Optional(T.Record(T.String(), T.Number({ minimum: -1, maximum: 1 }))),
            thresholds: T.Optional(T.Record(T.String(), T.Number({ minimum: -120, maximum: 0 }))),
            render: T.Optional(T.Boolean()),
            overwrite: T.Optional(
              T.Boolean({ description: 'replace outputs an earlier job wrote (never a file rad did not write)' }),
            ),
          },
          { additionalProperties: false },
        ),
        response: replies(T.Object({ job: T.String(), kind: T.String() }), 202),
      },
    },
    async (req, reply) => {
      const { kind, overwrite, ...raw } = req.body;
      // every path is resolved and must lie in the media or exports folders; outputs are new files
      const inputs = raw.inputs.map((f, i) => paths.input(f, `inputs[${i}]`));
      const key = raw.key === undefined ? undefined : paths.input(raw.key, 'key');
      const out = raw.out === undefined ? undefined : paths.check(raw.out, 'write', 'out');
      const args = { ...raw, inputs, key, out };
      if (out) paths.folder(kind === 'bounce' ? dirname(out) : out, 'out');
      const outputs = plannedOutputs(kind, args).map((f) => paths.output(f, overwrite === true));
      const { id, done } = runner.start(kind, args);
      done.then(
        () => paths.wrote(...outputs),
        () => paths.wrote(...outputs.filter((f) => existsSync(f))),
      );
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
