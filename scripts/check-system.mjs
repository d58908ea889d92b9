#!/usr/bin/env node
// `npm test` runs this first: the suite uses real system tools (a JACK server, sox, espeak-ng,
// Chromium, pdfinfo, socat, a Mosquitto broker, rsync). Missing ones are installed when we are root with apt (as in CI);
// otherwise we stop at once with the one apt-get line to run, instead of 40 confusing failures.
import { spawnSync } from 'node:child_process';

const NEEDED = [
  ['jackd', 'jackd2'],
  ['jack_lsp', 'jackd2'],
  ['sox', 'sox'],
  ['espeak-ng', 'espeak-ng'],
  ['chromium', 'chromium'],
  ['pdfinfo', 'poppler-utils'],
  ['socat', 'socat'],
  ['setpriv', 'util-linux'],
  ['mosquitto', 'mosquitto'],
  ['mosquitto_passwd', 'mosquitto'],
  ['rsync', 'rsync'],
];
// the ALSA jack plugin the PortAudio-on-JACK test needs
const FILES = [['/usr/lib/x86_64-linux-gnu/alsa-lib/libasound_module_pcm_jack.so', 'libasound2-plugins']];

const has = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
const exists = (f) => spawnSync('sh', ['-c', `ls ${f}`], { stdio: 'ignore' }).status === 0;

const missing = () => [
  ...new Set([
    ...NEEDED.filter(([c]) => !has(c)).map(([, p]) => p),
    ...(process.arch === 'x64' ? FILES.filter(([f]) => !exists(f)).map(([, p]) => p) : []),
  ]),
];

let pkgs = missing();
if (pkgs.length === 0) process.exit(0);
const line = `apt-get install -y --no-install-recommends ${pkgs.join(' ')}`;
if (process.getuid?.() === 0 && has('apt-get')) {
  process.stderr.write(`check-system: installing ${pkgs.join(', ')} (${line})\n`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...pkgs], { stdio: 'inherit', env });
  pkgs = missing();
  if (pkgs.length === 0) process.exit(0);
}
process.stderr.write(
  `The test suite needs system tools that are missing: ${pkgs.join(', ')}.\nInstall them with:\n\n  sudo ${line}\n\n`,
);
process.exit(1);
