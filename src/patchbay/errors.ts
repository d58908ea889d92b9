import { type ErrorCode, RadError } from '../core/errors.ts';

/** A device's own error reply, as a coded error naming what was asked. */
export function deviceError(device: string, code: ErrorCode, detail: string, retryable = false): RadError {
  return new RadError(code, `${device}: ${detail}`, { details: { device, retryable } });
}
