/**
 * `tp-capital ingest`: the ingester alone. Config → database pool → ingest and lease repositories →
 * bus (Redis when REDIS_URL / REDIS_SENTINELS is set, in-process otherwise) → gateway clients and
 * breakers → createIngester. Several may run: one holds the lease, the others stand by. On
 * SIGINT/SIGTERM (close-with-grace): intake stops, the accepted messages are committed within
 * SHUTDOWN_GRACE_MS, the lease is released, everything is closed. Migrations are not run here
 * (`tp-capital migrate`); a database without the schema is a clear failure at startup.
 */
import { createServer, type Server } from 'node:http';
import { hostname } from 'node:os';
import closeWithGrace from 'close-with-grace';
import { z } from 'zod';
import { type Config, loadConfig } from '../config.js';
import { pgErrorCode } from '../errors.js';
import { createGatewayPorts, createIngester, type Ingester } from '../ingest/index.js';
import { createLogger, type Logger } from '../logger.js';
import { createMetrics, type Metrics } from '../metrics.js';
import { parseMessage } from '../parser/index.js';
import { createDb, createIngestRepository, createLeaseRepository } from '../store/index.js';
import { type CommandIo, defineCommand, EXIT_OK, UsageError } from './command.js';
import { type BusParts, openBusParts } from './shared-parts.js';

const HELP = `Usage: tp-capital ingest [options]

Runs the ingester alone: subscribes to the Telegram Gateway's event stream (resuming with the cursor
stored in the database), parses every message, commits micro-batches (inbox, signals, lifecycle,
event log and cursor in one transaction), publishes the events on the bus and acknowledges the
messages to the gateway. When the stream's circuit breaker opens it polls
GET /api/messages/unprocessed every GATEWAY_POLL_INTERVAL_MS until a half-open stream attempt
succeeds. Several ingesters may run: the lease holder ingests, the others stand by and take over
within INGEST_LEASE_TTL_MS. The database must be migrated first (tp-capital migrate).

Options:
  --gateway-url URL     the Telegram Gateway (default: TELEGRAM_GATEWAY_URL; required)
  --channel ID          the Telegram channel to ingest (default: TP_CAPITAL_SIGNALS_CHANNEL_ID,
                        -1001649127710)
  --database-url URL    the dedicated database (default: DATABASE_URL; required)
  --holder-id ID        this process's name in the lease (default: <hostname>:<pid>:<random>)
  --metrics-port N      serve GET /metrics (Prometheus) and GET /ready (the ingester's status) on this
                        port of 127.0.0.1; 0 picks a free port (default: off)
  -h, --help            show this help

Environment (see .env.example): TELEGRAM_GATEWAY_API_KEY (sent as X-API-Key; never a flag, so it
stays out of ps), GATEWAY_PROCESSED_BY, GATEWAY_POLL_INTERVAL_MS, GATEWAY_POLL_LIMIT,
GATEWAY_REQUEST_TIMEOUT_MS, GATEWAY_STREAM_WATCHDOG_MS, GATEWAY_BREAKER_TIMEOUT_MS,
GATEWAY_BREAKER_ERROR_THRESHOLD_PERCENT, GATEWAY_BREAKER_RESET_TIMEOUT_MS,
GATEWAY_BREAKER_VOLUME_THRESHOLD, GATEWAY_BACKOFF_MAX_MS, INGEST_BATCH_MAX, INGEST_BATCH_WAIT_MS,
INGEST_LEASE_TTL_MS, DATABASE_POOL_MAX, DB_STATEMENT_TIMEOUT_MS, DB_CONNECT_TIMEOUT_MS, REDIS_URL,
REDIS_SENTINELS, REDIS_KEY_PREFIX, SHUTDOWN_GRACE_MS, LOG_LEVEL.

Exit status: 0 after a clean shutdown (SIGINT/SIGTERM), 1 on a fatal error, 2 on bad usage or an
unmigrated database.

Examples:
  DATABASE_URL=postgres://postgres@127.0.0.1/tp_capital_db TELEGRAM_GATEWAY_URL=http://127.0.0.1:4010 tp-capital ingest
  tp-capital ingest --gateway-url http://127.0.0.1:4010 --database-url postgres://postgres@127.0.0.1/tp_capital_db --metrics-port 9464`;

const schema = z.strictObject({
  'gateway-url': z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }).optional(),
  channel: z
    .string()
    .regex(/^-?\d{1,20}$/, 'must be a numeric Telegram channel id')
    .optional(),
  'database-url': z
    .url({ protocol: /^postgres(ql)?$/, error: 'must be a postgres:// or postgresql:// URL' })
    .optional(),
  'holder-id': z
    .string()
    .regex(/^[\w.:@-]{1,128}$/, 'must be 1-128 letters, digits or ._:@-')
    .optional(),
  'metrics-port': z.coerce
    .number({ error: 'must be a number' })
    .int('must be an integer')
    .min(0, 'must be at least 0')
    .max(65_535, 'must be at most 65535')
    .optional(),
});

export interface IngestRoleOptions {
  gatewayUrl: string;
  databaseUrl: string;
  holderId?: string;
  /** Null or undefined: no metrics server. */
  metricsPort?: number | null;
}

export interface RunningIngest {
  ingester: Ingester;
  metrics: Metrics;
  /** http://127.0.0.1:port of the metrics server, when one was asked for. */
  metricsUrl: string | null;
  close(): Promise<void>;
}

