import { existsSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { discoverX32, type FoundX32 } from '../../console/x32/discover.ts';
import { discoverMdns, type FoundService, probeVideohub } from '../../patchbay/discover.ts';
import { validateSettings } from '../../settings/load.ts';
import { CliError, printJson } from '../output.ts';

type FoundHub = FoundService & { inputs: number; outputs: number; address: string };

const slug = (s: string, fallback: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 40) || fallback;

/** A first settings file, every key explained, from what answered on the LAN. */
export function initYaml(x32: FoundX32[], hubs: FoundHub[], when = new Date()): string {
  const L: string[] = [
    `# rad settings, written by \`rad init\` on ${when.toISOString().slice(0, 10)} from what answered on the LAN.`,
    '# Check it with `rad check-config FILE`; every key is in the README (Settings).',
    '',
    '# Where the API listens: loopback by default. The API token is made at the first start in',
    '# data_dir/token (`rad token` prints it); the CLI on this machine finds it there.',
    'api:',
    '  bind: 127.0.0.1',
    '  port: 8420',
    '',
    '# The SQLite store, prints, exports, backups and the token (relative to this file).',
    'data_dir: ./data',
    '',
    '# Files API callers may name: prep jobs read and write under media and exports; backups go',
    '# only to backup_targets (defaults: data_dir/media, data_dir/exports, data_dir/backups).',
    '# paths: { media: [/srv/sessions], exports: /srv/exports, backup_targets: [/mnt/backup/rad] }',
    '',
    '# Consoles rad bridges: X32/M32 over OSC (UDP 10023), SQ/Qu over MIDI (TCP 51325 or USB).',
  ];
  if (x32.length === 0) {
    L.push(
      '# No X32/M32 answered /xinfo. Add yours, e.g.:',
      'consoles: []',
      '#  - { id: x32-main, family: x32, host: 192.168.1.62 }',
    );
  } else {
    L.push('consoles:');
    x32.forEach((c, i) => {
      L.push(`  # ${c.model} "${c.name}" at ${c.ip}, firmware ${c.firmware}`);
      const port = c.port === 10023 ? '' : `, port: ${c.port}`;
      L.push(`  - { id: ${i === 0 ? 'x32-main' : `x32-${i + 1}`}, family: x32, host: ${c.host}${port} }`);
    });
  }
  L.push(
    '# An Allen & Heath SQ or Qu does not announce itself: add it by hand, e.g.',
    '#  - { id: sq-main, family: sq, host: 192.168.1.70 }            # or midi_port: "SQ MIDI" over USB',
    '',
    '# Routing switchers: Extron SIS, Kramer Protocol 3000, Blackmagic Videohub, Numato USB relays.',
  );
  if (hubs.length === 0) {
    L.push(
      '# No Videohub announced itself over mDNS. Add switchers by hand, e.g.:',
      'patchbays: []',
      '#  - { id: sw-a, protocol: extron-sis, tcp: { host: 192.168.1.80, port: 23 }, inputs: 32, outputs: 32 }',
    );
  } else {
    L.push('patchbays:');
    for (const h of hubs) {
      L.push(`  # Videohub "${h.txt.name ?? h.name}" (${h.host}), ${h.inputs}×${h.outputs}`);
      L.push(
        `  - { id: ${slug(h.txt.name ?? h.name, 'hub')}, protocol: videohub, tcp: { host: ${h.address}, port: ${h.port} }, inputs: ${h.inputs}, outputs: ${h.outputs} }`,
      );
    }
  }
  L.push(
    '',
    '# The audio interface for tone-out and line checks (backend: portaudio or jack), e.g.:',
    '# audio: { backend: jack, device: system, inputs: 64, outputs: 64, sample_rate: 48000 }',
    '',
    '# Passive bays, the install wiring and the patch plan the line check proves: see',
    '# config/studio.yaml in the rad source for a whole studio written out.',
    '',
  );
  return L.join('\n');
}

export function initCommands(program: Command): void {
  program
    .command('init')
    .description('write a first settings file from what answers on the LAN (X32/M32 /xinfo, Videohubs over mDNS)')
    .option('-o, --out <file>', 'settings file to write', 'studio.yaml')
    .option('--seconds <n>', 'how long to listen for answers', '2')
    .option('--scan <host:port...>', 'also ask these addresses (a console on another subnet, a simulator)')
    .option('--no-broadcast', 'do not broadcast /xinfo or browse mDNS; only --scan')
    .option('--force', 'replace an existing file')
    .option('--json', 'print what was found as JSON')
    .action(
      async (o: {
        out: string;
        seconds: string;
        scan?: string[];
        broadcast: boolean;
        force?: boolean;
        json?: boolean;
      }) => {
        const file = resolve(o.out);
        if (existsSync(file) && !o.force)
          throw new CliError(`${file} exists; pass --force to replace it`, 2, 'E_PATH_EXISTS');
        const seconds = Number(o.seconds);
        if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 60)
          throw new CliError(`--seconds must be 0..60 (got ${o.seconds})`, 2, 'E_USAGE');
        const targets = (o.scan ?? []).map((t) => {
          const m = /^(.+?)(?::(\d+))?$/.exec(t)!;
          return { host: m[1]!, port: m[2] ? Number(m[2]) : 10023 };
        });
        const [x32, blackmagic] = await Promise.all([
          discoverX32({ seconds, broadcast: o.broadcast, targets }),
          o.broadcast ? discoverMdns('_blackmagic._tcp.local', seconds) : Promise.resolve([]),
        ]);
        const hubs: FoundHub[] = [];
        for (const s of blackmagic) {
          if (!/videohub/i.test(s.txt.class ?? s.name)) continue;
          const address = s.address ?? s.host;
          // the control port is 9990; a device that announces another one is asked there too
          let port = 9990;
          let size = await probeVideohub(address, port);
          if (!size && s.port && s.port !== 9990) size = await probeVideohub(address, (port = s.port));
          hubs.push({ ...s, address, port, inputs: size?.inputs ?? 16, outputs: size?.outputs ?? 16 });
        }
        const text = initYaml(x32, hubs);
        validateSettings((await import('yaml')).parse(text) ?? {}, file); // what we write must load
        writeFileSync(file, text, { flag: o.force ? 'w' : 'wx' });
        if (o.json) return printJson({ file, consoles: x32, videohubs: hubs });
        process.stdout.write(
          `${file}: ${x32.length} X32/M32, ${hubs.length} Videohub${hubs.length === 1 ? '' : 's'} found\nnext: rad check-config ${o.out} && rad start --config ${o.out}\n`,
        );
      },
    );
}
