import { readFileSync } from 'node:fs';
import { isAbsolute, dirname, resolve } from 'node:path';
import { ValueErrorType, type ValueError } from '@sinclair/typebox/errors';
import { Value } from '@sinclair/typebox/value';
import { parseDocument } from 'yaml';
import { expandWiring } from './wiring.ts';
import { Settings } from './schema.ts';

export const DEFAULT_CONFIG_PATH = '/etc/rad/studio.yaml';

export class SettingsError extends Error {
  readonly code = 'E_SETTINGS';
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`${file}: ${problems.length} problem(s)\n${problems.join('\n')}`);
    this.name = 'SettingsError';
  }
}

/** `/consoles/0/port` -> `consoles[0].port` */
export function pointerToPath(pointer: string): string {
  if (pointer === '' || pointer === '/') return '(root)';
  let out = '';
  for (const part of pointer.split('/').slice(1)) {
    const key = part.replace(/~1/g, '/').replace(/~0/g, '~');
    out += /^\d+$/.test(key) ? `[${key}]` : out === '' ? key : `.${key}`;
  }
  return out;
}

function describe(e: ValueError): string {
  const s = e.schema as Record<string, unknown>;
  const got = JSON.stringify(e.value);
  switch (e.type) {
    case ValueErrorType.NumberMaximum:
    case ValueErrorType.IntegerMaximum:
      return `must be <= ${s.maximum} (got ${got})`;
    case ValueErrorType.NumberMinimum:
    case ValueErrorType.IntegerMinimum:
      return `must be >= ${s.minimum} (got ${got})`;
    case ValueErrorType.Integer:
      return `must be an integer (got ${got})`;
    case ValueErrorType.Number:
      return `must be a number (got ${got})`;
    case ValueErrorType.String:
      return `must be a string (got ${got})`;
    case ValueErrorType.Boolean:
      return `must be true or false (got ${got})`;
    case ValueErrorType.Array:
      return `must be a list (got ${got})`;
    case ValueErrorType.Object:
      return `must be a mapping (got ${got})`;
    case ValueErrorType.StringMinLength:
      return `must be at least ${s.minLength} characters (got ${got})`;
    case ValueErrorType.StringMaxLength:
      return `must be at most ${s.maxLength} characters (got ${got})`;
    case ValueErrorType.StringPattern:
      return `must match ${s.pattern} (got ${got})`;
    case ValueErrorType.Union: {
      const lits = ((s.anyOf as Array<Record<string, unknown>>) ?? [])
        .map((x) => x.const)
        .filter((x) => x !== undefined);
      return lits.length > 0
        ? `must be one of ${lits.map((l) => JSON.stringify(l)).join(', ')} (got ${got})`
        : `${e.message} (got ${got})`;
    }
    default:
      return `${e.message}${e.value === undefined ? '' : ` (got ${got})`}`;
  }
}

function collectProblems(value: unknown): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const e of Value.Errors(Settings, value)) {
    let line: string;
    if (e.type === ValueErrorType.ObjectAdditionalProperties) continue; // reported per key below
    if (e.type === ValueErrorType.ObjectRequiredProperty) line = `${pointerToPath(e.path)}: is required`;
    else line = `${pointerToPath(e.path)}: ${describe(e)}`;
    // a union of objects reports the same leaf twice; keep the first
    if (!seen.has(line)) {
      seen.add(line);
      problems.push(line);
    }
  }
  findUnknownKeys(Settings as unknown as Record<string, unknown>, value, '', problems);
  return problems;
}

function findUnknownKeys(schema: Record<string, unknown>, value: unknown, pointer: string, out: string[]): void {
  if (value === null || typeof value !== 'object') return;
  if (schema.type === 'array' && Array.isArray(value)) {
    const items = schema.items as Record<string, unknown> | undefined;
    if (items) for (let i = 0; i < value.length; i++) findUnknownKeys(items, value[i], `${pointer}/${i}`, out);
    return;
  }
  if (schema.type !== 'object' || Array.isArray(value)) return;
  const props = (schema.properties ?? {}) as Record<string, Record<string, unknown>>;
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    const sub = props[k];
    if (!sub) {
      if (schema.additionalProperties === false) out.push(`${pointerToPath(`${pointer}/${k}`)}: unknown key`);
      continue;
    }
    findUnknownKeys(sub, v, `${pointer}/${k}`, out);
  }
}

