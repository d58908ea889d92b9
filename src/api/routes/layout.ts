import { Type as T } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { LayoutService } from '../../layout/feature.ts';
import { parseInputList } from '../../layout/inputlist.ts';
import { planLayout } from '../../layout/plan.ts';
import { renderRpp } from '../../session/rpp.ts';
import { trackSheetCsv, trackSheetHtml } from '../../session/tracksheet.ts';

const Body = T.Object(
  {
    inputs: T.String({
      minLength: 1,
      maxLength: 512 * 1024,
      description: 'the input list: CSV with a header, or one source per line',
    }),
    profile: T.String({ minLength: 1 }),
    console: T.Optional(T.String({ minLength: 1 })),
  },
  { additionalProperties: false },
);

export function layoutRoutes(app: FastifyInstance, layout: LayoutService): void {
  app.get('/api/v1/profiles', { schema: { summary: 'Engineer profiles' } }, async () => ({
    profiles: layout.profiles.list(),
  }));
  app.get(
    '/api/v1/profiles/:name',
    { schema: { summary: 'One profile', params: T.Object({ name: T.String() }) } },
    async (req) => layout.profiles.get((req.params as { name: string }).name),
  );
  app.put(
    '/api/v1/profiles/:name',
    {
      schema: {
        summary: 'Create or replace a profile (validated; path: message on every problem)',
        params: T.Object({ name: T.String() }),
        body: T.Object({}, { additionalProperties: true }),
      },
    },
    async (req) => layout.profiles.put(req.body, 'api', (req.params as { name: string }).name),
  );
  app.delete(
    '/api/v1/profiles/:name',
    { schema: { summary: 'Delete a profile', params: T.Object({ name: T.String() }) } },
    async (req) => {
      layout.profiles.delete((req.params as { name: string }).name);
      return { deleted: (req.params as { name: string }).name };
    },
  );

  app.post(
    '/api/v1/layout/plan',
    { schema: { summary: 'Input list + profile → layout plan, and the diff against the live console', body: Body } },
    async (req) => {
      const b = req.body as { inputs: string; profile: string; console?: string };
      return layout.plan(b.inputs, b.profile, b.console);
    },
  );

  app.post(
    '/api/v1/layout/apply',
    {
      schema: {
        summary: 'Apply a layout: write only what changes, read everything back, report every line written',
        body: Body,
      },
    },
    async (req) => {
      const b = req.body as { inputs: string; profile: string; console?: string };
      return layout.apply(b.inputs, b.profile, b.console);
    },
  );

  app.post(
    '/api/v1/session/template',
    {
      schema: {
        summary: 'DAW session template from the layout: REAPER .RPP, or the track sheet as CSV or HTML',
        body: T.Object(
          {
            inputs: T.String({ minLength: 1 }),
            profile: T.String({ minLength: 1 }),
            format: T.Optional(T.Union([T.Literal('rpp'), T.Literal('csv'), T.Literal('html')])),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (req, reply) => {
      const b = req.body as { inputs: string; profile: string; format?: 'rpp' | 'csv' | 'html' };
      const profile = layout.profiles.get(b.profile);
      const plan = planLayout(parseInputList(b.inputs), profile, { inputs: 32, nameLength: 12 });
      const fmt = b.format ?? 'rpp';
      const text =
        fmt === 'rpp'
          ? renderRpp(plan, {
              dividers: profile.daw?.dividers,
              recordArm: profile.daw?.record_arm,
              inputOffset: profile.daw?.input_offset,
            })
          : fmt === 'csv'
            ? trackSheetCsv(plan)
            : trackSheetHtml(plan);
      void reply.type(fmt === 'html' ? 'text/html' : fmt === 'csv' ? 'text/csv' : 'text/plain');
      return text;
    },
  );
}
