import type { FastifyInstance } from 'fastify';
import type { WebSocket } from 'ws';
import { type Bus, parseTopicFilter, type Topic } from '../core/bus.ts';
import { fail } from '../core/errors.ts';

const METER_TOPICS = new Set<Topic>(['console.meters', 'audio.meters', 'audio.tuner']);
// at most ~20 Hz per client and source: a 20 Hz source arrives every 50 ms give or take a block,
// so the gate is 40 ms (a 50 ms gate dropped every frame that came a little early: 14 Hz measured)
const METER_MIN_INTERVAL_MS = 40;
const DROP_METERS_ABOVE = 256 * 1024;
const CLOSE_ABOVE = 8 * 1024 * 1024;

/** WebSocket `/api/v1/events`: the bus, filtered by `?topics=`, meters throttled per client. */
export function registerEvents(app: FastifyInstance, bus: Bus): void {
  // one JSON text per event for every client: the bus calls each client's listener in turn with
  // the same payload object, so the last text is reused (500 clients, one stringify)
  let lastPayload: unknown;
  let lastTopic: Topic | undefined;
  let lastText = '';
  const serialise = (topic: Topic, payload: unknown): string => {
    if (payload !== lastPayload || topic !== lastTopic) {
      lastPayload = payload;
      lastTopic = topic;
      lastText = JSON.stringify({ topic, at: new Date().toISOString(), payload });
    }
    return lastText;
  };
  app.route({
    method: 'GET',
    url: '/api/v1/events',
    schema: {
      summary: 'Event stream (WebSocket): bus events filtered by topic',
      querystring: {
        type: 'object',
        properties: { topics: { type: 'string' }, access_token: { type: 'string' } },
        additionalProperties: false,
      },
    },
    preValidation: async (req) => {
      const q = req.query as { topics?: string };
      const parsed = parseTopicFilter(q.topics);
      if (!(parsed instanceof Set))
        throw fail('E_UNKNOWN_TOPIC', `unknown topic ${JSON.stringify(parsed.unknown)}`, {
          topic: parsed.unknown,
        });
    },
    // a plain HTTP GET gets told what this route is, not an empty 404
    handler: async (_req, reply) => {
      void reply.status(426).header('upgrade', 'websocket');
      return {
        error: 'E_WS_UPGRADE',
        message: 'this is a WebSocket route: connect with ws://…/api/v1/events?topics=…',
      };
    },
    wsHandler: (socket: WebSocket, req) => {
      const topics = parseTopicFilter((req.query as { topics?: string }).topics) as Set<Topic>;
      const owner = {};
      const lastMeter = new Map<string, number>();
      bus.want(owner, topics); // meters are produced only while someone wants them
      bus.onAny(owner, (payload, topic) => {
        if (!topics.has(topic)) return;
        if (socket.bufferedAmount > CLOSE_ABOVE) {
          socket.close(1008, 'client too slow');
          return;
        }
        if (METER_TOPICS.has(topic)) {
          if (socket.bufferedAmount > DROP_METERS_ABOVE) return;
          const p = payload as { console?: string; bank?: number; channel?: number };
          const key = `${topic}|${p.console ?? ''}|${p.bank ?? p.channel ?? ''}`;
          const now = performance.now();
          const last = lastMeter.get(key);
          if (last !== undefined && now - last < METER_MIN_INTERVAL_MS) return;
          lastMeter.set(key, now);
        }
        socket.send(serialise(topic, payload));
      });
      socket.on('close', () => bus.removeOwner(owner));
      socket.on('error', () => bus.removeOwner(owner));
      socket.send(JSON.stringify({ topic: 'hello', at: new Date().toISOString(), payload: { topics: [...topics] } }));
    },
  });
}
