import { spawnSync } from 'node:child_process';

let setpriv: boolean | undefined;

/**
 * A child process that dies with the daemon: wrapped in util-linux `setpriv --pdeathsig KILL`
 * (the kernel signals it when rad exits, even by kill -9), so no socat or Chromium is orphaned.
 * Without setpriv (not Linux) the command runs as given.
 */
export function diesWithParent(cmd: string, args: string[]): [string, string[]] {
  setpriv ??= process.platform === 'linux' && spawnSync('setpriv', ['--version'], { stdio: 'ignore' }).status === 0;
  return setpriv ? ['setpriv', ['--pdeathsig', 'KILL', '--', cmd, ...args]] : [cmd, args];
}
