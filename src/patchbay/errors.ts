import { RadError } from '../core/errors.ts';

/** A device's own error reply, as a coded error naming what was asked. */
export function deviceError(device: string, code: string, detail: string, retryable = false): RadError {
  return new RadError(code, `${device}: ${detail}`, {
    httpStatus: code === 'E_PATCH_BUSY' ? 503 : 502,
    details: { device, retryable },
  });
}
