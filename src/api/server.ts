import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import fastifyWebsocket from '@fastify/websocket';
import type { Logger } from '../core/logger.ts';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import fastifyCookie from '@fastify/cookie';
import fastifyHelmet from '@fastify/helmet';
import fastifyRateLimit from '@fastify/rate-limit';
import { registerAuth } from './auth.ts';
import { errorHandler } from './errors.ts';
import { registerEvents } from './events.ts';
import { audioRoutes } from './routes/audio.ts';
import { consoleRoutes } from './routes/consoles.ts';
import { layoutRoutes } from './routes/layout.ts';
import { gainRoutes } from './routes/gain.ts';
import { linecheckRoutes } from './routes/linecheck.ts';
import { patchbayRoutes } from './routes/patchbays.ts';
import { prepRoutes } from './routes/prep.ts';
import { recallRoutes } from './routes/recall.ts';
import { systemRoutes } from './routes/system.ts';
import { webRoutes } from './routes/web.ts';
import type { ApiServices } from './services.ts';

export const BODY_LIMIT = 1024 * 1024;
/** A body over the limit but under this is read and dropped before the 413, so the client sees it. */
const DRAIN_LIMIT = 16 * BODY_LIMIT;

/** Builds the fastify app; listening is the caller's business so tests can use inject(). */
export async function buildApi(services: ApiServices, log: Logger): Promise<FastifyInstance> {
  const app = Fastify({
    // request lines stay out of the daemon log; warnings and errors still go in
    loggerInstance: log.child({ part: 'api' }, { level: 'warn' }) as unknown as FastifyBaseLogger,
    bodyLimit: BODY_LIMIT,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true, allErrors: false } },
  });
  app.setErrorHandler(errorHandler);
  // A body declared too large: fastify answers 413 at once and closes the connection while the
  // client is still sending, which the client sees as a reset (undici: "fetch failed"), not as the
  // 413. Read it to the end and drop it first (up to 16 MB; beyond that, the reset is the answer).
  // First hook of all, so nothing answers (401, 429) before the body is in.
  app.addHook('onRequest', async (req, reply) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (!(declared > BODY_LIMIT && declared <= DRAIN_LIMIT)) return;
    await new Promise<void>((resolve) => {
      req.raw.on('end', resolve);
      req.raw.on('error', resolve);
      req.raw.on('close', resolve);
      req.raw.resume();
    });
    return reply.status(413).send({
      error: 'E_BODY_TOO_LARGE',
      message: `the request body is ${declared} bytes; the limit is ${BODY_LIMIT}`,
    });
  });
  app.setNotFoundHandler((req, reply) => {
    void reply.status(404).send({ error: 'E_NOT_FOUND', message: `no route ${req.method} ${req.url.split('?')[0]}` });
  });
  await app.register(fastifySwagger, {
    openapi: {
      info: {
        title: 'Recording Assistant (rad) API',
        version: services.daemon.version,
        description: 'Console bridge, patchbays, line check, layout and recall.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    },
  });
  await app.register(fastifyHelmet, {
    // the docs page's own script and styles; the API answers JSON
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
      },
    },
  });
  // writes are limited per client address (a runaway script, a page hammering the API); the
  // limit goes on each write route before the plugin's own onRoute hook reads it
  app.addHook('onRoute', (route) => {
    const methods = ([] as string[]).concat(route.method);
    if (methods.some((m) => !['GET', 'HEAD', 'OPTIONS'].includes(m)) && services.auth.writesPerMinute > 0)
      route.config = {
        ...(route.config as object),
        rateLimit: { max: services.auth.writesPerMinute, timeWindow: 60000 },
      };
  });
  await app.register(fastifyRateLimit, {
    global: false,
    errorResponseBuilder: (_req, ctx) => ({
      statusCode: 429,
      error: 'E_RATE_LIMIT',
      message: `more than ${ctx.max} writes a minute; try again in ${Math.ceil(ctx.ttl / 1000)} s`,
    }),
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/api/docs', staticCSP: true });
  await app.register(fastifyWebsocket, { options: { maxPayload: BODY_LIMIT } });
  // @fastify/websocket hides WS routes from the OpenAPI document; the event stream belongs in it
  app.addHook('onRoute', (route) => {
    if (route.url === '/api/v1/events' && route.schema) route.schema.hide = false;
  });
  await app.register(fastifyCookie);
  registerAuth(app, {
    token: services.auth.token,
    allowedHosts: services.auth.allowedHosts,
    sessions: services.auth.sessions,
  });

  registerEvents(app, services.bus);
  // one plugin per area, each given the service interfaces it calls
  for (const plugin of [
    systemRoutes,
    consoleRoutes,
    patchbayRoutes,
    audioRoutes,
    linecheckRoutes,
    gainRoutes,
    layoutRoutes,
    recallRoutes,
    prepRoutes,
    webRoutes,
  ])
    await app.register(plugin, { services });
  return app;
}
