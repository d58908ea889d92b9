import { Type as T } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { notFound } from '../../core/errors.ts';
import { lineCheckHtml } from '../../linecheck/report.ts';
import type { LineCheckService, RunOptions } from '../../linecheck/service.ts';

export function linecheckRoutes(app: FastifyInstance, lc: LineCheckService): void {
  app.get(
    '/api/v1/linecheck/paths',
    {
      schema: {
        summary:
          'The paths of the patch plan, with their injection and measurement points, and the console outputs the oscillator mode checks',
      },
    },
    async () => ({ paths: lc.paths(), outputs: lc.outputPaths() }),
  );

  app.post(
    '/api/v1/linecheck',
    {
      schema: {
        summary:
          'Start a line check of the whole plant or some paths (202 with the run id; 409 with the running id if one runs)',
        body: T.Optional(
          T.Object(
            {
              paths: T.Optional(T.Array(T.String({ minLength: 1 }), { maxItems: 1024 })),
              inject: T.Optional(T.Boolean()),
              mode: T.Optional(T.Union([T.Literal('concurrent'), T.Literal('sequential')])),
              target: T.Optional(
                T.Union([T.Literal('inputs'), T.Literal('outputs')], {
                  description:
                    "inputs: interface tones through every patch; outputs: the console's oscillator to each bus/main/matrix wired back to the interface",
                }),
              ),
            },
            { additionalProperties: false },
          ),
        ),
      },
    },
    async (req, reply) => {
      const { id } = lc.start((req.body ?? {}) as RunOptions);
      void reply.status(202);
      return { run: id };
    },
  );

  app.put(
    '/api/v1/linecheck/ident',
    {
      schema: {
        summary: 'Send the ident tone (EBU line-up, left leg interrupted) down one path, or stop it',
        body: T.Object(
          { path: T.String({ minLength: 1 }), on: T.Optional(T.Boolean()) },
          { additionalProperties: false },
        ),
      },
    },
    async (req) => {
      const b = req.body as { path: string; on?: boolean };
      return lc.ident(b.path, b.on ?? true);
    },
  );

  app.get(
    '/api/v1/linecheck/:id',
    {
      schema: {
        summary: 'A run with every result (format=html for the report page)',
        params: T.Object({ id: T.String() }),
        querystring: T.Object({ format: T.Optional(T.Union([T.Literal('json'), T.Literal('html')])) }),
      },
    },
    async (req, reply) => {
      const run = lc.get((req.params as { id: string }).id);
      if (!run) throw notFound('E_UNKNOWN_RUN', `no line-check run ${(req.params as { id: string }).id}`);
      if ((req.query as { format?: string }).format === 'html') {
        void reply.type('text/html');
        return lineCheckHtml(run);
      }
      return run;
    },
  );

  app.delete(
    '/api/v1/linecheck/:id',
    {
      schema: {
        summary: 'Cancel a running check (tones off, partial results kept)',
        params: T.Object({ id: T.String() }),
      },
    },
    async (req) => {
      const id = (req.params as { id: string }).id;
      if (!lc.cancel(id)) throw notFound('E_NOT_RUNNING', `run ${id} is not running`);
      return { cancelling: id };
    },
  );
}
