import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { App } from '../src/app.ts';
import { silentLogger } from '../src/core/logger.ts';
import { validateSettings } from '../src/settings/load.ts';

export const ROOT = new URL('..', import.meta.url).pathname;

export function tempDir(prefix = 'rad-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function writeConfig(dir: string, cfg: Record<string, unknown>): string {
  const file = join(dir, 'studio.yaml');
  writeFileSync(file, stringify(cfg));
  return file;
}

export async function waitFor<T>(
  fn: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 5000,
  stepMs = 10,
): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() - t0 > timeoutMs) throw new Error(`waitFor: condition not met in ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, stepMs));
  }
}

/** An in-process daemon on the simulated studio, API on a free port. */
export async function startSimApp(extra: Record<string, unknown> = {}): Promise<App> {
  const settings = validateSettings({
    api: { port: 0 },
    data_dir: tempDir(),
    consoles: [{ id: 'x32-main', family: 'x32', host: '127.0.0.1', port: 0 }],
    sim: { enabled: true },
    ...extra,
  });
  const app = await App.build(settings, { log: silentLogger() });
  await app.start();
  return app;
}

export type RadProcess = {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
};

/** Runs the real `rad` binary. */
export function runRad(args: string[], env: NodeJS.ProcessEnv = {}): RadProcess {
  return runNode([join(ROOT, 'bin/rad.mjs'), ...args], env);
}

export function runNode(args: string[], env: NodeJS.ProcessEnv = {}): RadProcess {
  const child = spawn(process.execPath, args, {
    env: { ...process.env, RAD_LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (err += d));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) =>
    child.on('exit', (code, signal) => r({ code, signal })),
  );
  return { child, stdout: () => out, stderr: () => err, exit };
}

/** Waits for the daemon's `ready` log line and returns its API URL. */
export async function readyUrl(p: RadProcess, timeoutMs = 15000): Promise<string> {
  return waitFor(
    () => {
      for (const line of p.stderr().split('\n')) {
        if (!line.includes('"msg":"ready"')) continue;
        return (JSON.parse(line) as { api: string }).api;
      }
      return undefined;
    },
    timeoutMs,
    25,
  );
}
