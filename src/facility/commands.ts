import { type TSchema, Type as T } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { fail } from '../core/errors.ts';
import type { MQTT_VERBS } from '../settings/schema.ts';

export type MqttVerb = (typeof MQTT_VERBS)[number];
export type CommandHandlers = Record<MqttVerb, (args: Record<string, unknown>, actor: string) => Promise<unknown>>;

/** What the commands may do, as narrow interfaces of the services (wired in app.ts). */
export type CommandServices = {
  linecheck: { start(opts: { paths?: string[]; target?: 'inputs' | 'outputs' }): { id: string } };
  snapshots: { take(label: string, note?: string): Promise<{ id: string; label: string }> };
  recallScene(console: string | undefined, scene: number, actor: string): Promise<unknown>;
  toneOff(): Promise<{ outputs: number }>;
};

const ARGS = {
  linecheck: T.Object(
    {
      paths: T.Optional(T.Array(T.String({ minLength: 1 }), { maxItems: 1024 })),
      target: T.Optional(T.Union([T.Literal('inputs'), T.Literal('outputs')])),
    },
    { additionalProperties: false },
  ),
  snapshot: T.Object(
    { label: T.Optional(T.String({ minLength: 1, maxLength: 100 })), note: T.Optional(T.String({ maxLength: 1000 })) },
    { additionalProperties: false },
  ),
  'scene-recall': T.Object(
    { number: T.Integer({ minimum: 0, maximum: 300 }), console: T.Optional(T.String({ minLength: 1 })) },
    { additionalProperties: false },
  ),
  'tone-off': T.Object({}, { additionalProperties: false }),
} satisfies Record<MqttVerb, TSchema>;

function check<S extends TSchema>(verb: MqttVerb, schema: S, args: Record<string, unknown>): void {
  const first = Value.Errors(schema, args).First();
  if (first)
    throw fail('E_MQTT_BAD_ARGS', `${verb}: args${first.path.replace(/\//g, '.')}: ${first.message}`, {
      path: first.path,
      value: first.value,
    });
}

/** The verbs a room takes over MQTT: start a line check, take a snapshot, recall a scene, tone off all. */
export function commandHandlers(s: CommandServices): CommandHandlers {
  return {
    linecheck: async (args) => {
      check('linecheck', ARGS.linecheck, args);
      const { id } = s.linecheck.start(args as { paths?: string[]; target?: 'inputs' | 'outputs' });
      return { run: id };
    },
    snapshot: async (args, actor) => {
      check('snapshot', ARGS.snapshot, args);
      const a = args as { label?: string; note?: string };
      const snap = await s.snapshots.take(a.label ?? `${actor} ${new Date().toISOString().slice(0, 16)}`, a.note);
      return { snapshot: snap.id, label: snap.label };
    },
    'scene-recall': async (args, actor) => {
      check('scene-recall', ARGS['scene-recall'], args);
      const a = args as { number: number; console?: string };
      return s.recallScene(a.console, a.number, actor);
    },
    'tone-off': async (args) => {
      check('tone-off', ARGS['tone-off'], args);
      return s.toneOff();
    },
  };
}
