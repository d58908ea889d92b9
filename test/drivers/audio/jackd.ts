// A private JACK server on the dummy driver for the audio backend tests (.ci/run installs jackd2).
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { waitFor } from '../../helpers.ts';

export class Jackd {
  readonly env: NodeJS.ProcessEnv;
  private proc: ChildProcess | undefined;
  private log = '';

  constructor(readonly server: string) {
    this.env = { ...process.env, JACK_DEFAULT_SERVER: server, JACK_NO_AUDIO_RESERVATION: '1' };
  }

  /** Runs a JACK client tool against this server (jack_lsp, jack_connect). */
  tool(cmd: string, args: string[] = []): string {
    return execFileSync(cmd, args, { env: this.env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  }

  ports(): string[] {
    return this.tool('jack_lsp').split('\n').filter(Boolean);
  }

  private started = false;

  async start(): Promise<void> {
    // JACK's shared-memory registry holds a handful of servers; entries left by servers that died
    // (not ours to judge while any jackd runs) fill it. With no jackd running, they are all stale —
    // but only before our first start: on a restart, clients of the old server (the daemon) still
    // have the registry mapped, and a new registry file would hide the new server from them.
    if (!this.started && spawnSync('pgrep', ['-x', 'jackd']).status !== 0) {
      for (const f of readdirSync('/dev/shm'))
        if (f.startsWith('jack')) rmSync(join('/dev/shm', f), { recursive: true, force: true });
    }
    this.started = true;
    const p = spawn('jackd', ['--no-realtime', '-n', this.server, '-d', 'dummy', '-r', '48000', '-p', '256'], {
      env: this.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.proc = p;
    p.stdout!.on('data', (d) => (this.log += d));
    p.stderr!.on('data', (d) => (this.log += d));
    await waitFor(
      () => {
        try {
          return this.ports().includes('system:playback_1');
        } catch {
          return false;
        }
      },
      10000,
      100,
    ).catch((e) => {
      throw new Error(`jackd did not come up: ${(e as Error).message}\n${this.log.slice(-800)}`);
    });
  }

  async stop(): Promise<void> {
    const p = this.proc;
    this.proc = undefined;
    if (!p || p.exitCode !== null) return;
    const gone = new Promise((r) => p.once('exit', r));
    p.kill('SIGTERM');
    await Promise.race([gone, new Promise((r) => setTimeout(r, 5000))]);
    if (p.exitCode === null) {
      p.kill('SIGKILL');
      await gone;
    }
  }
}
