/**
 * `tp-capital api`: the HTTP API alone (one replica of N behind a load balancer). Config → database
 * pool → read/lease repositories → Redis connections, bus and cache when REDIS_URL (or sentinels) is
 * set, in-process ones otherwise → buildApp → listen. On SIGINT/SIGTERM (close-with-grace) the
 * streams are drained and everything closed within SHUTDOWN_GRACE_MS.
 *
 * Without Redis the bus is in-process: this API then hears only events published in this process,
 * so a standalone API relies on its subscriber's periodic check of the event log (every 5 s) to see
 * what a separate ingester commits. Run it with REDIS_URL in production.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import closeWithGrace from 'close-with-grace';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { type Config, loadConfig } from '../config.js';
import type { IngestStatusSource } from '../domain/ingest-status.js';
import { buildApp } from '../http/app.js';
import { dashboardAssets } from '../http/dashboard-assets.js';
import type { SignalsReader } from '../http/deps.js';
import { createLogger, type Logger } from '../logger.js';
import { createMetrics, type Metrics } from '../metrics.js';
import { createDb, createLeaseRepository, createSignalsReadRepository } from '../store/index.js';
import { type CommandIo, defineCommand, EXIT_OK, UsageError } from './command.js';
import { type BusParts, openBusParts } from './shared-parts.js';

const HELP = `Usage: tp-capital api [options]

Serves the HTTP API (API.md): GET /signals (cached), GET /signals/stream (SSE), /auth/session,
/health, /ready, /metrics, /openapi.json and the dashboard. Needs DATABASE_URL (a migrated
database: tp-capital migrate); uses Redis for the bus, the cache and the shared rate limit when
REDIS_URL or REDIS_SENTINELS is set. Every other setting comes from the environment (.env.example).

Options:
  --port N      port to listen on (default: PORT, 4005; 0 picks a free port)
  --host HOST   address to listen on (default: HOST, 0.0.0.0)
  -h, --help    show this help

Examples:
  DATABASE_URL=postgres://postgres@127.0.0.1/tp_capital_db REDIS_URL=redis://127.0.0.1:6379 tp-capital api
  curl -N -H "X-API-Key: $TP_CAPITAL_API_KEY" localhost:4005/signals/stream`;

const schema = z.strictObject({
  port: z.coerce
    .number({ error: 'port must be a number' })
    .int('port must be an integer')
    .min(0, 'port must be at least 0')
    .max(65_535, 'port must be at most 65535')
    .optional(),
  host: z.string().min(1, 'host must not be empty').optional(),
});

export type ApiArgs = z.output<typeof schema>;

function packageVersion(): string {
  // src/roles/api.ts and dist/roles/api.js are both two levels below the package root.
  const path = resolve(dirname(fileURLToPath(import.meta.url)), '../../package.json');
  try {
    return z.object({ version: z.string() }).parse(JSON.parse(readFileSync(path, 'utf8'))).version;
  } catch {
    return '0.0.0';
  }
}

/**
 * The ingester's status as a separate API process can see it: the lease says whether an ingester is
 * active; the latest event gives the last commit and, for a new signal, its Telegram-date → commit lag.
 * Mode and breaker live in the ingester process and are not visible from here (null).
 */
function ingestStatusFromDb(
  config: Config,
  signals: SignalsReader,
  lease: ReturnType<typeof createLeaseRepository>,
): IngestStatusSource {
  return async () => {
    const [holder, latest] = await Promise.all([
      lease.current(`ingest:${config.TP_CAPITAL_SIGNALS_CHANNEL_ID}`),
      signals.latestSeq(),
    ]);
    const [event] = latest > 0 ? await signals.eventsAfter(latest - 1, 1) : [];
    const lag = event?.op === 'created' ? (Date.parse(event.occurred_at) - event.signal.ts) / 1000 : null;
    return {
      role: holder ? 'active' : 'off',
      mode: null,
      breaker: null,
      lagSeconds: lag === null ? null : Math.max(0, Math.round(lag * 1000) / 1000),
      lastCommitAt: event?.occurred_at ?? null,
      committed: 0,
    };
  };
}

