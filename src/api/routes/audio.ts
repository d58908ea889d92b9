import { Type as T } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { Value } from '@sinclair/typebox/value';
import { badRequest, RadError, unavailable } from '../../core/errors.ts';
import type { AudioFeature } from '../../dsp/feature.ts';
import type { SignalSpec } from '../../dsp/generators.ts';
import type { MeasureSpec } from '../../dsp/engine/protocol.ts';
import { listJackDevices } from '../../drivers/audio/jack.ts';
import { listDevices } from '../../drivers/audio/portaudio.ts';
import type { Settings } from '../../settings/schema.ts';

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
    throw badRequest(
      'E_SIGNAL',
      `signal.kind must be one of sine, multitone, white, pink, sweep, ident (got ${JSON.stringify(kind)})`,
      { kind },
    );
  const first = Value.Errors(branch, raw).First();
  if (first) {
    const where = first.path.replace(/\//g, '.').replace(/^\./, '');
    throw badRequest(
      'E_SIGNAL',
      `signal${where ? `.${where}` : ''}: ${first.message} (got ${JSON.stringify(first.value)})`,
      { path: where },
    );
  }
  return raw as SignalSpec;
}

export function audioRoutes(app: FastifyInstance, f: AudioFeature, settings: Settings): void {
  const engine = () => {
    if (!f.engine) throw unavailable('E_NO_AUDIO', 'no audio interface configured (settings: audio)');
    return f.engine;
  };

  app.get('/api/v1/audio', { schema: { summary: 'Audio engine status, channels and what is playing' } }, async () => {
    const e = engine();
    return {
      ...e.status(),
      ...e.describe(),
      inputs: e.config.inputs,
      outputs: e.config.outputs,
      alignment_dbfs: settings.audio?.alignment_dbfs,
      playing: e.playingNow(),
    };
  });

  app.get(
    '/api/v1/audio/devices',
    {
      schema: {
        summary:
          'Audio devices the configured backend can open: PortAudio devices, or JACK clients with audio ports (503 with the reason when the backend is unavailable)',
      },
    },
    async () => {
      try {
        if (settings.audio?.backend === 'jack') return { backend: 'jack', devices: listJackDevices() };
        return { backend: 'portaudio', devices: listDevices() };
      } catch (e) {
        throw new RadError('E_AUDIO_UNAVAILABLE', (e as Error).message, { httpStatus: 503 });
      }
    },
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
      },
    },
    async (req) => {
      const { output } = req.params as { output: number };
      const signal = parseSignal((req.body as { signal: unknown }).signal);
      engine().play(output, signal);
      return { output, playing: signal };
    },
  );

  app.delete(
    '/api/v1/audio/outputs/:output',
    { schema: { summary: 'Stop the signal on an output (short ramp, no click)', params: Output } },
    async (req) => {
      const { output } = req.params as { output: number };
      engine().play(output, null);
      return { output, playing: null };
    },
  );

  app.delete('/api/v1/audio/outputs', { schema: { summary: 'Stop every output' } }, async () => {
    engine().stopAll();
    return { playing: [] };
  });

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
      },
    },
    async (req) => ({ measurements: await engine().measure(req.body as MeasureSpec) }),
  );

  app.get(
    '/api/v1/audio/meters',
    { schema: { summary: 'Latest input meters (AES17 RMS and sample peak, dBFS)' } },
    async () => ({ meters: engine().lastMeters ?? null }),
  );

  app.put(
    '/api/v1/audio/tuner',
    {
      schema: {
        summary: 'Tune from an input (readings on WS topic audio.tuner); null switches the tuner off',
        body: T.Object({ input: T.Union([T.Integer({ minimum: 1 }), T.Null()]) }, { additionalProperties: false }),
      },
    },
    async (req) => {
      const { input } = req.body as { input: number | null };
      engine().tuner(input);
      return { input };
    },
  );
}
