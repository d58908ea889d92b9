import { createHash, timingSafeEqual } from 'node:crypto';
import { hostname, networkInterfaces } from 'node:os';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { SESSION_COOKIE, type SessionStore } from './session.ts';

const digest = (s: string) => createHash('sha256').update(s).digest();

/** Constant-time comparison; hashing first makes both sides the same length. */
function same(given: string, token: string): boolean {
  return timingSafeEqual(digest(given), digest(token));
}

/** Bearer header check (kept for callers that only have the header). */
export function tokenMatches(header: string | undefined, token: string): boolean {
  if (!header?.startsWith('Bearer ')) return false;
  return same(header.slice(7).trim(), token);
}

/** `Host: [::1]:8420` → `::1`; `Studio.local.:8420` → `studio.local`. */
export function hostOf(header: string | undefined): string {
  if (!header) return '';
  let h = header.trim().toLowerCase();
  if (h.startsWith('[')) h = h.slice(1, h.indexOf(']') > 0 ? h.indexOf(']') : undefined);
  else if (h.split(':').length === 2) h = h.split(':')[0]!;
  return h.replace(/\.$/, '');
}

/** The host names this daemon answers to: loopback, its bind address, the machine's names and addresses. */
export function defaultAllowedHosts(bind: string, extra: string[] = []): Set<string> {
  const hosts = new Set(['localhost', '127.0.0.1', '::1', hostOf(bind)]);
  const name = hostname().toLowerCase();
  hosts.add(name);
  hosts.add(`${name.split('.')[0]}.local`);
  if (bind === '0.0.0.0' || bind === '::')
    for (const list of Object.values(networkInterfaces()))
      for (const a of list ?? []) hosts.add(a.address.toLowerCase().replace(/%.*$/, ''));
  for (const h of extra) hosts.add(hostOf(h));
  hosts.delete('');
  hosts.delete('0.0.0.0');
  hosts.delete('::');
  return hosts;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export type AuthOptions = { token: () => string; allowedHosts: Set<string>; sessions: SessionStore };

/** The browser session's cookie, if the request has one. */
export function sessionId(req: FastifyRequest): string | undefined {
  return (req as FastifyRequest & { cookies?: Record<string, string | undefined> }).cookies?.[SESSION_COOKIE];
}

export function tokenIs(given: string, token: string): boolean {
  return same(given, token);
}

/**
 * Who may call: a request whose Host is not this daemon's is refused (421: a page on another
 * name reached us by DNS rebinding); a write or a WebSocket upgrade sent by a browser from a
 * foreign Origin is refused (403); every route needs the token except those marked public
 * (`/api/v1/health`, the docs). The check runs on the route the router matched, after it
 * decoded the path, so no spelling of a URL skips it.
 */
export function registerAuth(app: FastifyInstance, opts: AuthOptions): void {
  const deny = (reply: FastifyReply, status: number, error: string, message: string) =>
    reply.status(status).send({ error, message });
  app.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
    const host = hostOf(req.headers.host);
    if (!opts.allowedHosts.has(host))
      return deny(
        reply,
        421,
        'E_HOST',
        `this daemon does not answer to the host name ${JSON.stringify(host)} (add it to api.allowed_hosts)`,
      );
    const upgrade = (req.headers.upgrade ?? '').toLowerCase() === 'websocket';
    const origin = req.headers.origin;
    if (origin && (upgrade || !SAFE_METHODS.has(req.method))) {
      let oh = '';
      try {
        oh = hostOf(new URL(origin).host);
      } catch {
        oh = '';
      }
      if (!opts.allowedHosts.has(oh))
        return deny(reply, 403, 'E_ORIGIN', `requests from pages on ${JSON.stringify(origin)} are refused`);
    }
    const config = req.routeOptions.config as { public?: boolean } | undefined;
    // the docs and the page's static files (code and styles, no data) are public
    if (config?.public || req.routeOptions.url?.startsWith('/api/docs') || req.routeOptions.url?.startsWith('/assets/'))
      return;
    const bearer = req.headers.authorization;
    const token = opts.token();
    if (bearer?.startsWith('Bearer ') && same(bearer.slice(7).trim(), token)) return;
    // a browser cannot set headers on a WebSocket: the token may come as ?access_token= on GETs
    const q = (req.query as Record<string, unknown> | undefined)?.access_token;
    if (SAFE_METHODS.has(req.method) && typeof q === 'string' && same(q, token)) return;
    // the studio page: a session cookie, and on writes the session's CSRF token in a header
    const csrf = opts.sessions.get(sessionId(req));
    if (csrf !== undefined) {
      if (SAFE_METHODS.has(req.method) || upgrade) return;
      const sent = req.headers['x-csrf-token'];
      if (typeof sent === 'string' && same(sent, csrf)) return;
      return deny(reply, 403, 'E_CSRF', 'a write from the page needs its X-CSRF-Token header (reload the page)');
    }
    return deny(
      reply,
      401,
      'E_UNAUTHORIZED',
      'this route needs the API token: Authorization: Bearer <token> (rad token prints it; it is in data_dir/token)',
    );
  });
}
