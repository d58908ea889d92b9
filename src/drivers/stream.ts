import { EventEmitter } from 'node:events';
import { createConnection, type Socket } from 'node:net';
import type { SerialPort } from 'serialport';

/** A byte stream to a device (TCP socket or serial port). Bytes only; no protocol here. */
export interface ByteLink extends EventEmitter<{ data: [Buffer]; close: [reason: string] }> {
  write(data: string | Buffer): void;
  close(): Promise<void>;
  readonly describe: string;
}

/** A socket error in words, with its code. */
export function socketError(e: NodeJS.ErrnoException): string {
  switch (e.code) {
    case 'ECONNREFUSED':
      return 'connection refused (ECONNREFUSED: nothing listens there)';
    case 'ECONNRESET':
      return 'connection reset by the device (ECONNRESET)';
    case 'ETIMEDOUT':
      return 'connection timed out (ETIMEDOUT)';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `no route to the device (${e.code})`;
    case 'EPIPE':
      return 'the device closed the connection (EPIPE)';
    default:
      return e.code ?? e.message;
  }
}

export class TcpLink extends EventEmitter<{ data: [Buffer]; close: [reason: string] }> implements ByteLink {
  private constructor(
    private readonly sock: Socket,
    readonly describe: string,
  ) {
    super();
    // what happened, in words: the peer closed it (FIN), reset it, or it timed out; or we closed it
    let reason = 'connection closed';
    sock.on('data', (d) => {
      this.bytesIn += d.length;
      this.emit('data', d);
    });
    sock.on('end', () => {
      reason = 'closed by the device';
    });
    sock.on('error', (e: NodeJS.ErrnoException) => {
      reason = socketError(e);
    });
    sock.on('close', () => this.emit('close', reason)); // 'close' follows every error and carries the news
  }

  /** Bytes received so far (a device that closes before saying anything is told from one that talked). */
  bytesIn = 0;

  static open(host: string, port: number, timeoutMs = 3000): Promise<TcpLink> {
    return new Promise((resolve, reject) => {
      const sock = createConnection({ host, port });
      sock.setNoDelay(true);
      sock.setKeepAlive(true, 10000);
      const timer = setTimeout(() => {
        sock.destroy();
        reject(new Error(`tcp ${host}:${port}: no connection in ${timeoutMs} ms`));
      }, timeoutMs);
      sock.once('connect', () => {
        clearTimeout(timer);
        resolve(new TcpLink(sock, `tcp ${host}:${port}`));
      });
      sock.once('error', (e: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        reject(new Error(`tcp ${host}:${port}: ${socketError(e)}`));
      });
    });
  }

  write(data: string | Buffer): void {
    if (!this.sock.destroyed) this.sock.write(data);
  }

  async close(): Promise<void> {
    this.sock.destroy();
  }
}

export class SerialLink extends EventEmitter<{ data: [Buffer]; close: [reason: string] }> implements ByteLink {
  private constructor(
    private readonly port: SerialPort,
    readonly describe: string,
  ) {
    super();
    port.on('data', (d: Buffer) => this.emit('data', d));
    port.on('close', (err?: { disconnected?: boolean }) =>
      this.emit('close', err?.disconnected ? 'serial port unplugged' : 'serial port closed'),
    );
    port.on('error', () => {});
  }

  static async open(path: string, baudRate: number): Promise<SerialLink> {
    // loaded on first use: the native binding costs memory a studio without serial gear never needs
    const { SerialPort: Port } = await import('serialport');
    return new Promise((resolve, reject) => {
      const port = new Port({ path, baudRate, autoOpen: false });
      port.open((err) => {
        if (err) reject(new Error(`serial ${path}: ${err.message}`));
        else resolve(new SerialLink(port, `serial ${path} @ ${baudRate}`));
      });
    });
  }

  write(data: string | Buffer): void {
    if (this.port.isOpen) this.port.write(data);
  }

  async close(): Promise<void> {
    if (!this.port.isOpen) return;
    await new Promise<void>((r) => this.port.close(() => r()));
  }
}
