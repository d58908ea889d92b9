import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type as T } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { fail } from '../../core/errors.ts';
import type { SignalSpec } from '../../dsp/generators.ts';
import type { MeasureSpec } from '../../dsp/engine/protocol.ts';
import { listAudioDevices } from '../../dsp/engine/devices.ts';
import { Open, replies } from '../schemas.ts';
import type { ApiServices } from '../services.ts';

const Level = T.Number({ minimum: -120, maximum: 0, description: 'AES17 dBFS (a full-scale sine is 0 dBFS)' });
const Freq = T.Number({ exclusiveMinimum: 0, maximum: 48000 });
export const SignalSchema = T.Union([
  T.Object(
    { kind: T.Literal('sine'), freq: Freq, level_dbfs: Level, phase: T.Optional(T.Number()) },
    { additionalProperties: false },
  ),
  T.Object(
    {
      kind: T.Literal('multitone'),
      tones: T.Array(
        T.Object({ freq: Freq, level_dbfs: Level, phase: T.Optional(T.Number()) }, { additionalProperties: false }),
        { minItems: 1, maxItems: 256 },
      ),
    },
    { additionalProperties: false },
  ),
  T.Object(
    { kind: T.Union([T.Literal('white'), T.Literal('pink')]), level_dbfs: Level, seed: T.Optional(T.Integer()) },
    { additionalProperties: false },
  ),
  T.Object(
    {
      kind: T.Literal('sweep'),
      f1: Freq,
      f2: Freq,
      seconds: T.Number({ exclusiveMinimum: 0, maximum: 60 }),
      level_dbfs: Level,
      gap_seconds: T.Optional(T.Number({ minimum: 0, maximum: 60 })),
    },
    { additionalProperties: false },
  ),
  T.Object(
    {
      kind: T.Literal('ident'),
      pattern: T.Union([T.Literal('glits'), T.Literal('ebu')]),
      leg: T.Union([T.Literal('left'), T.Literal('right')]),
      freq: T.Optional(Freq),
      level_dbfs: Level,
    },
    { additionalProperties: false },
  ),
]);

const Output = T.Object({ output: T.Integer({ minimum: 1 }) });

