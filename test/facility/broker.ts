// A real Mosquitto broker for the facility tests and the benchmark: a generated config on a free
// port, with a password file and an ACL (the broker's ACL is the facility's access control).
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, connect as tcpConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type BrokerUser = { name: string; password: string; acl: string[] };

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export class Mosquitto {
  private child: ChildProcess | undefined;
  readonly dir = mkdtempSync(join(tmpdir(), 'rad-mosquitto-'));
  log = '';

  private constructor(
    readonly port: number,
    users: BrokerUser[],
    /** ACL lines that apply to every user (`pattern …`). */
    patterns: string[],
  ) {
    const passwd = join(this.dir, 'passwd');
    writeFileSync(passwd, '');
    for (const u of users) {
      const r = spawnSync('mosquitto_passwd', ['-b', passwd, u.name, u.password], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`mosquitto_passwd: ${r.stderr || r.error?.message}`);
    }
    writeFileSync(
      join(this.dir, 'acl'),
      `${patterns.join('\n')}\n\n${users.map((u) => `user ${u.name}\n${u.acl.join('\n')}\n`).join('\n')}`,
    );
    writeFileSync(
      join(this.dir, 'mosquitto.conf'),
      [
        `listener ${port} 127.0.0.1`,
        'allow_anonymous false',
        `password_file ${passwd}`,
        `acl_file ${join(this.dir, 'acl')}`,
        'persistence false',
        // as root, mosquitto drops to its own user, which cannot read this private folder
        ...(process.getuid?.() === 0 ? ['user root'] : []),
        'max_queued_messages 10000',
        'log_type error',
        'log_type warning',
        'log_type notice',
        '',
      ].join('\n'),
    );
  }

  static async start(users: BrokerUser[], patterns: string[] = []): Promise<Mosquitto> {
    const m = new Mosquitto(await freePort(), users, patterns);
    await m.run();
    return m;
  }

  get url(): string {
    return `mqtt://127.0.0.1:${this.port}`;
  }

  async run(): Promise<void> {
    const child = spawn('mosquitto', ['-c', join(this.dir, 'mosquitto.conf')], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.on('data', (d) => (this.log += d));
    child.stderr!.on('data', (d) => (this.log += d));
    this.child = child;
    const t0 = Date.now();
    for (;;) {
      if (child.exitCode !== null) throw new Error(`mosquitto exited: ${this.log}`);
      const up = await new Promise<boolean>((r) => {
        const s = tcpConnect(this.port, '127.0.0.1');
        s.once('connect', () => {
          s.destroy();
          r(true);
        });
        s.once('error', () => r(false));
      });
      if (up) return;
      if (Date.now() - t0 > 5000) throw new Error(`mosquitto did not listen on ${this.port}: ${this.log}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  async stop(): Promise<void> {
    const c = this.child;
    this.child = undefined;
    if (!c || c.exitCode !== null) return;
    const gone = new Promise((r) => c.once('exit', r));
    c.kill('SIGTERM');
    await gone;
  }
}
