/**
 * The Telegram Gateway's endpoints exactly as GATEWAY-CONTRACT.md gives them: stream, polling, ack and
 * health. Every request passes the same gate first: down (503), an injected failure (500), then auth (401).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { EndpointKind, Faults } from './faults.js';
import type { MessageStore } from './message-store.js';
import type { Outcome, Stats } from './stats.js';
import type { StreamHub } from './stream-hub.js';

export interface GatewayRoutesDeps {
  store: MessageStore;
  hub: StreamHub;
  faults: Faults;
  stats: Stats;
  apiKey: string | null;
}

const CHANNEL_REQUIRED = 'Query parameter "channel" is required';
const MAX_LIMIT = 1000;

const streamQuery = z.object({ channel: z.string().min(1, CHANNEL_REQUIRED), after: z.string().optional() });
const pollQuery = z.object({
  channel: z.string().min(1, CHANNEL_REQUIRED),
  status: z.string().optional(),
  excludeProcessedBy: z.string().optional(),
  limit: z.coerce
    .number({ error: `Query parameter "limit" must be an integer between 1 and ${MAX_LIMIT}` })
    .int(`Query parameter "limit" must be an integer between 1 and ${MAX_LIMIT}`)
    .min(1, `Query parameter "limit" must be an integer between 1 and ${MAX_LIMIT}`)
    .max(MAX_LIMIT, `Query parameter "limit" must be an integer between 1 and ${MAX_LIMIT}`)
    .default(100),
});
const ackBody = z.object({
  messageIds: z.array(z.union([z.string().min(1), z.number().int()]).transform(String), {
    error: '"messageIds" must be an array of message ids',
  }),
  processedBy: z.string({ error: '"processedBy" is required' }).min(1, '"processedBy" is required'),
});

/** A zod error as the gateway words it: the first problem, or the channel rule when the channel is missing. */
function messageOf(error: z.ZodError): string {
  const first = error.issues[0];
  if (!first) return 'Invalid request';
  if (first.path[0] === 'channel') return CHANNEL_REQUIRED;
  return first.message;
}

function presentedKey(request: FastifyRequest): string | undefined {
  const { headers } = request;
  const header = (name: string) => {
    const value = headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
  const bearer = header('authorization')?.match(/^Bearer\s+(.+)$/i)?.[1];
  return header('x-api-key') ?? header('x-gateway-token') ?? bearer;
}

/** Sim cursors are integers; anything else cannot have come from this sim. */
function parseCursor(raw: string | undefined): number | null | 'invalid' {
  if (raw === undefined || raw.trim() === '') return null;
  const trimmed = raw.trim();
  if (!/^\d{1,16}$/.test(trimmed)) return 'invalid';
  return Number(trimmed);
}

export function registerGatewayRoutes(app: FastifyInstance, deps: GatewayRoutesDeps): void {
  const { store, hub, faults, stats } = deps;

  function answer(kind: EndpointKind, reply: FastifyReply, outcome: Outcome, status: number, body: unknown) {
    stats.record(kind, outcome);
    return reply.code(status).send(body);
  }

  /** Answers the request and returns false when a fault or the auth check stops it. */
  function gate(kind: EndpointKind, request: FastifyRequest, reply: FastifyReply): boolean {
    if (faults.down) {
      const body =
        kind === 'health'
          ? { status: 'unhealthy', service: 'telegram-gateway-api', timestamp: new Date().toISOString() }
          : { success: false, message: 'Service unavailable' };
      answer(kind, reply, 'down', 503, body);
      return false;
    }
    if (faults.takeFailure(kind)) {
      answer(kind, reply, 'failed', 500, { success: false, message: 'Internal server error (simulated)' });
      return false;
    }
    if (kind !== 'health' && deps.apiKey !== null && presentedKey(request) !== deps.apiKey) {
      answer(kind, reply, 'unauthorized', 401, { success: false, message: 'Unauthorized' });
      return false;
    }
    return true;
  }

  app.get('/api/messages/stream', async (request, reply) => {
    if (!gate('stream', request, reply)) return reply;
    const query = streamQuery.safeParse(request.query);
    if (!query.success)
      return answer('stream', reply, 'bad_request', 400, { success: false, message: messageOf(query.error) });
    const header = request.headers['last-event-id'];
    // The header wins: EventSource sends it on reconnect while the URL still carries the first `after=`.
    const fromHeader = parseCursor(Array.isArray(header) ? header[0] : header);
    const cursor = fromHeader ?? parseCursor(query.data.after);
    if (cursor === 'invalid')
      return answer('stream', reply, 'bad_request', 400, { success: false, message: 'Invalid cursor' });
    stats.record('stream', 'ok');
    reply.hijack();
    hub.open(request.raw, reply.raw, query.data.channel, cursor ?? 0);
    return reply;
  });

  app.get('/api/messages/unprocessed', async (request, reply) => {
    if (!gate('poll', request, reply)) return reply;
    const query = pollQuery.safeParse(request.query);
    if (!query.success)
      return answer('poll', reply, 'bad_request', 400, { success: false, message: messageOf(query.error) });
    const { channel, status, excludeProcessedBy, limit } = query.data;
    const statuses = status
      ? status
          .split(',')
          .map((s) => s.trim())
          .filter((s) => s !== '')
      : null;
    const data = store.unprocessed({
      channelId: channel,
      statuses,
      excludeProcessedBy: excludeProcessedBy ?? null,
      limit,
    });
    return answer('poll', reply, 'ok', 200, {
      success: true,
      data,
      count: data.length,
      filters: { channel, status: statuses, excludeProcessedBy: excludeProcessedBy ?? null, limit },
    });
  });

  app.post('/api/messages/mark-processed', async (request, reply) => {
    if (!gate('ack', request, reply)) return reply;
    const body = ackBody.safeParse(request.body);
    if (!body.success)
      return answer('ack', reply, 'bad_request', 400, { success: false, message: messageOf(body.error) });
    const { messageIds, processedBy } = body.data;
    const updated = store.markProcessed(messageIds, processedBy);
    stats.recordAck(messageIds.length, updated);
    return answer('ack', reply, 'ok', 200, {
      success: true,
      message: `${updated} message(s) marked as processed`,
      data: { requested: messageIds.length, updated, processedBy },
    });
  });

  app.get('/health', async (request, reply) => {
    if (!gate('health', request, reply)) return reply;
    return answer('health', reply, 'ok', 200, {
      status: 'healthy',
      service: 'telegram-gateway-api',
      timestamp: new Date().toISOString(),
    });
  });
}
