/**
 * GET /signals/stream — live push over SSE (API.md). Raw frames on the hijacked response rather than
 * @fastify/sse: the plugin formats and serialises every message per client, awaits each write, and runs
 * a heartbeat timer per connection; the fan-out here needs one Buffer written to all, no awaits, one
 * timer (see the broadcaster). Never compressed: nothing in this app compresses, and `no-transform`
 * tells proxies not to either.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { AppError } from '../../errors.js';
import { errorBodySchema } from '../errors.js';
import { filtersOf, type StreamQuery, streamQuerySchema } from '../schemas/signals-query.js';
import { compileFilter } from '../sse/client-filter.js';
import { retryFrame } from '../sse/frames.js';
import { replay } from '../sse/replay.js';
import type { ZodTypeProvider } from '../zod-provider.js';

const streamBody = z.string().meta({
  mediaType: 'text/event-stream',
  description:
    'Server-sent events: `retry:` first, then replayed and live `event: signal` frames (`id:` = seq, data ' +
    '{seq, op, signal}), `event: ping` every 15 s, `event: resync` when Last-Event-ID is older than the log.',
});

export const STREAM_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache, no-transform',
  'x-accel-buffering': 'no',
  connection: 'keep-alive',
} as const;

/** The id to resume after: the Last-Event-ID header (the browser's own resume) wins over ?lastEventId. */
function resumeFrom(request: FastifyRequest, query: StreamQuery): number | null {
  const header = request.headers['last-event-id'];
  if (typeof header === 'string' && header.trim() !== '') {
    if (!/^\d{1,15}$/.test(header.trim())) {
      throw new AppError('BAD_REQUEST', 'Last-Event-ID: must be an event seq (a non-negative integer)', 400);
    }
    return Number(header.trim());
  }
  return query.lastEventId ?? null;
}

export async function signalsStreamRoute(app: FastifyInstance): Promise<void> {
  const typed = app.withTypeProvider<ZodTypeProvider>();
  const { broadcaster, streamLimits, streamTuning, signals } = app;
  const maxBuffer = app.streamConfig.maxBufferBytes;

  typed.get(
    '/signals/stream',
    {
      config: { rateLimit: false },
      schema: {
        summary: 'Live signal events (SSE), with replay from Last-Event-ID',
        tags: ['signals'],
        security: [{ apiKey: [] }, { bearer: [] }, { session: [] }],
        querystring: streamQuerySchema,
        response: {
          200: streamBody,
          400: errorBodySchema,
          401: errorBodySchema,
          403: errorBodySchema,
          429: errorBodySchema.meta({ description: 'Too many streams or connects; see Retry-After' }),
          503: errorBodySchema.meta({ description: 'Shutting down' }),
        },
      },
    },
    async (request, reply) => {
      if (!broadcaster.accepting) throw new AppError('UNAVAILABLE', 'The server is shutting down.', 503);
      const afterSeq = resumeFrom(request, request.query);
      const verdict = streamLimits.acquire(request.ip);
      if (!verdict.ok) {
        reply.header('retry-after', String(verdict.retryAfterS));
        throw new AppError('RATE_LIMITED', `Too many streams: ${verdict.message}.`, 429);
      }

      reply.hijack();
      const res = reply.raw;
      const socket = request.raw.socket;
      socket.setNoDelay(true);
      socket.setTimeout(0);
      socket.setKeepAlive(true, 30_000);
      res.writeHead(200, { ...(reply.getHeaders() as Record<string, string>), ...STREAM_HEADERS });

      const client = broadcaster.add(res, compileFilter(filtersOf(request.query)), afterSeq ?? 0);
      res.on('error', (error) => request.log.debug({ err: error }, 'sse response error'));
      res.on('close', () => {
        broadcaster.remove(client);
        verdict.release();
      });
      res.write(retryFrame(streamTuning.retryMinMs, streamTuning.retryMaxMs));

      if (afterSeq !== null) {
        const outcome = await replay(client, afterSeq, {
          signals,
          broadcaster,
          pageSize: streamTuning.pageSize,
          highWaterBytes: Math.min(64 * 1024, Math.floor(maxBuffer / 4)),
          log: request.log,
        });
        if (outcome === 'gone') return;
        if (outcome === 'failed') {
          // Nothing live may be sent past a gap: end, and let the client retry with the same id.
          broadcaster.remove(client);
          res.end();
          return;
        }
      }
      broadcaster.goLive(client);
    },
  );
}
