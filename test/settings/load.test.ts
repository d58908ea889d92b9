import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSettings, pointerToPath, SettingsError, validateSettings } from '../../src/settings/load.ts';
import { runRad, tempDir } from '../helpers.ts';

function problems(raw: unknown, env: NodeJS.ProcessEnv = {}): string[] {
  try {
    validateSettings(raw, 'x.yaml', env);
  } catch (e) {
    if (e instanceof SettingsError) return e.problems;
    throw e;
  }
  return [];
}

describe('settings validation', () => {
  it('fills defaults for an empty file', () => {
    const s = validateSettings({});
    expect(s.api).toEqual({ bind: '127.0.0.1', port: 8420, allowed_hosts: [], writes_per_minute: 600 });
    expect(s.consoles).toEqual([]);
    expect(s.sim.enabled).toBe(false);
  });

  it('reports every problem as path: message', () => {
    const p = problems({
      consoles: [{ id: 'a', family: 'x32', host: 'h', port: 70000, extra: 1 }],
      foo: 1,
      api: { port: 'x' },
    });
    expect(p).toContain('consoles[0].port: must be <= 65535 (got 70000)');
    expect(p).toContain('consoles[0].extra: unknown key');
    expect(p).toContain('foo: unknown key');
    expect(p).toContain('api.port: must be an integer (got "x")');
  });

  it('names missing keys and wrong enum values', () => {
    const p = problems({ consoles: [{ id: 'a', family: 'yamaha', host: 'h' }] });
    expect(p.some((l) => l.startsWith('consoles[0].family: must be one of "x32", "sq", "qu"'))).toBe(true);
    // host is optional in the schema (an SQ/Qu may use midi_port instead); the check names it
    expect(problems({ consoles: [{ id: 'a', family: 'x32' }] })).toContain(
      'consoles[0].host: is required (or, for sq/qu, midi_port)',
    );
  });

  it('rejects duplicate device ids and accepts every console family', () => {
    const c = { family: 'x32', host: '127.0.0.1' };
    expect(
      problems({
        consoles: [
          { id: 'a', ...c },
          { id: 'a', ...c },
        ],
      }),
    ).toContain('consoles[1].id: duplicate id "a" (also consoles[0].id)');
    expect(problems({ consoles: [{ id: 'q', family: 'qu', host: '127.0.0.1' }] })).toEqual([]);
  });

  it('checks the whole file in one pass: schema problems and cross-references together', () => {
    const p = problems({
      api: { port: 70000 },
      consoles: [{ id: 'x32-main', family: 'x32', host: '127.0.0.1' }],
      patchbays: [{ id: 'sw', protocol: 'extron-sis', tcp: { host: '127.0.0.1', port: 23 }, inputs: 8, outputs: 8 }],
      bays: [{ id: 'bay-a', points: 8, normal: 'half' }],
      audio: { backend: 'portaudio', inputs: 4, outputs: 4 },
      wiring: [
        { from: 'iface:out:1-5', to: 'bay-a:top:1-5' },
        { from: 'bay-z:bottom:1', to: 'sw:in:1' },
        { from: 'bay-a:bottom:9', to: 'sw:in:9' },
        { from: 'outboard:out:1', to: 'x32-main:in:3' },
      ],
      linecheck: { plan: [{ source: 'tie:1', input: 'x33:in:1' }] },
    });
    expect(p).toEqual([
      'api.port: must be <= 65535 (got 70000)',
      'wiring[0].from: iface:out:5: the audio interface has 4 outputs (audio.outputs)',
      'wiring[1].from: bay-z:bottom:1: no bay "bay-z" (bays: bay-a)',
      'wiring[2].from: bay-a:bottom:9: bay bay-a has 8 points',
      'wiring[2].to: sw:in:9: patchbay sw has 8 inputs',
      'linecheck.plan[0].input: x33:in:1: no console "x33" (consoles: x32-main)',
    ]);
  });

  it('an empty file, an alias bomb and 5000-deep nesting are path: message, exit 2', async () => {
    const dir = tempDir();
    const files = {
      empty: '',
      bomb: ['a: &a ["x","x","x","x","x","x","x","x","x"]']
        .concat('bcdefghij'.split('').map((c, i) => `${c}: &${c} [${Array(9).fill(`*${'abcdefghij'[i]}`).join(',')}]`))
        .join('\n'),
      deep: `x: ${'['.repeat(5000)}${']'.repeat(5000)}`,
    };
    const out: Record<string, { code: number | null; err: string }> = {};
    await Promise.all(
      Object.entries(files).map(async ([name, text]) => {
        const f = join(dir, `${name}.yaml`);
        writeFileSync(f, text);
        const p = runRad(['check-config', f]);
        out[name] = { code: (await p.exit).code, err: p.stderr() };
      }),
    );
    expect(out.empty).toEqual({ code: 2, err: expect.stringMatching(/^\(root\): the file is empty; a studio needs/) });
    expect(out.bomb).toEqual({ code: 2, err: expect.stringMatching(/^\(yaml\): Excessive alias count/) });
    expect(out.deep!.code).toBe(2);
    expect(out.deep!.err).toMatch(/^line 1 col \d+: /);
  });

  it('applies environment overrides', () => {
    const s = validateSettings({}, 'x', {
      RAD_DATA_DIR: '/tmp/radx',
      RAD_API_BIND: '0.0.0.0',
      RAD_API_TOKEN: 'secret-token-1',
      RAD_API_PORT: '9000',
    });
    expect(s.data_dir).toBe('/tmp/radx');
    expect(s.api).toMatchObject({ bind: '0.0.0.0', port: 9000, token: 'secret-token-1' });
  });

  it('maps JSON pointers to dotted paths', () => {
    expect(pointerToPath('/consoles/0/port')).toBe('consoles[0].port');
    expect(pointerToPath('')).toBe('(root)');
  });

  it('reports YAML syntax errors with line numbers and resolves data_dir against the file', () => {
    const dir = tempDir();
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'api:\n  port: 1\n   bind: x\n');
    expect(() => loadSettings(bad, {})).toThrow(/line \d+ col \d+/);
    const good = join(dir, 'good.yaml');
    writeFileSync(good, 'data_dir: ./d\n');
    expect(loadSettings(good, {}).data_dir).toBe(join(dir, 'd'));
  });

  it('the shipped example config is valid', () => {
    const s = loadSettings(new URL('../../config/studio.yaml', import.meta.url).pathname, {});
    expect(s.sim.enabled).toBe(true);
    expect(s.consoles.map((c) => c.family)).toContain('x32');
  });
});

describe('rad check-config', () => {
  it('prints path: message lines and exits 2 on a broken file', async () => {
    const dir = tempDir();
    const file = join(dir, 'broken.yaml');
    writeFileSync(file, 'consoles:\n  - id: desk\n    family: x32\n    host: 10.0.0.5\n    port: 70000\nbogus: true\n');
    const p = runRad(['check-config', file]);
    const { code } = await p.exit;
    expect(code).toBe(2);
    expect(p.stderr()).toContain('consoles[0].port: must be <= 65535 (got 70000)');
    expect(p.stderr()).toContain('bogus: unknown key');
  });

  it('exits 0 on the example config', async () => {
    const p = runRad(['check-config', new URL('../../config/studio.yaml', import.meta.url).pathname]);
    expect((await p.exit).code).toBe(0);
    expect(p.stdout()).toContain(': ok');
  });
});
