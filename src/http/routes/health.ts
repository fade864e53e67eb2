/**
 * GET /health — liveness, no dependency checks. GET /ready — dependencies: the database down is
 * `unhealthy` (503); Redis down or the gateway breaker open is `degraded` (200, still serving).
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { IngestStatus, IngestStatusSource } from '../../domain/ingest-status.js';
import type { ZodTypeProvider } from '../zod-provider.js';

export interface HealthOptions {
  version: string;
  dbPing: () => Promise<void>;
  redisPing?: () => Promise<void>;
  ingestStatus?: IngestStatusSource;
  /** How long a dependency check may take before it counts as down. */
  checkTimeoutMs?: number;
}

const healthSchema = z.object({
  status: z.literal('healthy'),
  service: z.literal('tp-capital'),
  version: z.string(),
  uptime: z.number().meta({ description: 'Seconds since start' }),
});

const dependency = z.object({
  status: z.enum(['up', 'down', 'disabled']),
  latencyMs: z.number().nullable(),
  error: z.string().optional(),
});

const readySchema = z
  .object({
    status: z.enum(['healthy', 'degraded', 'unhealthy']),
    checks: z.object({
      database: dependency,
      redis: dependency,
      gateway: z.object({
        mode: z.enum(['stream', 'polling']).nullable(),
        breaker: z.enum(['closed', 'open', 'halfOpen']).nullable(),
        lagSeconds: z.number().nullable(),
      }),
      ingester: z.object({
        role: z.enum(['active', 'standby', 'off']),
        lastCommitAt: z.string().nullable(),
        committed: z.number().nullable(),
      }),
      stream: z.object({ clients: z.number(), lastSeq: z.number().nullable(), live: z.boolean() }),
    }),
    auth: z.object({ keyConfigured: z.boolean() }),
    warnings: z.array(z.string()),
  })
  .meta({ description: 'Readiness and the state of each dependency' });

async function probe(ping: (() => Promise<void>) | undefined, timeoutMs: number) {
  if (!ping) return { status: 'disabled' as const, latencyMs: null };
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      ping(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return { status: 'up' as const, latencyMs: Math.round((performance.now() - started) * 10) / 10 };
  } catch (error) {
    // The kind of failure only: connection strings and hosts stay in the server log.
    const code = (error as { code?: unknown }).code;
    return {
      status: 'down' as const,
      latencyMs: null,
      error: typeof code === 'string' ? code : (error as Error).message.slice(0, 120),
    };
  } finally {
    clearTimeout(timer);
  }
}

async function ingest(source: IngestStatusSource | undefined): Promise<IngestStatus | null> {
  if (!source) return null;
  try {
    return await source();
  } catch {
    return null;
  }
}

export async function healthRoutes(app: FastifyInstance, options: HealthOptions): Promise<void> {
  const typed = app.withTypeProvider<ZodTypeProvider>();
  const timeoutMs = options.checkTimeoutMs ?? 2000;

  typed.get(
    '/health',
    {
      config: { rateLimit: false },
      schema: { summary: 'Liveness', tags: ['ops'], response: { 200: healthSchema } },
    },
    async () => ({
      status: 'healthy' as const,
      service: 'tp-capital' as const,
      version: options.version,
      uptime: Math.round(process.uptime()),
    }),
  );

  typed.get(
    '/ready',
    {
      config: { rateLimit: false },
      schema: { summary: 'Readiness', tags: ['ops'], response: { 200: readySchema, 503: readySchema } },
    },
    async (_request, reply) => {
      const [database, redis, status] = await Promise.all([
        probe(options.dbPing, timeoutMs),
        probe(options.redisPing, timeoutMs),
        ingest(options.ingestStatus),
      ]);
      const breaker = status?.breaker ?? null;
      const warnings: string[] = [];
      if (!app.keyRing.configured) warnings.push('TP_CAPITAL_API_KEY is not set: the API is open');
      if (redis.status === 'down') warnings.push('Redis is down: reads come from PostgreSQL');
      if (breaker === 'open') warnings.push('The gateway breaker is open: the ingester is polling');
      const overall =
        database.status !== 'up'
          ? 'unhealthy'
          : redis.status === 'down' || breaker === 'open'
            ? 'degraded'
            : 'healthy';
      const subscriber = app.subscriber.status();
      return reply.code(overall === 'unhealthy' ? 503 : 200).send({
        status: overall,
        checks: {
          database,
          redis,
          gateway: { mode: status?.mode ?? null, breaker, lagSeconds: status?.lagSeconds ?? null },
          ingester: {
            role: status?.role ?? 'off',
            lastCommitAt: status?.lastCommitAt ?? null,
            committed: status?.committed ?? null,
          },
          stream: { clients: app.broadcaster.size, lastSeq: subscriber.lastSeq, live: subscriber.live },
        },
        auth: { keyConfigured: app.keyRing.configured },
        warnings,
      });
    },
  );
}
