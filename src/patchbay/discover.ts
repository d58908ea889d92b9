// mDNS browsing with multicast-dns (the library zeroconf tools in Node use) for switchers that
// announce themselves.
import makeMdns from 'multicast-dns';

export type FoundService = { name: string; host: string; port: number; address?: string; txt: Record<string, string> };

/**
 * Blackmagic devices announce `_blackmagic._tcp` over mDNS with TXT records (`class=…`, `name=…`);
 * a Videohub's control port is TCP 9990 whatever the SRV record says about the setup protocol.
 */
export async function discoverMdns(service: string, seconds = 2): Promise<FoundService[]> {
  const mdns = makeMdns({ loopback: true });
  const byName = new Map<string, FoundService>();
  const addresses = new Map<string, string>();
  mdns.on('response', (r) => {
    for (const a of [...r.answers, ...r.additionals]) {
      if (a.type === 'PTR' && a.name === service) {
        const n = String(a.data);
        if (!byName.has(n)) byName.set(n, { name: n.replace(`.${service}`, ''), host: '', port: 0, txt: {} });
      } else if (a.type === 'SRV') {
        const s = byName.get(a.name) ?? { name: a.name.replace(`.${service}`, ''), host: '', port: 0, txt: {} };
        s.host = a.data.target;
        s.port = a.data.port;
        if (a.name.endsWith(service)) byName.set(a.name, s);
      } else if (a.type === 'TXT') {
        const s = byName.get(a.name);
        if (!s) continue;
        const list = Array.isArray(a.data) ? a.data : [a.data];
        for (const b of list) {
          const [k, ...v] = String(b).split('=');
          if (k) s.txt[k] = v.join('=');
        }
      } else if (a.type === 'A') addresses.set(a.name, String(a.data));
    }
  });
  mdns.query({ questions: [{ name: service, type: 'PTR' }] });
  await new Promise((r) => setTimeout(r, seconds * 1000));
  mdns.destroy();
  return [...byName.values()].map((s) => ({ ...s, address: addresses.get(s.host) }));
}

/** Reads a Videohub's `VIDEOHUB DEVICE:` block on connect (its size and name), then hangs up. */
export async function probeVideohub(
  host: string,
  port = 9990,
  timeoutMs = 1500,
): Promise<{ inputs: number; outputs: number; name?: string; model?: string } | undefined> {
  const { connect } = await import('node:net');
  const { BlockAssembler, parseDevice } = await import('./videohub/codec.ts');
  return new Promise((resolve) => {
    const sock = connect({ host, port });
    const asm = new BlockAssembler();
    let buf = '';
    const done = (v: Awaited<ReturnType<typeof probeVideohub>>) => {
      clearTimeout(timer);
      sock.destroy();
      resolve(v);
    };
    const timer = setTimeout(() => done(undefined), timeoutMs);
    sock.on('error', () => done(undefined));
    sock.on('data', (d) => {
      buf += d.toString('utf8');
      let i = buf.indexOf('\n');
      while (i >= 0) {
        const b = asm.push(buf.slice(0, i).replace(/\r$/, ''));
        buf = buf.slice(i + 1);
        if (b?.header === 'VIDEOHUB DEVICE') {
          const dev = parseDevice(b.lines);
          const inputs = Number(dev['Video inputs']);
          const outputs = Number(dev['Video outputs']);
          if (Number.isInteger(inputs) && Number.isInteger(outputs))
            return done({ inputs, outputs, name: dev['Friendly name'], model: dev['Model name'] });
        }
        i = buf.indexOf('\n');
      }
    });
  });
}
