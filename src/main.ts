import type { Device } from './core/device.ts';
import { App } from './app.ts';
import { describeError, isRadError } from './core/errors.ts';
import { createLogger, type Logger } from './core/logger.ts';
import { SdNotify } from './core/sdnotify.ts';
import { runCli } from './cli/program.ts';
import { loadSettings, resolveConfigPath, SettingsError } from './settings/load.ts';

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

const SHUTDOWN_HARD_LIMIT_MS = 4800;

/**
 * Runs the daemon until SIGTERM/SIGINT. Returns the exit code for configuration and start-up
 * failures; on a signal it exits the process itself (0) within 5 s whatever the devices do.
 */
export async function runDaemon(
  configPath: string,
  opts: { extraDevices?: Device[]; log?: Logger } = {},
): Promise<number> {
  let settings: ReturnType<typeof loadSettings>;
  try {
    settings = loadSettings(configPath);
  } catch (e) {
    if (e instanceof SettingsError) {
      process.stderr.write(`rad: invalid settings in ${e.file}\n${e.problems.map((p) => `  ${p}`).join('\n')}\n`);
      return EXIT_USAGE;
    }
    throw e;
  }
  const log = opts.log ?? createLogger({ level: settings.log_level });
  const notify = new SdNotify();
  let app: App;
  try {
    app = await App.build(settings, { log, extraDevices: opts.extraDevices });
  } catch (e) {
    process.stderr.write(`rad: ${describeError(e)}\n`);
    return isRadError(e) && e.code === 'E_DATA_DIR' ? EXIT_USAGE : EXIT_FAILURE;
  }

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    const t0 = Date.now();
    setTimeout(() => {
      log.warn({ signal }, 'shutdown hit its hard limit; exiting now');
      process.exit(EXIT_OK);
    }, SHUTDOWN_HARD_LIMIT_MS).unref();
    log.info({ signal }, 'stopping');
    await notify.stopping();
    notify.stopWatchdog();
    await app.stop(SHUTDOWN_HARD_LIMIT_MS - 400);
    log.info({ ms: Date.now() - t0 }, 'stopped');
    process.exit(EXIT_OK);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('unhandledRejection', (err) =>
    log.error({ err: describeError(err) }, 'unhandled rejection (daemon keeps running)'),
  );

  const t0 = performance.now();
  try {
    await app.start();
  } catch (e) {
    process.stderr.write(`rad: ${describeError(e)}\n`);
    await app.stop(2000);
    return isRadError(e) && (e.code === 'E_API_BIND' || e.code === 'E_DATA_DIR') ? EXIT_USAGE : EXIT_FAILURE;
  }
  await notify.ready();
  notify.startWatchdog();
  log.info({ api: app.apiUrl(), devices: app.devices().length, start_ms: Math.round(performance.now() - t0) }, 'ready');
  return new Promise<number>(() => {}); // runs until a signal
}

/**
 * The `rad` program (bin/rad.mjs calls this): the CLI, with `rad start` running the daemon above.
 * The entry wires the two, so the CLI never imports the entry.
 */
export function main(argv: string[]): Promise<void> {
  return runCli(argv, { runDaemon: (configFlag) => runDaemon(resolveConfigPath(configFlag)) });
}