function serveMetrics(port: number, metrics: Metrics, ingester: Ingester, log: Logger): Promise<Server> {
  const server = createServer((request, response) => {
    if (request.url === '/metrics') {
      metrics.registry.metrics().then(
        (text) => response.writeHead(200, { 'content-type': metrics.registry.contentType }).end(text),
        (error: unknown) => {
          log.warn({ err: error }, 'metrics failed');
          response.writeHead(500).end();
        },
      );
    } else if (request.url === '/ready') {
      const status = ingester.status();
      const healthy = status.role !== 'off';
      response
        .writeHead(healthy ? 200 : 503, { 'content-type': 'application/json' })
        .end(JSON.stringify({ status: healthy ? 'healthy' : 'unhealthy', ingester: status }));
    } else {
      response.writeHead(404).end();
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

/** Builds and starts the ingester from the configuration; exported for `start` and the tests. */
export async function startIngest(
  config: Config,
  options: IngestRoleOptions,
  log: Logger,
  /** What `start` shares with the in-process API; closed by `start`, not here. */
  shared?: { metrics: Metrics; parts: BusParts },
): Promise<RunningIngest> {
  const metrics = shared?.metrics ?? createMetrics();
  const channelId = config.TP_CAPITAL_SIGNALS_CHANNEL_ID;
  const db = createDb(
    {
      url: options.databaseUrl,
      poolMax: Math.min(config.DATABASE_POOL_MAX, 4),
      statementTimeoutMs: config.DB_STATEMENT_TIMEOUT_MS,
      connectTimeoutMs: config.DB_CONNECT_TIMEOUT_MS,
      applicationName: 'tp-capital-ingest',
    },
    log,
  );
  const timeouts = { statementTimeoutMs: config.DB_STATEMENT_TIMEOUT_MS };
  const store = createIngestRepository(db, timeouts);
  try {
    await store.getCursor(channelId);
  } catch (error) {
    const code = pgErrorCode(error);
    if (code === '42P01' || code === '3F000') {
      await db.close();
      throw new UsageError('the database has no TP-Capital schema: run `tp-capital migrate` first');
    }
    // Unreachable now: the ingester holds and retries by itself (DESIGN.md "Degrade, don't die").
    log.warn({ err: error }, 'database not reachable at startup; the ingester will keep trying');
  }
  const parts = shared?.parts ?? (await openBusParts(config, log));
  const bus = parts.bus;
  const gateway = createGatewayPorts({ ...config, gatewayUrl: options.gatewayUrl }, log, metrics);
  const ingester = createIngester({
    config,
    store,
    lease: createLeaseRepository(db, timeouts),
    publisher: bus,
    gateway,
    parse: parseMessage,
    holderId: options.holderId ?? `${hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 8)}`,
    log: log.child({ module: 'ingest' }),
    metrics,
  });
  ingester.start();
  let server: Server | null = null;
  if (options.metricsPort !== undefined && options.metricsPort !== null) {
    server = await serveMetrics(options.metricsPort, metrics, ingester, log);
  }
  const address = server?.address();
  const metricsUrl = address && typeof address === 'object' ? `http://127.0.0.1:${address.port}` : null;
  log.info(
    { gateway: options.gatewayUrl, channelId, metricsUrl, bus: parts.redis ? 'redis' : 'memory' },
    'ingest started',
  );
  return {
    ingester,
    metrics,
    metricsUrl,
    async close() {
      await ingester.stop();
      gateway.close();
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
      if (!shared) await parts.close();
      await db.close();
    },
  };
}

export const ingestCommand = defineCommand({
  name: 'ingest',
  summary: 'the ingester alone: gateway stream (polling while the breaker is open) → database → bus',
  help: HELP,
  options: {
    'gateway-url': { type: 'string' },
    channel: { type: 'string' },
    'database-url': { type: 'string' },
    'holder-id': { type: 'string' },
    'metrics-port': { type: 'string' },
  },
  schema,
  async run(args, io: CommandIo) {
    const loaded = loadConfig(io.env);
    const config: Config = Object.freeze({
      ...loaded,
      TP_CAPITAL_SIGNALS_CHANNEL_ID: args.channel ?? loaded.TP_CAPITAL_SIGNALS_CHANNEL_ID,
    });
    const gatewayUrl = args['gateway-url'] ?? config.TELEGRAM_GATEWAY_URL;
    if (!gatewayUrl) throw new UsageError('no gateway: set TELEGRAM_GATEWAY_URL or pass --gateway-url');
    const databaseUrl = args['database-url'] ?? config.DATABASE_URL;
    if (!databaseUrl) throw new UsageError('no database: set DATABASE_URL or pass --database-url');
    const log = createLogger({ level: config.LOG_LEVEL, name: 'ingest', destination: io.stdout });
    const running = await startIngest(
      config,
      {
        gatewayUrl,
        databaseUrl,
        ...(args['holder-id'] ? { holderId: args['holder-id'] } : {}),
        metricsPort: args['metrics-port'] ?? null,
      },
      log,
    );
    await new Promise<void>((resolveStop) => {
      closeWithGrace(
        {
          delay: config.SHUTDOWN_GRACE_MS + 2000,
          logger: { error: (m: unknown) => log.error({ err: m }, 'shutdown') },
        },
        async ({ signal, err }) => {
          if (err) log.error({ err }, 'fatal error: shutting down');
          else log.info({ signal }, 'ingest stopping');
          await running.close();
          await new Promise<void>((flushed) => log.flush(() => flushed()));
          resolveStop();
        },
      );
    });
    return EXIT_OK;
  },
});
