// A hostile caller with the token, against the studio as shipped (config/studio.yaml, simulated):
// seeded requests over every operation of the daemon's own OpenAPI document, bodies and
// parameters built from each route's schema and bent (wrong types, paths into /proc, /sys, a
// decoy tree, a symlink out of the media folder, 300-character names, deep nesting). No request
// may get a 500, no file outside the roots may change, and the daemon must be healthy at the end.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { type RadProcess, readyUrl, ROOT, runRad, tempDir, writeConfig } from '../helpers.ts';

const REQUESTS = Number(process.env.RAD_FUZZ_REQUESTS ?? 3000);

/** mulberry32: a small seeded PRNG, so a failure can be replayed from its seed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Schema = {
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
  enum?: unknown[];
  const?: unknown;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  additionalProperties?: boolean | Schema;
};
type Operation = {
  parameters?: Array<{ in: string; name: string; required?: boolean; schema?: Schema }>;
  requestBody?: { content?: Record<string, { schema?: Schema }> };
};

function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out[p] = createHash('sha256').update(readFileSync(p)).digest('hex') + statSync(p).mtimeMs;
    }
  };
  walk(dir);
  return out;
}

describe('fuzz: every route, bent inputs', () => {
  let daemon: RadProcess;
  let url: string;
  let token: string;
  const dir = tempDir('rad-fuzz-');
  const data = join(dir, 'data');
  const media = join(dir, 'media');
  const decoy = join(dir, 'decoy');
  let before: Record<string, string>;
  let rootListing: string[];

  beforeAll(async () => {
    mkdirSync(media, { recursive: true });
    mkdirSync(join(decoy, 'sub'), { recursive: true });
    writeFileSync(join(decoy, 'victim.conf'), 'precious = true\n');
    writeFileSync(join(decoy, 'sub', 'take.wav'), 'RIFF not really');
    writeFileSync(join(decoy, 'manifest.json'), '{"mine":true}\n');
    symlinkSync(decoy, join(media, 'escape'));
    before = tree(decoy);
    rootListing = readdirSync(ROOT).sort();
    // the shipped studio, with its folders moved into this test's temp dir and free ports
    const s = parse(readFileSync(join(ROOT, 'config/studio.yaml'), 'utf8'));
    s.data_dir = data;
    s.api = { ...s.api, port: 0, writes_per_minute: 0 };
    s.paths = { media: [media] };
    for (const c of s.consoles ?? []) if (c.port !== undefined) c.port = 0;
    for (const p of s.patchbays ?? []) {
      if (p.tcp) p.tcp.port = 0;
      if (p.serial) p.serial.path = join(dir, `tty-${p.id}`);
    }
    // PATH without Chromium: a mix book body the fuzzer gets right must not start a browser each time
    daemon = runRad(['start', '--config', writeConfig(dir, s)], { PATH: join(dir, 'no-bin') });
    url = await readyUrl(daemon, 30000);
    token = readFileSync(join(data, 'token'), 'utf8').trim();
  }, 60000);

  afterAll(async () => {
    daemon?.child.kill('SIGTERM');
    await daemon?.exit;
  });

  it(`${REQUESTS} requests: no 500, nothing outside the roots touched, healthy at the end`, async () => {
    const doc = (await (await fetch(`${url}/api/docs/json`)).json()) as {
      paths: Record<string, Record<string, Operation>>;
    };
    const ops = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => ({ path, method: method.toUpperCase(), op })),
    );
    // the event stream is a WebSocket (its own tests); the rest is fair game
    const targets = ops.filter((o) => o.path !== '/api/v1/events');
    expect(targets.length).toBeGreaterThan(50);

    const seed = Number(process.env.RAD_FUZZ_SEED ?? 20261202);
    const rand = rng(seed);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
    const attacks = [
      '/proc/self/environ',
      '/proc/1/mem',
      '/sys/kernel/notes',
      '/etc/passwd',
      join(decoy, 'victim.conf'),
      join(decoy, 'sub'),
      decoy,
      join(media, 'escape', 'victim.conf'),
      join(media, 'escape', 'sub', 'take.wav'),
      'escape/victim.conf',
      '../../../../etc/shadow',
      '../decoy/victim.conf',
      'x'.repeat(300),
      `${'n'.repeat(300)}/x.wav`,
      '',
      ' ',
      'a\u0000b',
      '%2e%2e/%2e%2e/etc/passwd',
      'ÿ😀\u202e',
      'CON',
      'take.wav',
      join(media, 'new.wav'),
    ];
    const ids = ['x32-main', 'sw-a', 'sw-b', 'hub', 'relays', 'bay-a', '1', '0', '-1', 'nope', 'x'.repeat(300), '..'];

    const gen = (s: Schema | undefined, depth: number): unknown => {
      if (!s) return pick([null, 1, 'x', true, {}, []]);
      if (rand() < 0.06) return pick([null, 42, -1, 1e308, 'str', true, [], {}, pick(attacks)]); // a wrong type
      if (s.const !== undefined) return s.const;
      if (s.enum) return pick(s.enum);
      const alt = s.anyOf ?? s.oneOf;
      if (alt) return gen(pick(alt), depth);
      const type = Array.isArray(s.type) ? pick(s.type) : s.type;
      switch (type) {
        case 'string':
          if (rand() < 0.35) return pick(attacks);
          return pick(['Kick In', 'input/1/fader', 'lr/mute', 'a', 'snapshot 1', 'rock-standard', 'sine', 'A-1', 'v1']);
        case 'integer':
        case 'number': {
          if (rand() < 0.2) return pick([-1e9, 1e9, 0, -0.5, 2 ** 53]);
          const lo = s.minimum ?? -10;
          const hi = s.maximum ?? Math.max(lo + 10, 64);
          const v = lo + rand() * (hi - lo);
          return type === 'integer' ? Math.round(v) : v;
        }
        case 'boolean':
          return rand() < 0.5;
        case 'null':
          return null;
        case 'array': {
          if (depth > 4) return [];
          const n = Math.min(s.maxItems ?? 4, (s.minItems ?? 0) + Math.floor(rand() * 4));
          return Array.from({ length: n }, () => gen(s.items, depth + 1));
        }
        default: {
          if (depth > 4) return {};
          const o: Record<string, unknown> = {};
          for (const [k, v] of Object.entries(s.properties ?? {}))
            if (s.required?.includes(k) || rand() < 0.5) o[k] = gen(v, depth + 1);
          if (rand() < 0.05) o[pick(['extra', '__proto__', 'constructor'])] = 1;
          return o;
        }
      }
    };

    const counts = new Map<number, number>();
    const fivexx: string[] = [];
    const notJson: string[] = [];
    const hung: string[] = [];
    const slow: string[] = [];
    for (let i = 0; i < REQUESTS; i++) {
      const { path, method, op } = targets[i % targets.length]!;
      const query = new URLSearchParams();
      let p = path;
      for (const prm of op.parameters ?? []) {
        const v = prm.in === 'path' && rand() < 0.6 ? pick(ids) : String(gen(prm.schema, 1) ?? '');
        if (prm.in === 'path') p = p.replace(`{${prm.name}}`, encodeURIComponent(v));
        else if (prm.in === 'query' && (prm.required || rand() < 0.6)) query.set(prm.name, v);
      }
      const schema = op.requestBody?.content?.['application/json']?.schema;
      let body: string | undefined;
      if (schema || (method !== 'GET' && method !== 'DELETE' && rand() < 0.3)) {
        const r = rand();
        body =
          r < 0.03
            ? `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`
            : r < 0.05
              ? '{"broken": '
              : r < 0.07
                ? JSON.stringify('x'.repeat(2_000_000))
                : JSON.stringify(gen(schema, 0));
      }
      const qs = query.toString();
      const t0 = Date.now();
      let res: Response;
      let text: string;
      try {
        res = await fetch(`${url}${p}${qs ? `?${qs}` : ''}`, {
          method,
          headers: {
            authorization: `Bearer ${token}`,
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          },
          body,
          // a gain listen answers after listening (`seconds`, 30 by default; an apply listens
          // twice): that is its contract, not a hang
          signal: AbortSignal.timeout(/\/gain\/(listen|apply)$/.test(path) ? 120000 : 15000),
        });
        text = await res.text();
      } catch (e) {
        hung.push(`#${i} ${method} ${p}?${qs} ${body?.slice(0, 200) ?? ''}: ${(e as Error).message}`);
        continue;
      }
      if (Date.now() - t0 > 3000) slow.push(`#${i} ${method} ${p} ${Date.now() - t0} ms`);
      counts.set(res.status, (counts.get(res.status) ?? 0) + 1);
      const line = `#${i} ${method} ${p}${qs ? `?${qs}` : ''} ${body?.slice(0, 200) ?? ''} → ${res.status} ${text.slice(0, 300)}`;
      if (res.status >= 500) fivexx.push(line);
      if (res.status >= 400) {
        try {
          const j = JSON.parse(text) as { error?: unknown; message?: unknown };
          if (typeof j.error !== 'string' || typeof j.message !== 'string') notJson.push(line);
        } catch {
          notJson.push(line);
        }
      }
    }
    if (process.env.RAD_FUZZ_SHOW) console.log(fivexx.join('\n'));
    console.log(`fuzz seed ${seed}: statuses`, Object.fromEntries([...counts].sort((a, b) => a[0] - b[0])));
    // a device the caller's nonsense cannot reach is 503 by design (e.g. a print with the engine busy);
    // a 500 is a bug, and so is any error outside the one shape
    expect(fivexx.filter((l) => / → 500 /.test(l))).toEqual([]);
    expect(fivexx.filter((l) => !/"error":"E_[A-Z_]+"/.test(l))).toEqual([]);
    expect(notJson).toEqual([]);
    expect(hung).toEqual([]);
    if (slow.length) console.log('slow requests', slow);

    expect(tree(decoy)).toEqual(before);
    expect(existsSync(join(decoy, 'sub', 'manifest.json'))).toBe(false);
    expect(readdirSync(ROOT).sort()).toEqual(rootListing);
    const health = await fetch(`${url}/api/v1/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ ok: true, ready: true });
    expect(daemon.child.exitCode).toBeNull();
  }, 240000);
});
