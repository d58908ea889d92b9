/** A coded error: `E_PATCH_OUTPUT_RANGE: output 33 does not exist on 'bay-a' (1..32)`. */
export class RadError extends Error {
  readonly code: string;
  readonly httpStatus: number;
  readonly details: Record<string, unknown> | undefined;

  constructor(
    code: string,
    message: string,
    opts: { httpStatus?: number; details?: Record<string, unknown>; cause?: unknown } = {},
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'RadError';
    this.code = code;
    this.httpStatus = opts.httpStatus ?? 500;
    this.details = opts.details;
  }

  override toString(): string {
    return `${this.code}: ${this.message}`;
  }
}

export const badRequest = (code: string, message: string, details?: Record<string, unknown>) =>
  new RadError(code, message, { httpStatus: 400, details });
export const notFound = (code: string, message: string, details?: Record<string, unknown>) =>
  new RadError(code, message, { httpStatus: 404, details });
export const conflict = (code: string, message: string, details?: Record<string, unknown>) =>
  new RadError(code, message, { httpStatus: 409, details });
export const unavailable = (code: string, message: string, details?: Record<string, unknown>) =>
  new RadError(code, message, { httpStatus: 503, details });

export function isRadError(e: unknown): e is RadError {
  return e instanceof RadError;
}

/** One line for logs and CLI output, whatever was thrown. */
export function describeError(e: unknown): string {
  if (e instanceof RadError) return `${e.code}: ${e.message}`;
  if (e instanceof Error) return e.message;
  return String(e);
}
