import { createRequire } from 'node:module';
import { pino, type Logger } from 'pino';

export type { Logger };

/** JSON logs by default; human-readable when stderr is a terminal. */
export function createLogger(opts: { level?: string; pretty?: boolean } = {}): Logger {
  const level = opts.level ?? process.env.RAD_LOG_LEVEL ?? 'info';
  const usePretty = opts.pretty ?? process.stderr.isTTY === true;
  if (usePretty) {
    // only a terminal needs the pretty printer; a service under systemd logs JSON without loading it
    const pretty = createRequire(import.meta.url)('pino-pretty') as (
      o: Record<string, unknown>,
    ) => NodeJS.WritableStream;
    return pino({ level }, pretty({ destination: 2, sync: true, colorize: true }) as never);
  }
  return pino({ level }, pino.destination({ dest: 2, sync: true }));
}

export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
