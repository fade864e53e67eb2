/**
 * GET /metrics — the process's prom-client registry as Prometheus text. Public unless METRICS_TOKEN is
 * set, then it takes `Authorization: Bearer <token>` (compared in constant time).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { AppError } from '../../errors.js';
import type { Metrics } from '../../metrics.js';
import { errorBodySchema } from '../errors.js';
import type { ZodTypeProvider } from '../zod-provider.js';

export interface MetricsRouteOptions {
  metrics: Metrics;
  token: string | undefined;
  dbPoolStats?: () => { total: number; idle: number; waiting: number };
}

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

export async function metricsRoute(app: FastifyInstance, options: MetricsRouteOptions): Promise<void> {
  const { metrics, dbPoolStats } = options;
  const expected = options.token ? digest(options.token) : null;

  app.withTypeProvider<ZodTypeProvider>().get(
    '/metrics',
    {
      config: { rateLimit: false },
      schema: {
        summary: 'Prometheus metrics',
        tags: ['ops'],
        response: {
          200: z.string().meta({ mediaType: 'text/plain', description: 'Prometheus text exposition 0.0.4' }),
          401: errorBodySchema,
          403: errorBodySchema,
        },
      },
    },
    async (request, reply) => {
      if (expected) {
        const match = /^Bearer[ ]+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
        if (!match?.[1]) throw new AppError('UNAUTHORIZED', 'A bearer token is required for /metrics.', 401);
        if (!timingSafeEqual(digest(match[1]), expected)) {
          throw new AppError('FORBIDDEN', 'The metrics token is not valid.', 403);
        }
      }
      if (dbPoolStats) {
        const pool = dbPoolStats();
        metrics.dbPoolConnections.set({ state: 'total' }, pool.total);
        metrics.dbPoolConnections.set({ state: 'idle' }, pool.idle);
        metrics.dbPoolConnections.set({ state: 'waiting' }, pool.waiting);
      }
      const text = await metrics.registry.metrics();
      return reply.type(metrics.registry.contentType).send(text);
    },
  );
}
