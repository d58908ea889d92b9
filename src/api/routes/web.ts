import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import fastifyStatic from '@fastify/static';
import { Type as T } from '@sinclair/typebox';
import { sessionId, tokenIs } from '../auth.ts';
import { replies } from '../schemas.ts';
import { SESSION_COOKIE } from '../session.ts';
import type { ApiServices } from '../services.ts';

/** The page's own URLs: each is the same shell; the page reads the path (deep links work). */
export const PAGES = [
  '/',
  '/studio',
  '/linecheck',
  '/soundcheck',
  '/patching',
  '/console',
  '/audio',
  '/layout',
  '/recall',
  '/facility',
  '/login',
];

/** The studio page (built into dist/web by `npm run build`) and its login session. */
export const webRoutes: FastifyPluginAsyncTypebox<{ services: ApiServices }> = async (app, { services }) => {
  const sessions = services.auth.sessions;

  app.post(
    '/api/v1/session',
    {
      config: { public: true },
      schema: {
        summary:
          'Log the page in with the API token: sets an HttpOnly, SameSite=Strict session cookie; every write from the page then sends the returned csrf as X-CSRF-Token',
        body: T.Object({ token: T.String({ minLength: 1, maxLength: 512 }) }, { additionalProperties: false }),
        response: replies(T.Object({ csrf: T.String() })),
      },
    },
    async (req, reply) => {
      if (!tokenIs(req.body.token, services.auth.token())) {
        void reply.status(401);
        return { error: 'E_UNAUTHORIZED', message: 'that is not the API token (rad token prints it)' } as never;
      }
      const s = sessions.create();
      void reply.setCookie(SESSION_COOKIE, s.id, {
        path: '/',
        httpOnly: true,
        sameSite: 'strict',
        secure: req.protocol === 'https',
      });
      return { csrf: s.csrf };
    },
  );

  app.get(
    '/api/v1/session',
    {
      config: { public: true },
      schema: {
        summary: "Whether this browser's session cookie is valid, and its CSRF token",
        response: replies(T.Object({ authenticated: T.Boolean(), csrf: T.Optional(T.String()) })),
      },
    },
    async (req) => {
      const csrf = sessions.get(sessionId(req));
      return csrf ? { authenticated: true, csrf } : { authenticated: false };
    },
  );

  app.delete(
    '/api/v1/session',
    { schema: { summary: 'Log the page out', response: replies(T.Object({ authenticated: T.Boolean() })) } },
    async (req, reply) => {
      sessions.end(sessionId(req));
      void reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return { authenticated: false };
    },
  );

  const root = services.web?.root;
  const built = root !== undefined && existsSync(join(root, 'index.html'));
  if (built) await app.register(fastifyStatic, { root, prefix: '/assets/', wildcard: true, index: false });
  for (const url of PAGES)
    app.get(url, { config: { public: true }, schema: { hide: true } }, async (_req, reply) => {
      if (!built) {
        void reply.status(503);
        return {
          error: 'E_WEB_NOT_BUILT',
          message: 'the studio page is not built: run `npm run build` (npm ci does it)',
        };
      }
      void reply.header('cache-control', 'no-cache');
      return reply.sendFile('index.html', root);
    });
};
