/** GET /signals (cached, legacy compatible) and GET /signals/:id (one signal with its lifecycle events). */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { AppError } from '../../errors.js';
import { errorBodySchema } from '../errors.js';
import { signalDetailSchema, signalListSchema } from '../schemas/signal.js';
import { signalIdParamsSchema, signalsQuerySchema } from '../schemas/signals-query.js';
import type { ZodTypeProvider } from '../zod-provider.js';

export const CACHE_CONTROL = 'private, max-age=0, must-revalidate';

const notModified = z.null().meta({ description: 'Not modified (If-None-Match matched the ETag)' });
const errors = {
  400: errorBodySchema.meta({ description: 'A bad parameter, named in the message' }),
  401: errorBodySchema.meta({ description: 'Credentials missing, or the session expired' }),
  403: errorBodySchema.meta({ description: 'Credentials wrong' }),
  429: errorBodySchema.meta({ description: 'Rate limited; see Retry-After' }),
  503: errorBodySchema.meta({ description: 'The database (and the cache) cannot answer' }),
};

export async function signalsRoutes(app: FastifyInstance): Promise<void> {
  const typed = app.withTypeProvider<ZodTypeProvider>();

  typed.get(
    '/signals',
    {
      schema: {
        summary: 'List signals, newest first (cached; ETag / If-None-Match)',
        tags: ['signals'],
        security: [{ apiKey: [] }, { bearer: [] }, { session: [] }],
        querystring: signalsQuerySchema,
        response: { 200: signalListSchema, 304: notModified, ...errors },
      },
    },
    async (request, reply) => {
      const answer = await app.signalsList.list(request.query, request.headers['if-none-match']);
      reply
        .header('etag', answer.etag)
        .header('cache-control', CACHE_CONTROL)
        .header('x-latest-seq', String(answer.latestSeq));
      if (answer.body === undefined) return reply.code(304).send(null);
      // Pre-serialised (it is what the cache holds): sent as is, past the typed serializer.
      return (reply as FastifyReply)
        .header('x-cache', answer.cache)
        .type('application/json; charset=utf-8')
        .send(answer.body);
    },
  );

  typed.get(
    '/signals/:id',
    {
      schema: {
        summary: 'One signal with its lifecycle events',
        tags: ['signals'],
        security: [{ apiKey: [] }, { bearer: [] }, { session: [] }],
        params: signalIdParamsSchema,
        response: {
          200: signalDetailSchema,
          304: notModified,
          ...errors,
          404: errorBodySchema.meta({ description: 'No such signal' }),
        },
      },
    },
    async (request, reply) => {
      const found = await app.signals.getById(request.params.id);
      if (!found) throw new AppError('SIGNAL_NOT_FOUND', `Signal ${request.params.id} not found.`, 404);
      const etag = `"signal-${found.signal.id}-${found.signal.seq}"`;
      reply.header('etag', etag).header('cache-control', CACHE_CONTROL);
      if (
        request.headers['if-none-match']?.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag)
      ) {
        return reply.code(304).send(null);
      }
      return { data: found.signal, events: found.events };
    },
  );
}
