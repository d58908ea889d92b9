import { describeError, isRadError } from '../core/errors.ts';

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
    readonly code = 'E_CLI',
  ) {
    super(message);
  }
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Prints an error as `rad: CODE: message` and returns the exit code it deserves. */
export function reportError(e: unknown): number {
  if (e instanceof CliError) {
    process.stderr.write(`rad: ${e.code === 'E_CLI' ? '' : `${e.code}: `}${e.message}\n`);
    return e.exitCode;
  }
  process.stderr.write(`rad: ${describeError(e)}\n`);
  if (isRadError(e) && ['invalid', 'not_found', 'conflict', 'too_large', 'forbidden', 'unauthorized'].includes(e.kind))
    return 2;
  return 1;
}
