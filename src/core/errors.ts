/**
 * What kind of failure an error code is. The API maps kinds to HTTP statuses and the CLI to exit
 * codes; core knows neither.
 */
export type ErrorKind =
  | 'invalid' // the caller's value or file is wrong
  | 'unauthorized' // no or wrong credentials
  | 'forbidden' // not allowed, whoever asks
  | 'not_found' // no such thing
  | 'conflict' // clashes with what exists or runs
  | 'too_large' // over a size limit
  | 'misdirected' // addressed to a host name this daemon does not answer to (DNS rebinding)
  | 'too_many' // over a rate limit
  | 'device' // the device answered, but not as it should
  | 'unavailable' // a device, backend or service cannot be reached now
  | 'timeout' // a device did not answer in time
  | 'internal'; // a bug, or a fault of this machine

/**
 * Every error code rad uses, with its kind. The same mistake has the same code on every console
 * family and every patchbay protocol; add a code here before throwing it.
 */
export const ERROR_CODES = {
  // daemon, settings, store
  E_API_BIND: 'invalid',
  E_API_LISTEN: 'internal',
  E_API_NOT_LISTENING: 'internal',
  E_API_PORT_IN_USE: 'conflict',
  E_DATA_DIR: 'invalid',
  E_SETTINGS: 'invalid',
  E_STORE_TOO_NEW: 'conflict',
  E_SIM_PORT_IN_USE: 'conflict',
  E_SIM_START: 'internal',
  E_INTERNAL: 'internal',
  // HTTP and the CLI's talk with the daemon
  E_VALIDATION: 'invalid',
  E_BAD_JSON: 'invalid',
  E_MEDIA_TYPE: 'invalid',
  E_BODY_TOO_LARGE: 'too_large',
  E_NOT_FOUND: 'not_found',
  E_UNAUTHORIZED: 'unauthorized',
  E_HOST: 'misdirected',
  E_ORIGIN: 'forbidden',
  E_RATE_LIMIT: 'too_many',
  E_PATH_OUTSIDE: 'forbidden',
  E_PATH_DENIED: 'forbidden',
  E_PATH_EXISTS: 'conflict',
  E_PATH_NOT_FOUND: 'not_found',
  E_PATH_INVALID: 'invalid',
  E_DISK_FULL: 'unavailable',
  E_BAD_REQUEST: 'invalid',
  E_UNKNOWN_TOPIC: 'invalid',
  E_WS_UPGRADE: 'invalid',
  E_EVENTS: 'unavailable',
  E_CLI: 'internal',
  E_USAGE: 'invalid',
  E_FILE: 'invalid',
  E_NO_DAEMON_URL: 'invalid',
  E_DAEMON_UNREACHABLE: 'unavailable',
  E_DAEMON_REPLY: 'device',
  // consoles (every family)
  E_UNKNOWN_CONSOLE: 'not_found',
  E_NO_CONSOLE: 'invalid',
  E_UNKNOWN_PATH: 'not_found',
  E_VALUE_RANGE: 'invalid',
  E_VALUE_TYPE: 'invalid',
  E_CAPABILITY: 'invalid',
  E_NO_PREAMP: 'invalid',
  E_CONSOLE_OFFLINE: 'unavailable',
  E_CONSOLE_NO_REPLY: 'timeout',
  E_CONSOLE_TIMEOUT: 'timeout',
  E_CONSOLE_REPLY: 'device',
  E_CONSOLE_WRITE_MISMATCH: 'device',
  E_OSC_MALFORMED: 'device',
  E_MIDI_UNAVAILABLE: 'unavailable',
  E_SCENE_INVALID: 'invalid',
  E_SCENE_LINE: 'invalid',
  // patchbays (every protocol)
  E_UNKNOWN_PATCHBAY: 'not_found',
  E_PATCHBAY_OFFLINE: 'unavailable',
  E_PATCH_OUTPUT_RANGE: 'invalid',
  E_PATCH_INPUT_RANGE: 'invalid',
  E_PATCH_DUPLICATE_OUTPUT: 'invalid',
  E_PATCH_EMPTY: 'invalid',
  E_PATCH_NO_DISCONNECT: 'invalid',
  E_PATCH_PRESET: 'not_found',
  E_PATCH_MAP_UNKNOWN: 'unavailable',
  E_PATCH_BUSY: 'unavailable',
  E_PATCH_IO: 'unavailable',
  E_PATCH_TIMEOUT: 'timeout',
  E_PATCH_TIE_NOT_TAKEN: 'device',
  E_PATCH_AUTH: 'device',
  E_PATCH_COMMAND: 'device',
  E_PATCH_CONFIG: 'device',
  E_PATCH_DEVICE: 'device',
  E_PATCH_GARBAGE: 'device',
  E_PATCH_NO_CROSSPOINT: 'device',
  E_PATCH_PRIVILEGE: 'device',
  E_PATCH_REFUSED: 'device',
  E_PATCH_SIZE: 'device',
  E_PATCH_VALUE: 'device',
  E_TRACE_ARGS: 'invalid',
  // audio engine and measurements
  E_NO_AUDIO: 'unavailable',
  E_AUDIO_OFFLINE: 'unavailable',
  E_AUDIO_STOPPED: 'unavailable',
  E_AUDIO_UNAVAILABLE: 'unavailable',
  E_AUDIO_CHANNEL: 'invalid',
  E_SIGNAL: 'invalid',
  E_MEASURE: 'internal',
  E_MEASURE_TIMEOUT: 'timeout',
  // line check
  E_LINECHECK_RUNNING: 'conflict',
  E_LINECHECK_EMPTY: 'invalid',
  E_LINECHECK_PATH: 'invalid',
  E_LINECHECK_UNTESTABLE: 'unavailable',
  E_LINECHECK_CANCELLED: 'conflict',
  E_LINECHECK_OSCILLATOR: 'device',
  E_UNKNOWN_RUN: 'not_found',
  E_NOT_RUNNING: 'not_found',
  // layout and profiles
  E_UNKNOWN_PROFILE: 'not_found',
  E_PROFILE_INVALID: 'invalid',
  E_PROFILE_NAME: 'conflict',
  E_INPUT_LIST_CSV: 'invalid',
  E_INPUT_LIST_DUPLICATE: 'invalid',
  E_INPUT_LIST_EMPTY: 'invalid',
  E_INPUT_LIST_HEADER: 'invalid',
  E_LAYOUT_OVERFLOW: 'invalid',
  E_LAYOUT_PHANTOM: 'invalid',
  E_LAYOUT_APPLY: 'device',
  // recall
  E_UNKNOWN_SNAPSHOT: 'not_found',
  E_SNAPSHOT_FAMILY: 'conflict',
  E_UNKNOWN_GEAR: 'not_found',
  E_GEAR_INVALID: 'invalid',
  E_GEAR_CONTROL: 'invalid',
  E_GEAR_RANGE: 'invalid',
  E_UNKNOWN_VERSION: 'not_found',
  E_VERSION_EXISTS: 'conflict',
  E_PRINT_BUSY: 'conflict',
  E_NO_PRINT: 'not_found',
  E_BACKUP_TARGET: 'invalid',
  E_BACKUP_MISSING: 'not_found',
  E_BACKUP_FORMAT: 'invalid',
  E_BACKUP_CORRUPT: 'invalid',
  E_BACKUP_RSYNC: 'unavailable',
  E_BACKUP_RUNNING: 'conflict',
  E_MQTT_UNREACHABLE: 'unavailable',
  E_NO_MQTT: 'not_found',
  E_CLOCK_MISMATCH: 'conflict',
  E_CABLE_OUTPUT_IN_USE: 'conflict',
  E_CABLE_RUNNING: 'conflict',
  E_GAIN_TARGET: 'invalid',
  E_GAIN_RUNNING: 'conflict',
  E_GAIN_NO_LISTEN: 'conflict',
  E_NO_SIM: 'not_found',
  E_CUE_ROLE: 'invalid',
  E_CUE_ROLE_MISSING: 'conflict',
  E_CUE_BUS: 'invalid',
  E_UNKNOWN_TICKET: 'not_found',
  E_TICKET_NO_FAULT: 'invalid',
  E_TICKET_INVALID: 'invalid',
  E_SERVICE_INVALID: 'invalid',
  E_WEB_NOT_BUILT: 'unavailable',
  E_CSRF: 'forbidden',
  E_MQTT_CONFIG: 'invalid',
  E_MQTT_BAD_COMMAND: 'invalid',
  E_MQTT_BAD_ARGS: 'invalid',
  E_MQTT_VERB_NOT_ALLOWED: 'forbidden',
  E_MQTT_REPLY_TOPIC: 'invalid',
  E_RESTORE_NOT_EMPTY: 'invalid',
  // session prep and audio files
  E_UNKNOWN_JOB: 'not_found',
  E_PREP_INPUTS: 'invalid',
  E_PREP_OPTION: 'invalid',
  E_PREP_TOO_LONG: 'invalid',
  E_PREP_OUT: 'invalid',
  E_PREP_FAILED: 'internal',
  E_PREP_WORKER: 'internal',
  E_OUTPUT_DIR: 'invalid',
  E_OUTPUT_IS_INPUT: 'invalid',
  E_OUTPUT_UNWRITABLE: 'invalid',
  E_BOUNCE_CHANNELS: 'invalid',
  E_BOUNCE_EMPTY: 'invalid',
  E_BOUNCE_RATE: 'invalid',
  E_GATE_KEY_RATE: 'invalid',
  E_WAV_EMPTY: 'invalid',
  E_WAV_FORMAT: 'invalid',
  E_WAV_HEADER: 'invalid',
  E_WAV_NOT_WAV: 'invalid',
  E_WAV_OPEN: 'invalid',
  E_WAV_TRUNCATED: 'invalid',
} as const satisfies Record<string, ErrorKind>;

