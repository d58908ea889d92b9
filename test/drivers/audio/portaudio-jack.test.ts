// PortAudio (naudiodon) loopback on JACK's dummy backend through the ALSA jack plugin: the real
// daemon plays a tone on an interface output, JACK wires that output back to an input, and the
// engine measures it. .ci/run installs jackd2 and libasound2-plugins.
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RadProcess, readyUrl, runRad, tempDir, waitFor, writeConfig } from '../../helpers.ts';

const server = `rad-test-${process.pid}`;
const jackEnv = { ...process.env, JACK_DEFAULT_SERVER: server, JACK_NO_AUDIO_RESERVATION: '1' };
const jack = (cmd: string, args: string[] = []) => execFileSync(cmd, args, { env: jackEnv, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });

describe('PortAudio backend on JACK (dummy driver) loopback', () => {
  let jackd: ChildProcess;
  let daemon: RadProcess;
  let url: string;

  beforeAll(async () => {
    // JACK's shared-memory registry holds a handful of servers; entries left by servers that died
    // (not ours to judge while any jackd runs) fill it. With no jackd running, they are all stale.
    if (spawnSync('pgrep', ['-x', 'jackd']).status !== 0) {
      for (const f of readdirSync('/dev/shm')) if (f.startsWith('jack')) rmSync(join('/dev/shm', f), { recursive: true, force: true });
    }
    jackd = spawn('jackd', ['--no-realtime', '-n', server, '-d', 'dummy', '-r', '48000', '-p', '256'], { env: jackEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let jackLog = '';
    jackd.stdout!.on('data', (d) => (jackLog += d));
    jackd.stderr!.on('data', (d) => (jackLog += d));
    await waitFor(() => {
      try {
        return jack('jack_lsp').includes('system:playback_1');
      } catch {
        return false;
      }
    }, 10000, 100).catch((e) => {
      throw new Error(`jackd did not come up: ${(e as Error).message}\n${jackLog.slice(-800)}`);
    });
    const home = tempDir();
    writeFileSync(
      join(home, '.asoundrc'),
      'pcm.jackio {\n  type jack\n  playback_ports { 0 system:playback_1 1 system:playback_2 }\n  capture_ports { 0 system:capture_1 1 system:capture_2 }\n}\n',
    );
    const dir = tempDir();
    const cfg = writeConfig(dir, {
      api: { port: 0 },
      data_dir: join(dir, 'data'),
      audio: { backend: 'portaudio', device: 'jackio', sample_rate: 48000, block: 480, inputs: 2, outputs: 2 },
    });
    daemon = runRad(['start', '--config', cfg], { HOME: home, JACK_DEFAULT_SERVER: server, RAD_DEV: '0' });
    url = await readyUrl(daemon, 20000);
    // wire every playback port of the daemon back to its capture ports
    const pid = daemon.child.pid;
    const ports = await waitFor(() => {
      const all = jack('jack_lsp').split('\n');
      const outs = all.filter((p) => new RegExp(`\\.P\\.${pid}\\.\\d+:out_`).test(p));
      const ins = all.filter((p) => new RegExp(`\\.C\\.${pid}\\.\\d+:in_`).test(p));
      return outs.length === 2 && ins.length === 2 ? { outs, ins } : undefined;
    }, 10000, 100).catch((e) => {
      throw new Error(`the daemon's JACK ports did not appear: ${(e as Error).message}\n${jack('jack_lsp')}\n${daemon.stderr().slice(-1500)}`);
    });
    for (let i = 0; i < ports.outs.length; i++) jack("jack_connect", [ports.outs[i]!, ports.ins[i]!]);
  }, 60000);

  afterAll(async () => {
    daemon?.child.kill('SIGTERM');
    await daemon?.exit;
    if (jackd && jackd.exitCode === null) {
      const gone = new Promise((r) => jackd.once('exit', r));
      jackd.kill('SIGTERM');
      await Promise.race([gone, new Promise((r) => setTimeout(r, 5000))]);
      if (jackd.exitCode === null) jackd.kill('SIGKILL');
    }
  });

  const api = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const r = await fetch(`${url}${path}`, { method, headers: body ? { 'content-type': 'application/json' } : {}, body: body ? JSON.stringify(body) : undefined });
    const j = (await r.json()) as T;
    if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(j)}`);
    return j;
  };

  it('the engine is online on the PortAudio device', async () => {
    const st = await api<{ state: string; device: string }>('GET', '/api/v1/audio');
    expect(st.state).toBe('online');
    expect(st.device).toBe('jackio');
  });

  it('a 1 kHz tone at -18 dBFS comes back at -18 dBFS', async () => {
    await api('PUT', '/api/v1/audio/outputs/1', { signal: { kind: 'sine', freq: 1000, level_dbfs: -18 } });
    const r = await api<{ measurements: Array<{ tones: Array<{ level_dbfs: number }>; clipped_samples: number }> }>('POST', '/api/v1/audio/measure', { channels: [1], freqs: [1000], settleMs: 300, windows: 2 });
    expect(Math.abs(r.measurements[0]!.tones[0]!.level_dbfs - -18)).toBeLessThan(0.1);
    expect(r.measurements[0]!.clipped_samples).toBe(0);
  });

  it('latency is found by cross-correlation, in phase', async () => {
    await api('PUT', '/api/v1/audio/outputs/2', { signal: { kind: 'white', level_dbfs: -20, seed: 3 } });
    const r = await api<{ measurements: Array<{ latency_samples: number; polarity: number; correlation: number }> }>('POST', '/api/v1/audio/measure', {
      channels: [2],
      settleMs: 300,
      reference: { output: 2, maxLagSamples: 20000 },
    });
    const m = r.measurements[0]!;
    expect(m.correlation).toBeGreaterThan(0.9);
    expect(m.polarity).toBe(1);
    expect(m.latency_samples).toBeGreaterThan(0);
  });
});
