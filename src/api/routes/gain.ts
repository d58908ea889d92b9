import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type as T } from '@sinclair/typebox';
import { fail } from '../../core/errors.ts';
import { Open, replies } from '../schemas.ts';
import type { ApiServices } from '../services.ts';

const Inputs = T.Optional(
  T.Array(T.Integer({ minimum: 1, maximum: 128 }), { minItems: 1, maxItems: 128, description: 'console inputs' }),
);
const Listen = Open({ console: T.String(), inputs: T.Array(Open({ input: T.Integer() })) });

/** Gain staging from the sound check, and the simulated band that plays for it. */
export const gainRoutes: FastifyPluginAsyncTypebox<{ services: ApiServices }> = async (app, { services }) => {
  app.post(
    '/api/v1/gain/listen',
    {
      schema: {
        summary:
          "Listen to the band for `seconds`: each input's peak, loudest 3 s and crest factor, and the preamp gain that lands its peaks on the target (gain.target_peak_dbfs); inputs that clipped or never played are flagged",
        body: T.Object(
          {
            console: T.Optional(T.String({ minLength: 1 })),
            seconds: T.Optional(T.Number({ minimum: 1, maximum: 600 })),
            inputs: Inputs,
            target_peak_dbfs: T.Optional(T.Number()),
          },
          { additionalProperties: false },
        ),
        response: replies(Listen),
      },
    },
    async (req) =>
      services.gain.listen({
        console: req.body.console,
        seconds: req.body.seconds,
        inputs: req.body.inputs,
        target: req.body.target_peak_dbfs,
      }),
  );

  app.post(
    '/api/v1/gain/apply',
    {
      schema: {
        summary:
          "Move each input's preamp gain to the last listen's proposal in steps of at most gain.step_db (nothing muted), then listen again and report where each landed",
        body: T.Object(
          {
            console: T.Optional(T.String({ minLength: 1 })),
            seconds: T.Optional(T.Number({ minimum: 1, maximum: 600 })),
            inputs: Inputs,
          },
          { additionalProperties: false },
        ),
        response: replies(
          Open({ ok: T.Boolean(), steps: T.Integer(), results: T.Array(Open({ input: T.Integer() })) }),
        ),
      },
    },
    async (req) =>
      services.gain.apply({ console: req.body.console, seconds: req.body.seconds, inputs: req.body.inputs }),
  );

  app.get(
    '/api/v1/gain',
    {
      schema: {
        summary: 'The last listen (with its proposals) and the last apply',
        response: replies(T.Object({ listen: T.Union([Open({}), T.Null()]), apply: T.Union([Open({}), T.Null()]) })),
      },
    },
    async () => services.gain.last(),
  );

  const sim = () => {
    if (!services.sim)
      throw fail('E_NO_SIM', 'the studio is real hardware (sim.enabled is false): there is no simulated band', {});
    return services.sim;
  };
  const Band = T.Object({ playing: T.Boolean(), players: T.Integer() });
  app.get(
    '/api/v1/sim/band',
    { schema: { summary: 'The simulated band (settings sim.band): whether it plays', response: replies(Band) } },
    async () => sim().band(),
  );
  app.put(
    '/api/v1/sim/band',
    {
      schema: {
        summary: 'Start or stop the simulated band (for a sound check on the simulated studio)',
        body: T.Object({ playing: T.Boolean() }, { additionalProperties: false }),
        response: replies(Band),
      },
    },
    async (req) => sim().setBand(req.body.playing),
  );
};
