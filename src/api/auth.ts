import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { isLoopback } from '../settings/load.ts';

const digest = (s: string) => createHash('sha256').update(s).digest();

/** Constant-time bearer check; hashing first makes both sides the same length. */
export function tokenMatches(header: string | undefined, token: string): boolean {
  if (!header?.startsWith('Bearer ')) return false;
  return timingSafeEqual(digest(header.slice(7).trim()), digest(token));
}

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * With a token set: writes and the event stream always need it; on a non-loopback bind,
 * reads need it too (the docs page stays open so a person can find the API).
 */
export function authHook(token: string | undefined, bind: string) {
  const readsNeedToken = !isLoopback(bind);
  return async (req: FastifyRequest, reply: FastifyReply) => {
    if (!token) return;
    const path = req.url.split('?')[0] ?? '';
    if (path.startsWith('/api/docs')) return;
    const needs = !READ_METHODS.has(req.method) || path === '/api/v1/events' || readsNeedToken;
    if (!needs) return;
    if (tokenMatches(req.headers.authorization, token)) return;
    await reply
      .status(401)
      .send({ error: 'E_UNAUTHORIZED', message: 'this route needs Authorization: Bearer <api.token>' });
  };
}
