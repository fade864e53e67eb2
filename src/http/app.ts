/**
 * buildApp(deps): the whole HTTP API of one instance (API.md), ready to `listen` or `inject`. Public:
 * /health, /ready, /metrics, /openapi.json, /auth/session and the dashboard; everything under /signals
 * needs credentials. The subscriber starts on `ready()`; `close()` drains the streams.
 */
import swagger from '@fastify/swagger';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import { type AppDeps, DEFAULT_STREAM_TUNING } from './deps.js';
import { authPlugin, SESSION_COOKIE } from './plugins/auth.js';
import { connectionReaperPlugin } from './plugins/connection-reaper.js';
import { errorHandlerPlugin } from './plugins/error-handler.js';
import { correlationIdOf, observabilityPlugin } from './plugins/observability.js';
import { protectionPlugin } from './plugins/protection.js';
import { signalCorePlugin } from './plugins/signal-core.js';
import { authSessionRoutes } from './routes/auth-session.js';
import { healthRoutes } from './routes/health.js';
import { metricsRoute } from './routes/metrics.js';
import { openApiRoute } from './routes/openapi.js';
import { signalsRoutes } from './routes/signals.js';
import { signalsStreamRoute } from './routes/signals-stream.js';
import { zodSerializerCompiler, zodToOpenApi, zodValidatorCompiler } from './zod-provider.js';

export const BODY_LIMIT_BYTES = 64 * 1024;

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const { config, metrics } = deps;
  const tuning = { ...DEFAULT_STREAM_TUNING, ...deps.tuning };

  const app = Fastify({
    loggerInstance: deps.log.child({ module: 'http' }) as FastifyBaseLogger,
    // Per-request lines come from the observability plugin (debug); errors from the error handler.
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'correlationId' }),
    bodyLimit: BODY_LIMIT_BYTES,
    trustProxy: config.TRUST_PROXY,
    requestIdHeader: false,
    genReqId: correlationIdOf,
    return503OnClosing: true,
  });
  app.setValidatorCompiler(zodValidatorCompiler);
  app.setSerializerCompiler(zodSerializerCompiler);

  await app.register(errorHandlerPlugin);
  await app.register(observabilityPlugin, { metrics, unmeasured: ['/signals/stream'] });
  await app.register(protectionPlugin, {
    corsOrigins: config.CORS_ORIGIN,
    rateLimitMax: config.RATE_LIMIT_MAX,
    rateLimitWindowMs: config.RATE_LIMIT_WINDOW_MS,
    ...(deps.rateLimitRedis ? { redis: deps.rateLimitRedis } : {}),
    redisKeyPrefix: config.REDIS_KEY_PREFIX,
  });
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'TP-Capital API', version: deps.version },
      components: {
        securitySchemes: {
          apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
          bearer: { type: 'http', scheme: 'bearer' },
          session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE },
        },
      },
    },
    transform: zodToOpenApi,
  });
  await app.register(authPlugin, {
    keys: config.TP_CAPITAL_API_KEY,
    sessionSecret: config.SESSION_SECRET,
    sessionTtlS: config.SESSION_TTL_S,
  });
  await app.register(signalCorePlugin, {
    log: deps.log,
    signals: deps.signals,
    cache: deps.cache,
    bus: deps.bus,
    ...(deps.busLive ? { busLive: deps.busLive } : {}),
    metrics,
    tuning,
    cacheTtlS: config.CACHE_TTL_S,
    maxBufferBytes: config.SSE_MAX_BUFFER_BYTES,
    pingMs: config.SSE_PING_MS,
    maxStreamsPerClient: config.SSE_MAX_STREAMS_PER_CLIENT,
    connectsPerMinute: config.SSE_CONNECTS_PER_MINUTE,
    drainMs: Math.max(100, Math.floor(config.SHUTDOWN_GRACE_MS / 2)),
  });
  await app.register(connectionReaperPlugin);

  // Public routes.
  await app.register(healthRoutes, {
    version: deps.version,
    dbPing: deps.dbPing,
    ...(deps.redisPing ? { redisPing: deps.redisPing } : {}),
    ...(deps.ingestStatus ? { ingestStatus: deps.ingestStatus } : {}),
  });
  await app.register(metricsRoute, {
    metrics,
    token: config.METRICS_TOKEN,
    ...(deps.dbPoolStats ? { dbPoolStats: deps.dbPoolStats } : {}),
  });
  await app.register(openApiRoute);
  await app.register(authSessionRoutes);
  // The dashboard page and its assets (issue 5) go here: public, they hold no data.
  if (deps.dashboard) await app.register(deps.dashboard);

  // Everything about signals needs credentials.
  await app.register(async (scope) => {
    scope.addHook('onRequest', scope.authenticate);
    await scope.register(signalsRoutes);
    await scope.register(signalsStreamRoute);
  });

  return app;
}
