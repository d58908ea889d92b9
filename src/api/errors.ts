import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { type ErrorKind, isRadError } from '../core/errors.ts';
import { osError } from '../core/paths.ts';

/** The API's one mapping from error kinds (core) to HTTP statuses. */
export const STATUS_OF_KIND: Record<ErrorKind, number> = {
  invalid: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  too_large: 413,
  misdirected: 421,
  too_many: 429,
  internal: 500,
  device: 502,
  unavailable: 503,
  timeout: 504,
};

type Validation = NonNullable<FastifyError['validation']>;

function valueAt(root: unknown, pointer: string): unknown {
  let v = root;
  for (const seg of pointer.split('/').slice(1)) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[seg.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return v;
}

/**
 * Ajv's errors in the caller's terms, one line per offending field with the value it got: a
 * union of literals reads `body.target: must be one of "inputs", "outputs" (got "sideways")`
 * instead of ajv's three `must be equal to constant` lines.
 */
function validationMessage(ctx: string | undefined, v: Validation, root: unknown): string {
  const fields = new Map<string, { consts: unknown[]; messages: string[] }>();
  const order: string[] = [];
  const field = (where: string) => {
    let f = fields.get(where);
    if (!f) {
      f = { consts: [], messages: [] };
      fields.set(where, f);
      order.push(where);
    }
    return f;
  };
  for (const e of v) {
    const base = `${ctx ?? 'request'}${e.instancePath ? e.instancePath.replace(/\//g, '.') : ''}`;
    const params = e.params as Record<string, unknown>;
    if (e.keyword === 'additionalProperties')
      field(`${base}.${params.additionalProperty}`).messages.push('unknown key');
    else if (e.keyword === 'required') field(`${base}.${params.missingProperty}`).messages.push('is required');
    else {
      const f = field(`${base}\u0000${e.instancePath}`);
      if (e.keyword === 'const') f.consts.push(params.allowedValue);
      else if (e.keyword === 'enum') f.consts.push(...((params.allowedValues as unknown[]) ?? []));
      else if (e.message && !f.messages.includes(e.message)) f.messages.push(e.message);
    }
  }
  return order
    .map((key) => {
      const [where, pointer] = key.split('\u0000');
      const f = fields.get(key)!;
      if (pointer === undefined) return `${where}: ${f.messages.join(', ')}`;
      const got = valueAt(root, pointer);
      const shown = got === undefined ? '' : ` (got ${JSON.stringify(got)?.slice(0, 80)})`;
      const msgs =
        f.consts.length > 0
          ? [
              `must be one of ${[...new Set(f.consts)].map((c) => JSON.stringify(c)).join(', ')}`,
              ...f.messages.filter((m) => !/anyOf|equal to constant/.test(m)),
            ]
          : f.messages;
      return `${where}: ${msgs.join('; ')}${shown}`;
    })
    .join('; ');
}

/** Every error leaves the API as `{ error, message }` with a 4xx for the caller's mistakes. */
export function errorHandler(err: FastifyError, req: FastifyRequest, reply: FastifyReply): void {
  if (isRadError(err)) {
    const status = STATUS_OF_KIND[err.kind];
    if (status >= 500) req.log.warn({ err: err.toString() }, 'device or server fault');
    void reply
      .status(status)
      .send({ error: err.code, message: err.message, ...(err.details ? { details: err.details } : {}) });
    return;
  }
  if (err.validation) {
    const ctx = err.validationContext;
    const root =
      ctx === 'body'
        ? req.body
        : ctx === 'querystring'
          ? req.query
          : ctx === 'params'
            ? req.params
            : ctx === 'headers'
              ? req.headers
              : undefined;
    void reply.status(400).send({ error: 'E_VALIDATION', message: validationMessage(ctx, err.validation, root) });
    return;
  }
  const errno = (err as { code?: unknown }).code;
  const syscall = (err as { syscall?: unknown }).syscall;
  if (typeof errno === 'string' && /^E[A-Z]+$/.test(errno) && typeof syscall === 'string') {
    // an OS error on a path: coded, with the path, never raw errno text as a 500
    const e = osError(err, String((err as { path?: unknown }).path ?? '(path)'));
    errorHandler(e as unknown as FastifyError, req, reply);
    return;
  }
  if ((err as { error?: unknown }).error === 'E_RATE_LIMIT') {
    void reply.status(429).send({ error: 'E_RATE_LIMIT', message: err.message });
    return;
  }
  if (err instanceof RangeError && /call stack/.test(err.message)) {
    void reply.status(400).send({ error: 'E_BAD_REQUEST', message: 'the request body is nested too deeply' });
    return;
  }
  const status = err.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    const code =
      err.code === 'FST_ERR_CTP_BODY_TOO_LARGE'
        ? 'E_BODY_TOO_LARGE'
        : err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE'
          ? 'E_MEDIA_TYPE'
          : err.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' ||
              err.code === 'FST_ERR_CTP_INVALID_JSON_BODY' ||
              err instanceof SyntaxError
            ? 'E_BAD_JSON'
            : status === 404
              ? 'E_NOT_FOUND'
              : 'E_BAD_REQUEST';
    void reply.status(status).send({ error: code, message: err.message });
    return;
  }
  req.log.error({ err }, 'unhandled error in request');
  void reply.status(500).send({ error: 'E_INTERNAL', message: err.message || 'internal error' });
}
