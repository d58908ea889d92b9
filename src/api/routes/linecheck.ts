import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type as T } from '@sinclair/typebox';
import { fail } from '../../core/errors.ts';
import { blamePath } from '../../linecheck/blame.ts';
import { lineCheckHtml } from '../../linecheck/report.ts';
import { Open, replies } from '../schemas.ts';
import type { ApiServices } from '../services.ts';

const PathSchema = Open({ name: T.String(), source: T.String(), input: T.String() });
const RunSchema = Open({
  id: T.String(),
  state: T.String(),
  started_at: T.String(),
  finished_at: T.Optional(T.String()),
  options: Open({}),
  results: T.Array(Open({ path: T.String(), verdict: T.String() })),
  summary: T.Optional(T.Record(T.String(), T.Number())),
  restore_failed: T.Optional(T.Array(T.String())),
  progress: T.Optional(T.Object({ done: T.Integer(), total: T.Integer(), phase: T.String() })),
});

export const linecheckRoutes: FastifyPluginAsyncTypebox<{ services: ApiServices }> = async (app, { services }) => {
  const lc = services.linecheck;

  app.get(
    '/api/v1/linecheck/paths',
    {
      schema: {
        summary:
          'The paths of the patch plan, with their injection and measurement points, and the console outputs the oscillator mode checks',
        response: replies(T.Object({ paths: T.Array(PathSchema), outputs: T.Array(PathSchema) })),
      },
    },
    async () => ({ paths: lc.paths(), outputs: lc.outputPaths() }),
  );

  app.post(
    '/api/v1/cables/test',
    {
      schema: {
        summary:
          'Test the cable plugged between an interface output and input: continuity, polarity, level loss, hum and noise pickup, and a flex test (dropouts and crackle while the connectors are wiggled); kept with the inventory',
        body: T.Object(
          {
            out: T.Integer({ minimum: 1 }),
            in: T.Integer({ minimum: 1 }),
            flex_seconds: T.Optional(T.Number({ minimum: 0, maximum: 120 })),
            label: T.Optional(T.String({ minLength: 1, maxLength: 100 })),
            force: T.Optional(T.Boolean({ description: 'test on an output the studio wiring uses' })),
          },
          { additionalProperties: false },
        ),
        response: replies(Open({ verdict: T.String(), line: T.String(), faults: T.Array(T.String()) })),
      },
    },
    async (req) => {
      const b = req.body;
      return services.cables.test({
        out: b.out,
        in: b.in,
        flexSeconds: b.flex_seconds,
        label: b.label,
        force: b.force,
      });
    },
  );

  app.get(
    '/api/v1/cables',
    {
      schema: {
        summary: 'Cables tested, newest first, with their label lines',
        response: replies(T.Object({ cables: T.Array(Open({ label: T.String(), verdict: T.String() })) })),
      },
    },
    async () => ({ cables: services.cables.list() }),
  );

  app.get(
    '/api/v1/clock',
    {
      schema: {
        summary:
          "The clock plan (clock.rate, default audio.sample_rate; clock.master) against the console's rate and clock source and the audio interface's rate; every mismatch named, what cannot be read said",
        response: replies(Open({ ok: T.Boolean(), mismatches: T.Array(T.String()), cannot: T.Array(T.String()) })),
      },
    },
    async () => lc.clock(),
  );

  app.get(
    '/api/v1/linecheck',
    {
      schema: {
        summary: 'Line-check runs, newest first (summaries)',
        querystring: T.Object(
          { limit: T.Optional(T.Integer({ minimum: 1, maximum: 1000 })) },
          { additionalProperties: false },
        ),
        response: replies(
          T.Object({ runs: T.Array(Open({ id: T.String(), state: T.String(), started_at: T.String() })) }),
        ),
      },
    },
    async (req) => ({ runs: lc.history(req.query.limit) }),
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
              force: T.Optional(T.Boolean({ description: 'check even when the clock check finds a mismatch' })),
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
        response: replies(T.Object({ run: T.String() }), 202),
      },
    },
    async (req, reply) => {
      const { id } = lc.start(req.body ?? {});
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
        response: replies(T.Object({ path: T.String(), output: T.Integer() })),
      },
    },
    async (req) => lc.ident(req.body.path, req.body.on ?? true),
  );

  app.get(
    '/api/v1/linecheck/:id',
    {
      schema: {
        summary: 'A run with every result (format=html for the report page)',
        params: T.Object({ id: T.String() }),
        querystring: T.Object(
          { format: T.Optional(T.Union([T.Literal('json'), T.Literal('html')])) },
          { additionalProperties: false },
        ),
        response: replies(T.Union([RunSchema, T.String({ description: 'the HTML report' })])),
      },
    },
    async (req, reply) => {
      const run = lc.get(req.params.id);
      if (!run) throw fail('E_UNKNOWN_RUN', `no line-check run ${req.params.id}`, { run: req.params.id });
      if (req.query.format === 'html') {
        void reply.type('text/html');
        return lineCheckHtml(run);
      }
      return run;
    },
  );

  app.post(
    '/api/v1/linecheck/:id/tickets',
    {
      schema: {
        summary:
          'Open a repair ticket for each failing path of a run (or only `paths`): the path, the verdict, the measurements and the device and port the tracer blames',
        params: T.Object({ id: T.String() }),
        body: T.Optional(
          T.Object(
            { paths: T.Optional(T.Array(T.String({ minLength: 1 }), { minItems: 1 })) },
            { additionalProperties: false },
          ),
        ),
        response: replies(T.Object({ tickets: T.Array(Open({ id: T.String(), title: T.String() })) }), 201),
      },
    },
    async (req, reply) => {
      const run = lc.get(req.params.id);
      if (!run) throw fail('E_UNKNOWN_RUN', `no line-check run ${req.params.id}`, { run: req.params.id });
      if (run.state === 'running') throw fail('E_LINECHECK_RUNNING', `run ${run.id} is still running`, { run: run.id });
      const wanted = req.body?.paths;
      for (const p of wanted ?? [])
        if (!run.results.some((r) => r.path === p))
          throw fail('E_UNKNOWN_PATH', `run ${run.id} has no path ${JSON.stringify(p)}`, { value: p });
      const failing = run.results.filter(
        (r) => r.verdict !== 'pass' && r.verdict !== 'untestable' && (!wanted || wanted.includes(r.path)),
      );
      if (wanted && failing.length < wanted.length)
        throw fail(
          'E_TICKET_NO_FAULT',
          `nothing to repair: ${wanted.filter((p) => !failing.some((f) => f.path === p)).join(', ')} passed`,
          {
            value: wanted,
          },
        );
      const maint = services.recall.maintenance;
      const pb = services.patchbays;
      const tickets = failing.map((r) => {
        const b = blamePath(r, pb.tracer, {
          isSwitcher: (id) => pb.list().some((p) => p.id === id),
          stateOf: (id) =>
            services.daemon
              .devices()
              .find((d) => d.id === id)
              ?.status().state,
        });
        return maint.openTicket(
          {
            title: `${r.path}: ${r.verdict} (${r.findings[0] ?? r.verdict}) — check ${b.device}${b.port ? ` ${b.port}` : ''}`,
            device: b.device,
            port: b.port,
            detail: { ...r, blame: b.why, chain: b.chain },
          },
          { run: run.id, path: r.path },
        );
      });
      void reply.code(201);
      return { tickets };
    },
  );

  app.delete(
    '/api/v1/linecheck/:id',
    {
      schema: {
        summary: 'Cancel a running check (tones off, ties and monitors restored, partial results kept)',
        params: T.Object({ id: T.String() }),
        response: replies(T.Object({ cancelling: T.String() })),
      },
    },
    async (req) => {
      const id = req.params.id;
      if (!lc.cancel(id)) throw fail('E_NOT_RUNNING', `run ${id} is not running`, { run: id });
      return { cancelling: id };
    },
  );
};
