import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';

// sd_notify needs a Unix datagram socket, which node:dgram lacks: use the optional native
// `unix-dgram` module, else fall back to `systemd-notify` (needs NotifyAccess=all).
type UnixDgram = {
  createSocket(type: 'unix_dgram'): {
    send(buf: Buffer, offset: number, length: number, path: string, cb?: (err?: Error) => void): void;
    close(): void;
    on(ev: 'error', cb: (err: Error) => void): void;
  };
};

function loadUnixDgram(): UnixDgram | null {
  try {
    return createRequire(import.meta.url)('unix-dgram') as UnixDgram;
  } catch {
    return null;
  }
}

export class SdNotify {
  private readonly socketPath: string | undefined;
  private watchdogTimer: NodeJS.Timeout | undefined;

  constructor(env: NodeJS.ProcessEnv = process.env) {
    const p = env.NOTIFY_SOCKET;
    this.socketPath = p && p.length > 0 ? (p.startsWith('@') ? `\0${p.slice(1)}` : p) : undefined;
    const usec = Number(env.WATCHDOG_USEC ?? '');
    const pid = env.WATCHDOG_PID;
    this.watchdogUsec = Number.isFinite(usec) && usec > 0 && (!pid || Number(pid) === process.pid) ? usec : 0;
  }

  readonly watchdogUsec: number;

  get enabled(): boolean {
    return this.socketPath !== undefined;
  }

  async notify(state: string): Promise<void> {
    if (!this.socketPath) return;
    const path = this.socketPath;
    const mod = loadUnixDgram();
    if (mod) {
      await new Promise<void>((resolve) => {
        const sock = mod.createSocket('unix_dgram');
        sock.on('error', () => resolve());
        const buf = Buffer.from(state);
        sock.send(buf, 0, buf.length, path, () => {
          sock.close();
          resolve();
        });
      });
      return;
    }
    await new Promise<void>((resolve) => {
      const child = spawn('systemd-notify', [`--pid=${process.pid}`, ...state.split('\n')], { stdio: 'ignore' });
      child.on('error', () => resolve());
      child.on('exit', () => resolve());
    });
  }

  ready(): Promise<void> {
    return this.notify(`READY=1\nMAINPID=${process.pid}`);
  }

  stopping(): Promise<void> {
    return this.notify('STOPPING=1');
  }

  /** Pings the watchdog at half the interval systemd asked for. */
  startWatchdog(): void {
    if (!this.enabled || this.watchdogUsec === 0 || this.watchdogTimer) return;
    const ms = Math.max(50, Math.floor(this.watchdogUsec / 2000));
    this.watchdogTimer = setInterval(() => void this.notify('WATCHDOG=1'), ms);
    this.watchdogTimer.unref();
  }

  stopWatchdog(): void {
    if (this.watchdogTimer) clearInterval(this.watchdogTimer);
    this.watchdogTimer = undefined;
  }
}
