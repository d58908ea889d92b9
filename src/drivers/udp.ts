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
    // a peer that is not listening answers with ICMP (ECONNREFUSED on a connected socket): for UDP
    // that is silence, which the protocol's own liveness check reports, not a socket error
    sock.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'ECONNREFUSED') this.emit('error', err);
    });
    await new Promise<void>((resolve, reject) => {
      sock.once('error', reject);
      sock.bind(0, () => {
        // connected: the address is resolved once, not on every send (a DNS lookup per datagram
        // was a fifth of a capture's CPU), and the kernel drops datagrams from anyone else
        sock.connect(this.port, this.host, () => {
          sock.off('error', reject);
          resolve();
        });
      });
    });
    this.socket = sock;
  }

  send(buf: Buffer): void {
    const s = this.socket;
    if (!s) return;
    try {
      s.send(buf);
    } catch (e) {
      // not connected (yet or any more): the datagram is lost, as on a wire
      if ((e as NodeJS.ErrnoException).code !== 'ERR_SOCKET_DGRAM_NOT_CONNECTED') throw e;
    }
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
