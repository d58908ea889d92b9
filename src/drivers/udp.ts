import { createSocket, type Socket } from 'node:dgram';
import { EventEmitter } from 'node:events';

/** A UDP client socket bound to an ephemeral port, talking to one peer. Bytes only. */
export class UdpClient extends EventEmitter<{ message: [Buffer]; error: [Error] }> {
  private socket: Socket | undefined;

  constructor(
    readonly host: string,
    readonly port: number,
  ) {
    super();
  }

  async open(): Promise<void> {
    if (this.socket) return;
    const sock = createSocket({ type: this.host.includes(':') ? 'udp6' : 'udp4' });
    sock.on('message', (msg, rinfo) => {
      // replies come from the console's address; ignore strays from elsewhere
      if (rinfo.port === this.port) this.emit('message', msg);
    });
    sock.on('error', (err) => this.emit('error', err));
    await new Promise<void>((resolve, reject) => {
      sock.once('error', reject);
      sock.bind(0, () => {
        sock.off('error', reject);
        resolve();
      });
    });
    this.socket = sock;
  }

  send(buf: Buffer): void {
    this.socket?.send(buf, this.port, this.host);
  }

  get localPort(): number | undefined {
    return this.socket?.address().port;
  }

  async close(): Promise<void> {
    const s = this.socket;
    this.socket = undefined;
    if (s) await new Promise<void>((r) => s.close(() => r()));
  }
}
