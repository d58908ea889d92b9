import { EventEmitter } from 'node:events';
import type { ByteLink } from './stream.ts';

/** No line answered a request in time (a lost reply, as opposed to a device that said no). */
export class LineTimeout extends Error {}

type Waiter = {
  match: (line: string) => boolean;
  resolve: (line: string) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
};

/**
 * Splits a device's byte stream into lines (any of CR, LF, CRLF; plus optional prompt tokens
 * that end a "line" without a newline, like Extron's `Password:` or Numato's `>`), and matches
 * replies to requests by content. Lines no request claims are emitted as `line` (unsolicited).
 */
export class LineIo extends EventEmitter<{ line: [string]; garbage: [string]; block: [unknown] }> {
  private buf = '';
  private waiters: Waiter[] = [];
  private closed = false;

  constructor(
    readonly link: ByteLink,
    private readonly prompts: string[] = [],
    private readonly maxLine = 4096,
  ) {
    super();
    link.on('data', (d) => this.feed(d.toString('latin1')));
    link.on('close', (reason) => {
      this.closed = true;
      for (const w of this.waiters.splice(0)) {
        clearTimeout(w.timer);
        w.reject(new Error(`${link.describe}: ${reason}`));
      }
    });
  }

  private feed(text: string): void {
    this.buf += text;
    for (;;) {
      const m = /\r\n|\n\r|\r|\n/.exec(this.buf);
      let line: string | undefined;
      if (m) {
        line = this.buf.slice(0, m.index);
        this.buf = this.buf.slice(m.index + m[0].length);
      } else {
        const p = this.prompts.find((t) => this.buf.endsWith(t));
        if (!p) break;
        line = this.buf;
        this.buf = '';
      }
      this.dispatch(line);
    }
    if (this.buf.length > this.maxLine) {
      this.emit('garbage', this.buf.slice(0, 80));
      this.buf = '';
    }
  }

  private dispatch(raw: string): void {
    // strip NULs and other control bytes a noisy line can carry
    const line = raw.replace(/[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/g, '');
    const i = this.waiters.findIndex((w) => w.match(line));
    if (i >= 0) {
      const [w] = this.waiters.splice(i, 1);
      clearTimeout(w!.timer);
      w!.resolve(line);
      return;
    }
    this.emit('line', line);
  }

  write(text: string | Buffer): void {
    this.link.write(text);
  }

  /** Waits for the next line that `match` accepts. */
  expect(match: (line: string) => boolean, timeoutMs: number, what: string): Promise<string> {
    if (this.closed) return Promise.reject(new Error(`${this.link.describe}: closed`));
    return new Promise((resolve, reject) => {
      const w: Waiter = {
        match,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.waiters = this.waiters.filter((x) => x !== w);
          reject(new LineTimeout(`${this.link.describe}: no reply to ${what} within ${timeoutMs} ms`));
        }, timeoutMs),
      };
      this.waiters.push(w);
    });
  }

  /** Writes a command and waits for its reply. */
  request(
    cmd: string,
    match: (line: string) => boolean,
    timeoutMs: number,
    what = JSON.stringify(cmd.trim()),
  ): Promise<string> {
    const p = this.expect(match, timeoutMs, what);
    this.write(cmd);
    return p;
  }
}