export interface RunningApi {
  app: FastifyInstance;
  url: string;
  close(): Promise<void>;
}

/** What `start` shares with the in-process ingester instead of letting the API build its own. */
export interface ApiSharedParts {
  metrics: Metrics;
  parts: BusParts;
  ingestStatus: IngestStatusSource;
}

/** Builds and starts the API; exported so that tests (and `start`) can run it in-process. */
export async function startApi(
  args: ApiArgs,
  config: Config,
  log: Logger,
  shared?: ApiSharedParts,
): Promise<RunningApi> {
  if (!config.DATABASE_URL) {
    throw new UsageError('DATABASE_URL is not set (tp-capital start runs the embedded database)');
  }
  const metrics = shared?.metrics ?? createMetrics();
  const db = createDb(
    {
      url: config.DATABASE_URL,
      poolMax: config.DATABASE_POOL_MAX,
      statementTimeoutMs: config.DB_STATEMENT_TIMEOUT_MS,
      connectTimeoutMs: config.DB_CONNECT_TIMEOUT_MS,
      applicationName: 'tp-capital-api',
    },
    log,
  );
  const timeouts = { statementTimeoutMs: config.DB_STATEMENT_TIMEOUT_MS };
  const signals = createSignalsReadRepository(db, timeouts);
  const lease = createLeaseRepository(db, timeouts);
  const parts = shared?.parts ?? (await openBusParts(config, log));
  const { redis, bus, cache } = parts;
  // Parts handed in by `start` are closed by `start`.
  const closeParts = shared ? async () => undefined : () => parts.close();

  let app: FastifyInstance | undefined;
  try {
    app = await buildApp({
      config,
      log,
      metrics,
      signals,
      cache,
      bus,
      ...(redis
        ? {
            busLive: () => redis.status().subscriber.status === 'ready',
            rateLimitRedis: redis.master,
            redisPing: async () => {
              await redis.master.ping();
            },
          }
        : {}),
      ingestStatus: shared?.ingestStatus ?? ingestStatusFromDb(config, signals, lease),
      dbPing: () => signals.ping(),
      dbPoolStats: () => ({
        total: db.pool.totalCount,
        idle: db.pool.idleCount,
        waiting: db.pool.waitingCount,
      }),
      version: packageVersion(),
      dashboard: async (scope) => {
        try {
          await dashboardAssets(scope);
        } catch (error) {
          // Not built (running from src without `npm run build`): the API works without its page.
          log.warn({ err: (error as Error).message }, 'dashboard not served');
        }
      },
    });
    const url = await app.listen({ port: args.port ?? config.PORT, host: args.host ?? config.HOST });
    log.info(
      { url, redis: redis ? redis.status().mode : 'off', auth: config.TP_CAPITAL_API_KEY ? 'keys' : 'open' },
      'api listening',
    );
    const running = app;
    return {
      app: running,
      url,
      async close() {
        await running.close();
        await closeParts();
        await db.close();
      },
    };
  } catch (error) {
    await app?.close().catch(() => undefined);
    await closeParts();
    await db.close();
    throw error;
  }
}

export const apiCommand = defineCommand({
  name: 'api',
  summary: 'the HTTP API alone (REST, SSE, health, metrics); run N replicas behind a load balancer',
  help: HELP,
  options: { port: { type: 'string' }, host: { type: 'string' } },
  schema,
  async run(args, io: CommandIo) {
    const config = loadConfig(io.env);
    const log = createLogger({ level: config.LOG_LEVEL, name: 'api', destination: io.stdout });
    const api = await startApi(args, config, log);
    await new Promise<void>((resolveStop) => {
      closeWithGrace(
        {
          delay: config.SHUTDOWN_GRACE_MS + 1000,
          logger: { error: (m: unknown) => log.error({ err: m }, 'shutdown') },
        },
        async ({ signal, err }) => {
          if (err) log.error({ err }, 'fatal error: shutting down');
          else log.info({ signal }, 'api stopping');
          await api.close();
          await new Promise<void>((flushed) => log.flush(() => flushed()));
          resolveStop();
        },
      );
    });
    return EXIT_OK;
  },
});
