// `rad init` against what answers on this machine: the X32 simulator (asked by unicast /xinfo)
// and a Videohub simulator announced over mDNS by a responder in the test (_blackmagic._tcp).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import makeMdns from 'multicast-dns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSettings } from '../../src/settings/load.ts';
import { VideohubSim } from '../../src/sim/patchbay/videohub.ts';
import { X32Simulator } from '../../src/sim/x32/simulator.ts';
import { runRad, tempDir } from '../helpers.ts';

describe('rad init', () => {
  const x32 = new X32Simulator({ port: 0 });
  const hub = new VideohubSim(40, 20);
  const mdns = makeMdns({ loopback: true });

  beforeAll(async () => {
    await x32.start();
    await hub.listen(0);
    mdns.on('query', (q) => {
      if (!q.questions.some((x) => x.name === '_blackmagic._tcp.local')) return;
      const me = 'Studio Hub._blackmagic._tcp.local';
      mdns.respond({
        answers: [{ name: '_blackmagic._tcp.local', type: 'PTR', data: me }],
        additionals: [
          { name: me, type: 'SRV', data: { port: hub.port, target: 'studio-hub.local' } },
          { name: me, type: 'TXT', data: ['class=Videohub', 'name=Studio Hub'] },
          { name: 'studio-hub.local', type: 'A', data: '127.0.0.1' },
        ],
      });
    });
  });
  afterAll(async () => {
    mdns.destroy();
    await hub.close();
    await x32.stop();
  });

  it('writes a settings file that loads, with the console and the Videohub found, every key explained', async () => {
    const dir = tempDir();
    const out = join(dir, 'studio.yaml');
    const p = runRad(['init', '--out', out, '--seconds', '1', '--scan', `127.0.0.1:${x32.port}`, '--json']);
    expect((await p.exit).code, p.stderr()).toBe(0);
    const found = JSON.parse(p.stdout());
    expect(found.consoles).toEqual([expect.objectContaining({ host: '127.0.0.1', port: x32.port, model: 'X32' })]);
    const s = loadSettings(out, {});
    expect(s.consoles).toEqual([
      expect.objectContaining({ id: 'x32-main', family: 'x32', host: '127.0.0.1', port: x32.port }),
    ]);
    expect(s.patchbays).toEqual([
      expect.objectContaining({
        id: 'studio-hub',
        protocol: 'videohub',
        tcp: { host: '127.0.0.1', port: hub.port },
        inputs: 40,
        outputs: 20,
      }),
    ]);
    const text = readFileSync(out, 'utf8');
    expect(text).toMatch(/# Videohub "Studio Hub" \(studio-hub\.local\), 40×20/);
    expect(text).toMatch(/An Allen & Heath SQ or Qu does not announce itself/);
    const again = runRad(['init', '--out', out, '--seconds', '0.2', '--no-broadcast']);
    expect((await again.exit).code).toBe(2);
    expect(again.stderr()).toMatch(/E_PATH_EXISTS/);
  });

  it('with nothing on the LAN it still writes a file that loads, with examples commented out', async () => {
    const out = join(tempDir(), 'studio.yaml');
    const p = runRad(['init', '--out', out, '--seconds', '0.3', '--no-broadcast']);
    expect((await p.exit).code, p.stderr()).toBe(0);
    const s = loadSettings(out, {});
    expect(s.consoles).toEqual([]);
    expect(readFileSync(out, 'utf8')).toMatch(/# No X32\/M32 answered \/xinfo/);
  });
});