/** Validates a signal against the schema of its own kind, so the error names one problem. */
export function parseSignal(raw: unknown): SignalSpec {
  const kind = (raw as { kind?: unknown } | null)?.kind;
  const branch = SignalSchema.anyOf.find((b) => {
    const k = b.properties.kind as { const?: string; anyOf?: Array<{ const: string }> };
    return k.const === kind || k.anyOf?.some((x) => x.const === kind);
  });
  if (!branch)
    throw fail(
      'E_SIGNAL',
      `signal.kind must be one of sine, multitone, white, pink, sweep, ident (got ${JSON.stringify(kind)})`,
      { kind },
    );
  const first = Value.Errors(branch, raw).First();
  if (first) {
    const where = first.path.replace(/\//g, '.').replace(/^\./, '');
    throw fail('E_SIGNAL', `signal${where ? `.${where}` : ''}: ${first.message} (got ${JSON.stringify(first.value)})`, {
      path: where,
    });
  }
  return raw as SignalSpec;
}

const Playing = T.Object({ output: T.Integer(), playing: T.Unknown() });

export const audioRoutes: FastifyPluginAsyncTypebox<{ services: ApiServices }> = async (app, { services }) => {
  const audio = services.audio;
  const engine = () => {
    if (!audio.engine) throw fail('E_NO_AUDIO', 'no audio interface configured (settings: audio)');
    return audio.engine;
  };

  app.get(
    '/api/v1/audio',
    {
      schema: {
        summary: 'Audio engine status, channels and what is playing',
        response: replies(Open({ state: T.String(), inputs: T.Integer(), outputs: T.Integer() })),
      },
    },
    async () => {
      const e = engine();
      return {
        ...e.status(),
        ...e.describe(),
        inputs: e.config.inputs,
        outputs: e.config.outputs,
        alignment_dbfs: audio.alignmentDbfs,
        playing: e.playingNow(),
      };
    },
  );

  app.get(
    '/api/v1/audio/devices',
    {
      schema: {
        summary:
          'Audio devices the configured backend can open: PortAudio devices, or JACK clients with audio ports (503 with the reason when the backend is unavailable)',
        response: replies(T.Object({ backend: T.String(), devices: T.Array(Open({ name: T.String() })) })),
      },
    },
    async () => listAudioDevices(audio.backend),
  );

  app.put(
    '/api/v1/audio/outputs/:output',
    {
      schema: {
        summary:
          'Play a signal on an output (sine, multitone, pink/white noise, sweep, stereo ident); levels above 0 dBFS are refused',
        params: Output,
        body: T.Object(
          {
            signal: T.Object(
              { kind: T.String() },
              { additionalProperties: true, description: 'one of the SignalSpec shapes, by kind' },
            ),
          },
          { additionalProperties: false },
        ),
        response: replies(Playing),
      },
    },
    async (req) => {
      const { output } = req.params;
      const signal = parseSignal(req.body.signal);
      await engine().whenOnline(); // a tone asked for while the engine starts waits for it
      engine().play(output, signal);
      return { output, playing: signal };
    },
  );

  app.delete(
    '/api/v1/audio/outputs/:output',
    {
      schema: {
        summary: 'Stop the signal on an output (short ramp, no click)',
        params: Output,
        response: replies(Playing),
      },
    },
    async (req) => {
      const { output } = req.params;
      engine().play(output, null);
      return { output, playing: null };
    },
  );

  app.delete(
    '/api/v1/audio/outputs',
    { schema: { summary: 'Stop every output', response: replies(T.Object({ playing: T.Array(T.Unknown()) })) } },
    async () => {
      engine().stopAll();
      return { playing: [] };
    },
  );

  app.post(
    '/api/v1/audio/measure',
    {
      schema: {
        summary:
          'One-shot measurement of inputs: level, peak, DC, clipping, tones, noise floor, hum; latency and polarity against a reference output',
        body: T.Object(
          {
            channels: T.Array(T.Integer({ minimum: 1 }), { minItems: 1, maxItems: 128 }),
            freqs: T.Optional(T.Array(Freq, { maxItems: 256 })),
            settleMs: T.Optional(T.Number({ minimum: 0, maximum: 10000 })),
            windows: T.Optional(T.Integer({ minimum: 1, maximum: 20 })),
            reference: T.Optional(
              T.Object(
                {
                  output: T.Integer({ minimum: 1 }),
                  maxLagSamples: T.Optional(T.Integer({ minimum: 1, maximum: 32768 })),
                },
                { additionalProperties: false },
              ),
            ),
          },
          { additionalProperties: false },
        ),
        response: replies(T.Object({ measurements: T.Array(Open({ channel: T.Integer() })) })),
      },
    },
    async (req) => ({ measurements: await engine().measure(req.body as MeasureSpec) }),
  );

  app.get(
    '/api/v1/audio/meters',
    {
      schema: {
        summary: 'Latest input meters (AES17 RMS and sample peak, dBFS)',
        response: replies(T.Object({ meters: T.Unknown() })),
      },
    },
    async () => ({ meters: (await engine().currentMeters()) ?? null }),
  );

  app.put(
    '/api/v1/audio/tuner',
    {
      schema: {
        summary:
          'Tune from an input, or several at once (inputs: up to 8); readings on WS topic audio.tuner; null or [] switches the tuner off',
        body: T.Object(
          {
            input: T.Optional(T.Union([T.Integer({ minimum: 1 }), T.Null()])),
            inputs: T.Optional(T.Array(T.Integer({ minimum: 1 }), { maxItems: 8 })),
          },
          { additionalProperties: false },
        ),
        response: replies(T.Object({ input: T.Union([T.Integer(), T.Null()]), inputs: T.Array(T.Integer()) })),
      },
    },
    async (req) => {
      const list = req.body.inputs ?? (req.body.input == null ? [] : [req.body.input]);
      engine().tuner(list);
      return { input: list[0] ?? null, inputs: list };
    },
  );
};
