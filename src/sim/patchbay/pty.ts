import { diesWithParent } from '../../core/child.ts';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export function socatAvailable(): boolean {
  return spawnSync('socat', ['-V'], { stdio: 'ignore' }).status === 0;
}

/**
 * A serial cable made of a socat pty pair: `driverPath` is the end the driver opens (the path in
 * settings), `devicePath` the end the simulated device opens. Killing socat = pulling the cable.
 */
export class PtyPair {
  private child: ChildProcess | undefined;
  readonly devicePath: string;

  constructor(readonly driverPath: string) {
    this.devicePath = join(mkdtempSync(join(tmpdir(), 'rad-pty-')), 'device');
  }

  async open(timeoutMs = 3000): Promise<void> {
    mkdirSync(dirname(this.driverPath), { recursive: true });
    const child = spawn(
      ...diesWithParent('socat', [`pty,raw,echo=0,link=${this.devicePath}`, `pty,raw,echo=0,link=${this.driverPath}`]),
      { stdio: 'ignore' },
    );
    this.child = child;
    const t0 = Date.now();
    while (!(existsSync(this.devicePath) && existsSync(this.driverPath))) {
      if (child.exitCode !== null) throw new Error(`socat exited (${child.exitCode}) making ${this.driverPath}`);
      if (Date.now() - t0 > timeoutMs) throw new Error(`socat did not create ${this.driverPath} in ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /** Pulls the cable. */
  kill(): void {
    this.child?.kill('SIGKILL');
    this.child = undefined;
  }

  get alive(): boolean {
    return this.child !== undefined && this.child.exitCode === null;
  }
}
