/**
 * The ingester in-process against real parts: a cloned test database, a gateway-sim over loopback HTTP,
 * the real gateway clients and breakers, and a bus (in-memory unless the test hands one in). Plus the
 * database facts the tests audit, read with plain SQL.
 */
import pg from 'pg';
import { pino } from 'pino';
import { createMemoryBus } from '../../../src/bus/memory-bus.js';
import type { SignalBus } from '../../../src/bus/signal-bus.js';
import { type Config, loadConfig } from '../../../src/config.js';
import type { SignalEvent } from '../../../src/domain/events.js';
import { createGatewayPorts, createIngester, type Ingester } from '../../../src/ingest/index.js';
import type { Logger } from '../../../src/logger.js';
import { createMetrics, type Metrics } from '../../../src/metrics.js';
import { parseMessage } from '../../../src/parser/index.js';
import { createGatewaySim, type GatewaySim } from '../../../src/sim/gateway-sim.js';
import {
  createDb,
  createIngestRepository,
  createLeaseRepository,
  type Db,
} from '../../../src/store/index.js';
import { waitFor } from '../../helpers/wait-for.js';

export { waitFor };

export const CHANNEL = '-1001649127710';
export const API_KEY = 'test-gateway-key';

/** Small timings so that breaker, watchdog and polling happen within a test. */
export const FAST_ENV: Record<string, string> = {
  TP_CAPITAL_SIGNALS_CHANNEL_ID: CHANNEL,
  TELEGRAM_GATEWAY_API_KEY: API_KEY,
  GATEWAY_POLL_INTERVAL_MS: '200',
  GATEWAY_REQUEST_TIMEOUT_MS: '1000',
  GATEWAY_STREAM_WATCHDOG_MS: '1000',
  GATEWAY_BREAKER_TIMEOUT_MS: '1000',
  GATEWAY_BREAKER_RESET_TIMEOUT_MS: '1000',
  GATEWAY_BREAKER_VOLUME_THRESHOLD: '3',
  GATEWAY_BACKOFF_MAX_MS: '1000',
  INGEST_LEASE_TTL_MS: '3000',
  DB_STATEMENT_TIMEOUT_MS: '2000',
  DB_CONNECT_TIMEOUT_MS: '1000',
  SHUTDOWN_GRACE_MS: '2000',
};

export function testLog(name: string): Logger {
  // TEST_LOG_LEVEL=debug shows the ingester's own lines when a test needs explaining.
  return pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent', name }, pino.destination(2));
}

export function testConfig(env: Record<string, string> = {}): Config {
  return loadConfig({ ...FAST_ENV, ...env });
}

export async function startSim(options: Parameters<typeof createGatewaySim>[0] = {}): Promise<GatewaySim> {
  return createGatewaySim({ channelId: CHANNEL, apiKey: API_KEY, pingMs: 300, cursorBase: 0, ...options });
}

export interface Harness {
  ingester: Ingester;
  metrics: Metrics;
  db: Db;
  config: Config;
  /** Every event the ingester published on the bus, in publish order. */
  published: SignalEvent[];
  close(): Promise<void>;
}

export async function startIngester(options: {
  databaseUrl: string;
  gatewayUrl: string;
  env?: Record<string, string>;
  bus?: SignalBus;
  holderId?: string;
  lease?: boolean;
}): Promise<Harness> {
  const config = testConfig(options.env);
  const log = testLog(options.holderId ?? 'ingest');
  const metrics = createMetrics({ defaultMetrics: false });
  const db = createDb(
    {
      url: options.databaseUrl,
      poolMax: 4,
      statementTimeoutMs: config.DB_STATEMENT_TIMEOUT_MS,
      connectTimeoutMs: config.DB_CONNECT_TIMEOUT_MS,
    },
    log,
  );
  const timeouts = { statementTimeoutMs: config.DB_STATEMENT_TIMEOUT_MS };
  const bus = options.bus ?? createMemoryBus({ log });
  const published: SignalEvent[] = [];
  const gateway = createGatewayPorts({ ...config, gatewayUrl: options.gatewayUrl }, log, metrics);
  const ingester = createIngester({
    config,
    store: createIngestRepository(db, timeouts),
    lease: options.lease === false ? null : createLeaseRepository(db, timeouts),
    publisher: {
      async publish(events) {
        await bus.publish(events);
        published.push(...events);
      },
    },
    gateway,
    parse: parseMessage,
    holderId: options.holderId ?? 'test-ingester',
    log,
    metrics,
  });
  ingester.start();
  return {
    ingester,
    metrics,
    db,
    config,
    published,
    async close() {
      await ingester.stop();
      gateway.close();
      if (!options.bus) await bus.close();
      await db.close();
    },
  };
}

