import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type as T } from '@sinclair/typebox';
import { renderRpp } from '../../session/rpp.ts';
import { trackSheetCsv, trackSheetHtml } from '../../session/tracksheet.ts';
import { Open, replies, Text } from '../schemas.ts';
import type { ApiServices } from '../services.ts';

const Body = T.Object(
  {
    inputs: T.String({
      minLength: 1,
      maxLength: 512 * 1024,
      description: 'the input list: CSV with a header, or one source per line',
    }),
    profile: T.String({ minLength: 1 }),
    console: T.Optional(
      T.String({ minLength: 1, description: 'console id (default: the first); the plan uses its capabilities' }),
    ),
  },
  { additionalProperties: false },
);
const Plan = Open({
  channels: T.Array(Open({ channel: T.Integer(), name: T.String(), role: T.String() })),
  warnings: T.Array(T.String()),
});
const Profile = Open({ name: T.String() });

export const layoutRoutes: FastifyPluginAsyncTypebox<{ services: ApiServices }> = async (app, { services }) => {
  const layout = services.layout;
  app.get(
    '/api/v1/profiles',
    {
      schema: {
        summary: 'Engineer profiles',
        response: replies(
          T.Object({
            profiles: T.Array(
              Open({
                name: T.String(),
                origin: T.String(),
                updated_at: T.String(),
                description: T.Optional(T.String()),
              }),
            ),
          }),
        ),
      },
    },
    async () => ({ profiles: layout.profiles.list() }),
  );
  app.get(
    '/api/v1/profiles/:name',
    { schema: { summary: 'One profile', params: T.Object({ name: T.String() }), response: replies(Profile) } },
    async (req) => layout.profiles.get(req.params.name),
  );
  app.put(
    '/api/v1/profiles/:name',
    {
      schema: {
        summary: 'Create or replace a profile (validated; path: message on every problem)',
        params: T.Object({ name: T.String() }),
        body: T.Object({}, { additionalProperties: true }),
        response: replies(Profile),
      },
    },
    async (req) => layout.profiles.put(req.body, 'api', req.params.name),
  );
  app.delete(
    '/api/v1/profiles/:name',
    {
      schema: {
        summary: 'Delete a profile',
        params: T.Object({ name: T.String() }),
        response: replies(T.Object({ deleted: T.String() })),
      },
    },
    async (req) => {
      layout.profiles.delete(req.params.name);
      return { deleted: req.params.name };
    },
  );

  app.post(
    '/api/v1/layout/plan',
    {
      schema: {
        summary:
          "Input list + profile → layout plan for the console's capabilities, and the diff against the live console",
        body: Body,
        response: replies(Open({ plan: Plan, diff: T.Optional(Open({ console: T.String() })) })),
      },
    },
    async (req) => layout.plan(req.body.inputs, req.body.profile, req.body.console),
  );

  const Cues = Open({
    cues: T.Array(Open({ name: T.String(), bus: T.Integer() })),
    missing: T.Array(Open({ cue: T.String(), key: T.String() })),
  });
  app.post(
    '/api/v1/cues/plan',
    {
      schema: {
        summary:
          "The profile's cue mixes (per musician: their aux bus and what they hear) over this input list, and the diff against the live console",
        body: Body,
        response: replies(Open({ cues: Cues })),
      },
    },
    async (req) => layout.cues(req.body.inputs, req.body.profile, req.body.console),
  );
  app.post(
    '/api/v1/cues/apply',
    {
      schema: {
        summary:
          'Write the cue mixes (bus names, every send level; −∞ for what a musician does not hear) and read them back; refused with E_CUE_ROLE_MISSING when a mix names a role the list lacks, unless forced',
        body: T.Object(
          {
            ...Body.properties,
            force: T.Optional(T.Boolean({ description: 'apply even when a mix names a role the input list lacks' })),
          },
          { additionalProperties: false },
        ),
        response: replies(Open({ cues: Cues, report: Open({ ok: T.Boolean() }) })),
      },
    },
    async (req) =>
      layout.applyCues(req.body.inputs, req.body.profile, { console: req.body.console, force: req.body.force }),
  );

  app.post(
    '/api/v1/layout/apply',
    {
      schema: {
        summary: 'Apply a layout: write only what changes, read everything back, report every line written',
        body: Body,
        response: replies(Open({ plan: Plan, report: Open({ console: T.String(), ok: T.Boolean() }) })),
      },
    },
    async (req) => layout.apply(req.body.inputs, req.body.profile, req.body.console),
  );

  app.post(
    '/api/v1/session/template',
    {
      schema: {
        summary:
          "DAW session template from the layout, planned for the console's capabilities: REAPER .RPP, or the track sheet as CSV or HTML",
        body: T.Object(
          {
            inputs: T.String({ minLength: 1, maxLength: 512 * 1024 }),
            profile: T.String({ minLength: 1 }),
            console: T.Optional(T.String({ minLength: 1 })),
            format: T.Optional(T.Union([T.Literal('rpp'), T.Literal('csv'), T.Literal('html')])),
          },
          { additionalProperties: false },
        ),
        response: replies(Text),
      },
    },
    async (req, reply) => {
      const b = req.body;
      const { plan, profile } = layout.template(b.inputs, b.profile, b.console);
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
};
