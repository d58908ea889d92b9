import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { isRadError } from '../core/errors.ts';

type Validation = NonNullable<FastifyError['validation']>;

function validationMessage(ctx: string | undefined, v: Validation): string {
  return v
    .map((e) => {
      const where = `${ctx ?? 'request'}${e.instancePath ? e.instancePath.replace(/\//g, '.') : ''}`;
      const params = e.params as Record<string, unknown>;
      if (e.keyword === 'additionalProperties') return `${where}.${params.additionalProperty}: unknown key`;
      if (e.keyword === 'required') return `${where}.${params.missingProperty}: is required`;
      return `${where}: ${e.message}`;
    })
    .join('; ');
}

/** Every error leaves the API as `{ error, message }` with a 4xx for the caller's mistakes. */
export function errorHandler(err: FastifyError, req: FastifyRequest, reply: FastifyReply): void {
  if (isRadError(err)) {
    if (err.httpStatus >= 500) req.log.warn({ err: err.toString() }, 'device or server fault');
    void reply.status(err.httpStatus).send({ error: err.code, message: err.message, ...(err.details ? { details: err.details } : {}) });
    return;
  }
  if (err.validation) {
    void reply.status(400).send({ error: 'E_VALIDATION', message: validationMessage(err.validationContext, err.validation) });
    return;
  }
  const status = err.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    const code =
      err.code === 'FST_ERR_CTP_BODY_TOO_LARGE'
        ? 'E_BODY_TOO_LARGE'
        : err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE'
          ? 'E_MEDIA_TYPE'
          : err.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || err.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || err instanceof SyntaxError
            ? 'E_BAD_JSON'
            : `E_HTTP_${status}`;
    void reply.status(status).send({ error: code, message: err.message });
    return;
  }
  req.log.error({ err }, 'unhandled error in request');
  void reply.status(500).send({ error: 'E_INTERNAL', message: err.message || 'internal error' });
}