/** Resolves once the harness's ingester holds a connected stream. */
export async function streaming(h: Harness): Promise<void> {
  await waitFor('a connected stream', async () => {
    const opens = await metricValue(h.metrics, 'gatewayRequests', { kind: 'stream', outcome: 'ok' });
    return opens > 0 && h.ingester.status().mode === 'stream';
  });
}

export async function metricValue(
  metrics: Metrics,
  name: 'breakerTransitions' | 'gatewayRequests' | 'ingestMode' | 'breakerState' | 'unattributableMessages',
  labels: Record<string, string> = {},
): Promise<number> {
  const metric = await metrics[name].get();
  return metric.values
    .filter((v) =>
      Object.entries(labels).every(([k, want]) => (v.labels as Record<string, unknown>)[k] === want),
    )
    .reduce((sum, v) => sum + v.value, 0);
}

export interface InboxFact {
  messageId: string;
  telegramDate: Date;
  kind: string;
  content: string | null;
  outcome: string;
  reason: string | null;
}

export interface SignalFact {
  messageId: string;
  ts: Date;
  asset: string;
  status: string;
  rawMessage: string;
  id: number;
}

/** Plain SQL over the dedicated database: what the audits compare against their expectations. */
export function dbFacts(url: string) {
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  // Outage tests stop the server under idle connections; that is expected, not a test failure.
  pool.on('error', () => undefined);
  return {
    async inbox(): Promise<InboxFact[]> {
      const { rows } = await pool.query(
        `SELECT message_id, telegram_date, kind, content, outcome, reason FROM forwarded_messages.messages ORDER BY id`,
      );
      return rows.map((r) => ({
        messageId: r.message_id,
        telegramDate: r.telegram_date,
        kind: r.kind,
        content: r.content,
        outcome: r.outcome,
        reason: r.reason,
      }));
    },
    async signals(): Promise<SignalFact[]> {
      const { rows } = await pool.query(
        `SELECT id, message_id, ts, asset, status, raw_message FROM signals.tp_capital_signals ORDER BY id`,
      );
      return rows.map((r) => ({
        id: Number(r.id),
        messageId: r.message_id,
        ts: r.ts,
        asset: r.asset,
        status: r.status,
        rawMessage: r.raw_message,
      }));
    },
    async events(): Promise<{ seq: number; signalId: number; op: string }[]> {
      const { rows } = await pool.query('SELECT seq, signal_id, op FROM signals.signal_events ORDER BY seq');
      return rows.map((r) => ({ seq: Number(r.seq), signalId: Number(r.signal_id), op: r.op }));
    },
    /** Events with the identity of their signal, in seq order. */
    async eventsByMessage(): Promise<
      { seq: number; messageId: string; ts: Date; op: string; status: string }[]
    > {
      const { rows } = await pool.query(
        `SELECT e.seq, s.message_id, s.ts, e.op, e.payload->>'status' AS status
         FROM signals.signal_events e JOIN signals.tp_capital_signals s ON s.id = e.signal_id ORDER BY e.seq`,
      );
      return rows.map((r) => ({
        seq: Number(r.seq),
        messageId: r.message_id,
        ts: r.ts,
        op: r.op,
        status: r.status,
      }));
    },
    async cursor(): Promise<string | null> {
      const { rows } = await pool.query('SELECT cursor FROM metrics.ingest_cursor WHERE channel_id = $1', [
        CHANNEL,
      ]);
      return rows[0]?.cursor ?? null;
    },
    async count(table: string): Promise<number> {
      const { rows } = await pool.query(`SELECT count(*)::int AS n FROM ${table}`);
      return rows[0].n;
    },
    async exec(sql: string): Promise<void> {
      await pool.query(sql);
    },
    close: () => pool.end(),
  };
}

export type DbFacts = ReturnType<typeof dbFacts>;
