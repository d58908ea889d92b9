import { Command, CommanderError } from 'commander';
import { VERSION } from '../version.ts';
import { audioCommands } from './commands/audio.ts';
import { backupCommands } from './commands/backup.ts';
import { consoleCommands } from './commands/console.ts';
import { daemonCommands } from './commands/daemon.ts';
import { facilityCommands } from './commands/facility.ts';
import { gainCommands } from './commands/gain.ts';
import { gearCommands } from './commands/gear.ts';
import { initCommands } from './commands/init.ts';
import { layoutCommands } from './commands/layout.ts';
import { linecheckCommands } from './commands/linecheck.ts';
import { logCommands } from './commands/logs.ts';
import { patchCommands } from './commands/patch.ts';
import { prepCommands } from './commands/prep.ts';
import { mixbookCommands, printCommands } from './commands/print.ts';
import { recallCommands } from './commands/recall.ts';
import { simCommands } from './commands/sim.ts';
import { reportError } from './output.ts';

/** What the CLI needs from the program's entry (src/main.ts): the daemon itself, for `rad start`. */
export type CliEntry = { runDaemon(configFlag: string | undefined): Promise<number> };

/** Parses argv and runs one `rad` command; sets process.exitCode (0 ok, 1 failure, 2 usage). */
export async function runCli(argv: string[], entry: CliEntry): Promise<void> {
  // `rad … | head` closes the pipe early: that is not an error
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0);
    throw e;
  });

  const program = new Command('rad')
    .description('Recording Assistant: console bridge, patchbays, line check, layout and recall')
    .version(VERSION)
    .enablePositionalOptions()
    .exitOverride()
    .configureOutput({
      writeErr: (s) => process.stderr.write(s),
      // commander's own usage errors (a missing value, an unknown option) get the code every other
      // usage mistake has: `rad: E_USAGE: option '--pop-rise <db>' argument missing`
      outputError: (s, write) => write(s.replace(/^error: /, 'rad: E_USAGE: ')),
    });

  daemonCommands(program, entry.runDaemon);
  consoleCommands(program);
  audioCommands(program);
  patchCommands(program);
  layoutCommands(program);
  prepCommands(program);
  linecheckCommands(program);
  gainCommands(program);
  recallCommands(program);
  backupCommands(program);
  gearCommands(program);
  printCommands(program);
  mixbookCommands(program);
  simCommands(program);
  logCommands(program);
  facilityCommands(program);
  initCommands(program);

  try {
    await program.parseAsync(argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      // help and version are not errors; usage mistakes exit 2
      process.exitCode =
        e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.exitCode === 0 ? 0 : 2;
    } else {
      process.exitCode = reportError(e);
    }
  }
}
