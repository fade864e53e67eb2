/**
 * The HTTP tests' world: a real database (cloned from the migrated template), the real store
 * repositories, a bus and a cache (in-memory, or Redis when a test passes them), and buildApp. Signals
 * are created through the ingestion repository with hand-built parse results (not the parser), and the
 * events it returns are published on the bus as the ingester does after COMMIT.
 */
import type { Cache } from '../../../src/bus/cache.js';
import { createMemoryBus } from '../../../src/bus/memory-bus.js';
import { createMemoryCache } from '../../../src/bus/memory-cache.js';
import type { SignalBus } from '../../../src/bus/signal-bus.js';
import { type Config, loadConfig } from '../../../src/config.js';
import type { SignalEvent } from '../../../src/domain/events.js';
import type { GatewayMessage } from '../../../src/domain/gateway-message.js';
import type { IngestItem } from '../../../src/domain/ingest.js';
import type { ParsedSignal, UpdateEvent } from '../../../src/domain/parse-result.js';
import { buildApp } from '../../../src/http/app.js';
import type { AppDeps, StreamTuning } from '../../../src/http/deps.js';
import { createLogger } from '../../../src/logger.js';
import { createMetrics, type Metrics } from '../../../src/metrics.js';
import {
  createDb,
  createIngestRepository,
  createSignalsReadRepository,
  type Db,
  type IngestRepository,
  type SignalsReadRepository,
} from '../../../src/store/index.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/test-database.js';

export const CHANNEL = '-1001649127710';
export const KEYS = ['key-old-0123456789', 'key-new-9876543210'];
export const SESSION_SECRET = 'test-session-secret-0123456789abcdef';

export function testConfig(env: Record<string, string> = {}): Config {
  return loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    TP_CAPITAL_API_KEY: KEYS.join(','),
    SESSION_SECRET,
    RATE_LIMIT_MAX: '100000',
    SSE_MAX_STREAMS_PER_CLIENT: '10000',
    SSE_CONNECTS_PER_MINUTE: '100000',
    ...env,
  });
}

export const silentLog = createLogger({ level: 'silent' });

export interface World {
  database: TestDatabase;
  db: Db;
  signals: SignalsReadRepository;
  ingest: IngestRepository;
  close(): Promise<void>;
}

export async function createWorld(): Promise<World> {
  const database = await createTestDatabase();
  const db = createDb(
    { url: database.url, poolMax: 10, statementTimeoutMs: 5000, connectTimeoutMs: 2000 },
    silentLog,
  );
  const timeouts = { statementTimeoutMs: 5000 };
  return {
    database,
    db,
    signals: createSignalsReadRepository(db, timeouts),
    ingest: createIngestRepository(db, timeouts),
    async close() {
      await db.close();
      await database.drop();
    },
  };
}

let messageCounter = 0;
const baseDate = Date.parse('2025-11-03T13:00:00Z');

function message(messageId: string, telegramDate: Date, content: string): GatewayMessage {
  return {
    gatewayId: `gw-${messageId}`,
    channelId: CHANNEL,
    messageId,
    telegramDate,
    receivedAt: new Date(),
    content,
    kind: 'message',
  };
}

/** A new-signal item; `extra` pads raw_message (big events for the buffer-bound tests). */
export function signalItem(asset: string, options: { extra?: number; type?: string } = {}): IngestItem {
  messageCounter++;
  const raw = `🟢${options.type ?? 'Swing Trade'}\nCOMPRA ${asset}\nENTRADA 0,82 a 0,86\nALVO 1: 0,95${'.'.repeat(options.extra ?? 0)}`;
  const signal: ParsedSignal = {
    asset,
    signal_type: options.type ?? 'Swing Trade',
    side: 'buy',
    buy_min: 0.82,
    buy_max: 0.86,
    targets: [{ index: 1, price: 0.95 }],
    target_1: 0.95,
    target_2: null,
    target_final: null,
    stop: 0.55,
    valid_until: null,
  };
  return {
    kind: 'parsed',
    message: message(String(100_000 + messageCounter), new Date(baseDate + messageCounter * 1000), raw),
    result: { kind: 'signal', raw_message: raw, warnings: [], signal },
  };
}

export function updateItem(
  asset: string,
  event: UpdateEvent,
  target: number | 'final' | null = null,
): IngestItem {
  messageCounter++;
  const raw = `${asset} ${event}`;
  return {
    kind: 'parsed',
    message: message(String(100_000 + messageCounter), new Date(baseDate + messageCounter * 1000), raw),
    result: { kind: 'update', raw_message: raw, warnings: [], update: { asset, event, target, pct: null } },
  };
}

/** Commits the items and publishes their events, as the ingester does. Returns the events. */
export async function commit(
  world: World,
  bus: SignalBus | null,
  items: IngestItem[],
): Promise<SignalEvent[]> {
  const report = await world.ingest.applyBatch(items, null);
  if (bus && report.events.length > 0) await bus.publish(report.events);
  return report.events;
}

export interface AppOptions {
  config?: Config;
  bus?: SignalBus;
  cache?: Cache;
  metrics?: Metrics;
  tuning?: Partial<StreamTuning>;
  extra?: Partial<AppDeps>;
}

export async function createTestApp(world: World, options: AppOptions = {}) {
  const bus = options.bus ?? createMemoryBus();
  const cache = options.cache ?? createMemoryCache({ max: 1000 });
  const metrics = options.metrics ?? createMetrics({ defaultMetrics: false });
  const app = await buildApp({
    config: options.config ?? testConfig(),
    log: silentLog,
    metrics,
    signals: world.signals,
    cache,
    bus,
    dbPing: () => world.signals.ping(),
    version: '0.0.0-test',
    tuning: { retryMinMs: 50, retryMaxMs: 100, safetyCheckMs: 500, ...options.tuning },
    ...options.extra,
  });
  await app.ready();
  return { app, bus, cache, metrics };
}

export const auth = { 'x-api-key': KEYS[1]! };

/** Listens on a free loopback port and tracks the server's sockets (to cut them, as a network would). */
export async function listen(app: Awaited<ReturnType<typeof createTestApp>>['app']) {
  const sockets = new Set<import('node:net').Socket>();
  app.server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    url,
    /** Destroys every open connection (the clients see a network error and reconnect). */
    cutAll: () => {
      for (const socket of sockets) socket.destroy();
    },
  };
}
