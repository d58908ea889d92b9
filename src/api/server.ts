import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import fastifyWebsocket from '@fastify/websocket';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { authHook } from './auth.ts';
import type { ApiContext } from './context.ts';
import { errorHandler } from './errors.ts';
import { registerEvents } from './events.ts';
import { systemRoutes } from './routes/system.ts';

export const BODY_LIMIT = 1024 * 1024;

export type RouteModule = (app: FastifyInstance, ctx: ApiContext) => void;

/** Builds the fastify app; listening is the caller's business so tests can use inject(). */
export async function buildApi(ctx: ApiContext, modules: RouteModule[] = []): Promise<FastifyInstance> {
  const app = Fastify({
    // request lines stay out of the daemon log; warnings and errors still go in
    loggerInstance: ctx.log.child({ part: 'api' }, { level: 'warn' }) as unknown as FastifyBaseLogger,
    bodyLimit: BODY_LIMIT,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true, allErrors: false } },
  });
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler((req, reply) => {
    void reply.status(404).send({ error: 'E_NOT_FOUND', message: `no route ${req.method} ${req.url.split('?')[0]}` });
  });
  await app.register(fastifySwagger, {
    openapi: {
      info: {
        title: 'Recording Assistant (rad) API',
        version: ctx.version,
        description: 'Console bridge, patchbays, line check, layout and recall.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    },
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/api/docs' });
  await app.register(fastifyWebsocket, { options: { maxPayload: BODY_LIMIT } });
  // @fastify/websocket hides WS routes from the OpenAPI document; the event stream belongs in it
  app.addHook('onRoute', (route) => {
    if (route.url === '/api/v1/events' && route.schema) route.schema.hide = false;
  });
  app.addHook('onRequest', authHook(ctx.settings.api.token, ctx.settings.api.bind));

  systemRoutes(app, ctx);
  registerEvents(app, ctx.bus);
  for (const m of modules) m(app, ctx);
  return app;
}