export type ErrorCode = keyof typeof ERROR_CODES;

export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && Object.hasOwn(ERROR_CODES, code);
}

/** A coded error: `E_PATCH_OUTPUT_RANGE: output 33 does not exist on 'bay-a' (1..32)`. */
export class RadError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, opts: { details?: Record<string, unknown>; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'RadError';
    this.code = code;
    this.details = opts.details;
  }

  get kind(): ErrorKind {
    return ERROR_CODES[this.code] ?? 'internal';
  }

  override toString(): string {
    return `${this.code}: ${this.message}`;
  }
}

/** A coded error; its kind (and so the HTTP status and exit code) comes from the registry. */
export const fail = (code: ErrorCode, message: string, details?: Record<string, unknown>) =>
  new RadError(code, message, { details });

export function isRadError(e: unknown): e is RadError {
  return e instanceof RadError;
}

/** Rebuilds a coded error that crossed a thread boundary as `{code, message}`. */
export function revive(code: unknown, message: string, fallback: ErrorCode): RadError {
  return new RadError(isErrorCode(code) ? code : fallback, message);
}

/** One line for logs and CLI output, whatever was thrown. */
export function describeError(e: unknown): string {
  if (e instanceof RadError) return `${e.code}: ${e.message}`;
  if (e instanceof Error) return e.message;
  return String(e);
}
