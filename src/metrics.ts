/**
 * One prom-client registry and every metric definition (API.md "GET /metrics"), prefix `tp_capital_`.
 * A process creates it once (`createMetrics()`) and passes it down; tests create their own.
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

export function createMetrics(options: { defaultMetrics?: boolean } = {}) {
  const registry = new Registry();
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: 'tp_capital_' });
  const registers = [registry];

  return {
    registry,
    signalsIngested: new Counter({
      name: 'tp_capital_signals_ingested_total',
      help: 'Messages applied by the ingester, by channel and outcome.',
      labelNames: ['channel', 'status'] as const,
      registers,
    }),
    inboxMessages: new Counter({
      name: 'tp_capital_inbox_messages_total',
      help: 'Messages written to the inbox, by parse outcome.',
      labelNames: ['outcome'] as const,
      registers,
    }),
    unattributableMessages: new Counter({
      name: 'tp_capital_gateway_unattributable_messages_total',
      help: 'Gateway deliveries that could not even be attributed to a message id (logged, not stored).',
      registers,
    }),
    breakerState: new Gauge({
      name: 'tp_capital_gateway_breaker_state',
      help: 'Gateway circuit breaker: 0 closed, 1 half-open, 2 open.',
      registers,
    }),
    breakerTransitions: new Counter({
      name: 'tp_capital_gateway_breaker_transitions_total',
      help: 'Gateway circuit breaker transitions, by the state entered.',
      labelNames: ['to'] as const,
      registers,
    }),
    ingestMode: new Gauge({
      name: 'tp_capital_ingest_mode',
      help: 'How the ingester receives messages: 1 stream, 0 polling.',
      registers,
    }),
    gatewayRequests: new Counter({
      name: 'tp_capital_gateway_requests_total',
      help: 'Requests to the Telegram Gateway, by kind (stream, poll, ack) and outcome.',
      labelNames: ['kind', 'outcome'] as const,
      registers,
    }),
    ingestLag: new Histogram({
      name: 'tp_capital_ingest_lag_seconds',
      help: 'Telegram date to commit in the dedicated database.',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
      registers,
    }),
    ingestBatchSize: new Histogram({
      name: 'tp_capital_ingest_batch_size',
      help: 'Messages per committed ingest transaction.',
      buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500],
      registers,
    }),
    pipelineLatency: new Histogram({
      name: 'tp_capital_pipeline_latency_seconds',
      help: 'Gateway receipt to SSE write.',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5],
      registers,
    }),
    cacheRequests: new Counter({
      name: 'tp_capital_cache_requests_total',
      help: 'Signal list cache lookups, by result (hit, miss, error).',
      labelNames: ['result'] as const,
      registers,
    }),
    cacheHitRate: new Gauge({
      name: 'tp_capital_cache_hit_rate',
      help: 'Cache hit rate over the recent window (0..1).',
      registers,
    }),
    sseClients: new Gauge({
      name: 'tp_capital_sse_clients',
      help: 'Connected SSE clients.',
      registers,
    }),
    sseEventsSent: new Counter({
      name: 'tp_capital_sse_events_sent_total',
      help: 'SSE signal events written to clients.',
      registers,
    }),
    sseSlowDisconnects: new Counter({
      name: 'tp_capital_sse_slow_disconnects_total',
      help: 'SSE clients disconnected because their unsent buffer passed the bound.',
      registers,
    }),
    httpDuration: new Histogram({
      name: 'tp_capital_http_request_duration_seconds',
      help: 'HTTP request duration.',
      labelNames: ['method', 'route', 'status_code'] as const,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    }),
    dbPoolConnections: new Gauge({
      name: 'tp_capital_db_pool_connections',
      help: 'Database pool connections, by state (total, idle, waiting).',
      labelNames: ['state'] as const,
      registers,
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
