import { createSocket } from 'node:dgram';
import { decodeMessage, encodeMessage } from '../../drivers/osc/codec.ts';

export type FoundX32 = { host: string; port: number; ip: string; name: string; model: string; firmware: string };

/**
 * X32/M32 discovery (x32-osc.md §2): `/xinfo` sent to 255.255.255.255:10023 is answered by every
 * console on the LAN with its IP, network name, model and firmware; replies go to the sender only.
 * `targets` adds unicast addresses (a console on another subnet, or a simulator on 127.0.0.1).
 */
export async function discoverX32(
  opts: { seconds?: number; broadcast?: boolean; targets?: Array<{ host: string; port: number }> } = {},
): Promise<FoundX32[]> {
  const sock = createSocket({ type: 'udp4', reuseAddr: true });
  const found = new Map<string, FoundX32>();
  sock.on('message', (buf, rinfo) => {
    try {
      const m = decodeMessage(buf);
      if (m.address !== '/xinfo') return;
      const [ip, name, model, firmware] = m.args.map((a) => (a.type === 's' ? a.value : ''));
      if (!model) return;
      found.set(`${rinfo.address}:${rinfo.port}`, {
        host: rinfo.address,
        port: rinfo.port,
        ip: ip ?? rinfo.address,
        name: name ?? '',
        model,
        firmware: firmware ?? '',
      });
    } catch {
      // not OSC: someone else's datagram
    }
  });
  await new Promise<void>((resolve, reject) => {
    sock.once('error', reject);
    sock.bind(0, () => resolve());
  });
  const ask = encodeMessage('/xinfo');
  const send = (host: string, port: number) => sock.send(ask, port, host, () => {});
  if (opts.broadcast !== false) {
    try {
      sock.setBroadcast(true);
      send('255.255.255.255', 10023);
    } catch {
      // no broadcast on this machine (no network): unicast targets still work
    }
  }
  for (const t of opts.targets ?? []) send(t.host, t.port);
  // UDP may drop the first datagram: ask twice
  await new Promise((r) => setTimeout(r, 300));
  if (opts.broadcast !== false)
    try {
      send('255.255.255.255', 10023);
    } catch {
      // as above
    }
  for (const t of opts.targets ?? []) send(t.host, t.port);
  await new Promise((r) => setTimeout(r, Math.max(0, (opts.seconds ?? 2) * 1000 - 300)));
  sock.close();
  return [...found.values()];
}