function semanticProblems(s: Settings): string[] {
  const problems: string[] = [];
  const ids = new Map<string, string>();
  s.consoles.forEach((c, i) => {
    const where = `consoles[${i}].id`;
    const prev = ids.get(c.id);
    if (prev) problems.push(`${where}: duplicate id ${JSON.stringify(c.id)} (also ${prev})`);
    else ids.set(c.id, where);
    if (c.midi_port !== undefined && c.family === 'x32')
      problems.push(`consoles[${i}].midi_port: an X32 speaks OSC over UDP, not MIDI; remove midi_port and set host`);
    else if (c.midi_port !== undefined && (c.host !== undefined || c.port !== undefined))
      problems.push(`consoles[${i}].midi_port: set either midi_port (USB/ALSA MIDI) or host/port (network), not both`);
    else if (c.midi_port === undefined && c.host === undefined)
      problems.push(`consoles[${i}].host: is required (or, for sq/qu, midi_port)`);
  });
  s.patchbays.forEach((p, i) => {
    const where = `patchbays[${i}]`;
    const prev = ids.get(p.id);
    if (prev) problems.push(`${where}.id: duplicate id ${JSON.stringify(p.id)} (also ${prev})`);
    else ids.set(p.id, `${where}.id`);
    if (!p.tcp === !p.serial) problems.push(`${where}: give exactly one of tcp {host, port} or serial {path, baud}`);
    if (p.protocol === 'videohub' && p.serial)
      problems.push(`${where}.serial: a Videohub is controlled over TCP 9990 only`);
    if (p.protocol === 'numato-relay') {
      if (!p.relays || p.relays.length === 0)
        problems.push(`${where}.relays: a relay patchbay needs its crosspoints ({relay, input, output} per relay)`);
      for (const [j, r] of (p.relays ?? []).entries()) {
        if (r.input > p.inputs)
          problems.push(`${where}.relays[${j}].input: must be <= inputs (${p.inputs}), got ${r.input}`);
        if (r.output > p.outputs)
          problems.push(`${where}.relays[${j}].output: must be <= outputs (${p.outputs}), got ${r.output}`);
        if (r.relay >= (p.relay_count ?? 32))
          problems.push(
            `${where}.relays[${j}].relay: the board has ${p.relay_count} relays (0..${(p.relay_count ?? 32) - 1})`,
          );
      }
    }
  });
  try {
    expandWiring(s.wiring);
    const bays = new Map(s.bays.map((b) => [b.id, b]));
    const pbs = new Map(s.patchbays.map((p) => [p.id, p]));
    const consoles = new Set(s.consoles.map((c) => c.id));
    const reported = new Set<string>();
    const check = (end: string, where: string) => {
      const m = /^([^:]+):([a-z]+):(\d+)$/.exec(end);
      if (!m) return;
      const [, dev, side, nStr] = m as unknown as [string, string, string, string];
      const n = Number(nStr);
      let problem: string | undefined;
      if (dev === 'iface' && (side === 'in' || side === 'out')) {
        // without an audio section the interface is only wiring to trace, with no port count to check
        if (s.audio && n > (side === 'in' ? s.audio.inputs : s.audio.outputs))
          problem = `${end}: the audio interface has ${side === 'in' ? s.audio.inputs : s.audio.outputs} ${side === 'in' ? 'inputs' : 'outputs'} (audio.${side === 'in' ? 'inputs' : 'outputs'})`;
      } else if (side === 'top' || side === 'bottom') {
        const b = bays.get(dev);
        if (!b) problem = `${end}: no bay ${JSON.stringify(dev)} (bays: ${[...bays.keys()].join(', ') || 'none'})`;
        else if (n > b.points) problem = `${end}: bay ${dev} has ${b.points} points`;
      } else if (pbs.has(dev) && (side === 'in' || side === 'out')) {
        const p = pbs.get(dev)!;
        const max = side === 'in' ? p.inputs : p.outputs;
        if (n > max) problem = `${end}: patchbay ${dev} has ${max} ${side === 'in' ? 'inputs' : 'outputs'}`;
      }
      if (problem && !reported.has(problem)) {
        reported.add(problem);
        problems.push(`${where}: ${problem}`);
      }
    };
    s.wiring.forEach((w, i) => {
      for (const e of expandWiring([w])) {
        check(e.from, `wiring[${i}].from`);
        check(e.to, `wiring[${i}].to`);
      }
    });
    // the patch plan: each console input it names must be a configured console's
    s.linecheck.plan.forEach((p, i) => {
      const dev = /^([^:]+):in:/.exec(p.input)?.[1];
      if (dev && !consoles.has(dev) && !pbs.has(dev))
        problems.push(
          `linecheck.plan[${i}].input: ${p.input}: no console ${JSON.stringify(dev)} (consoles: ${[...consoles].join(', ') || 'none'})`,
        );
    });
  } catch (e) {
    problems.push(`wiring: ${(e as Error).message}`);
  }
  if (s.backup.schedule && !s.backup.target)
    problems.push('backup.target: needed with backup.schedule (a folder, or an rsync destination user@host:path)');
  if (s.mqtt) {
    const m = s.mqtt;
    if (m.password && m.password_file)
      problems.push('mqtt.password_file: give mqtt.password or mqtt.password_file, not both');
    if (Boolean(m.cert) !== Boolean(m.key))
      problems.push('mqtt.cert: a client certificate needs both mqtt.cert and mqtt.key');
  }
  if (s.audio) {
    const a = s.audio;
    if (a.backend === 'sim' && !s.sim.enabled)
      problems.push(
        'audio.backend: "sim" needs sim.enabled: true (the simulated audio loop runs with the simulated studio)',
      );
    let w = a.window;
    for (const f of [2, 3, 5]) while (w % f === 0) w /= f;
    if (w !== 1 || a.window % 32 !== 0)
      problems.push(`audio.window: ${a.window} must be a multiple of 32 with prime factors 2, 3, 5 only (e.g. 4800)`);
    if (a.window % a.block !== 0)
      problems.push(`audio.window: must be a multiple of audio.block (${a.block}), got ${a.window}`);
  }
  return problems;
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** Applies RAD_DATA_DIR, RAD_API_BIND, RAD_API_PORT, RAD_API_TOKEN on top of the file. */
export function applyEnv(raw: Record<string, unknown>, env: NodeJS.ProcessEnv): void {
  const api = (raw.api && typeof raw.api === 'object' ? raw.api : (raw.api = {})) as Record<string, unknown>;
  if (env.RAD_DATA_DIR) raw.data_dir = env.RAD_DATA_DIR;
  if (env.RAD_API_BIND) api.bind = env.RAD_API_BIND;
  if (env.RAD_API_PORT) api.port = /^\d+$/.test(env.RAD_API_PORT) ? Number(env.RAD_API_PORT) : env.RAD_API_PORT;
  if (env.RAD_API_TOKEN) api.token = env.RAD_API_TOKEN;
}

/** Validates a parsed settings object; throws SettingsError with every problem as `path: message`. */
export function validateSettings(raw: unknown, file = '(settings)', env: NodeJS.ProcessEnv = {}): Settings {
  if (raw === null || raw === undefined) raw = {};
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new SettingsError(file, ['(root): must be a mapping']);
  const copy = structuredClone(raw) as Record<string, unknown>;
  applyEnv(copy, env);
  const withDefaults = Value.Default(Settings, copy);
  const problems = collectProblems(withDefaults);
  if (problems.length > 0) {
    // every problem in one pass: the cross-checks too, as far as the broken values let them run
    try {
      problems.push(...semanticProblems(withDefaults as Settings).filter((p) => !problems.includes(p)));
    } catch {
      // a value of the wrong type stops the cross-checks; the schema problems above name it
    }
    throw new SettingsError(file, problems);
  }
  const settings = withDefaults as Settings;
  const sem = semanticProblems(settings);
  if (sem.length > 0) throw new SettingsError(file, sem);
  return settings;
}

/** Reads and validates a YAML settings file. Relative data_dir is resolved against the file's folder. */
export function loadSettings(file: string, env: NodeJS.ProcessEnv = process.env): Settings {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new SettingsError(file, [`(file): cannot read (${err.code ?? err.message})`]);
  }
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new SettingsError(
      file,
      doc.errors.map((e) => {
        const pos = e.linePos?.[0];
        return `${pos ? `line ${pos.line} col ${pos.col}` : '(yaml)'}: ${e.message.split('\n')[0]}`;
      }),
    );
  }
  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: 1000 });
  } catch (e) {
    // an alias bomb, or nesting deeper than the parser's stack
    throw new SettingsError(file, [`(yaml): ${(e as Error).message.split('\n')[0]}`]);
  }
  if (raw === null || raw === undefined)
    throw new SettingsError(file, [
      '(root): the file is empty; a studio needs at least one of consoles, patchbays or audio (see config/studio.yaml)',
    ]);
  const settings = validateSettings(raw, file, env);
  if (!isAbsolute(settings.data_dir)) settings.data_dir = resolve(dirname(resolve(file)), settings.data_dir);
  const m = settings.mqtt;
  if (m)
    for (const k of ['password_file', 'ca', 'cert', 'key'] as const) {
      const v = m[k];
      if (v && !isAbsolute(v)) m[k] = resolve(dirname(resolve(file)), v);
    }
  if (settings.profiles_dir && !isAbsolute(settings.profiles_dir))
    settings.profiles_dir = resolve(dirname(resolve(file)), settings.profiles_dir);
  return settings;
}

/** `--config`, else $RAD_CONFIG, else /etc/rad/studio.yaml. Never silently the simulated studio. */
export function resolveConfigPath(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return flag ?? env.RAD_CONFIG ?? DEFAULT_CONFIG_PATH;
}
