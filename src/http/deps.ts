/**
 * What the HTTP layer needs from the rest of the process, as narrow interfaces the composition root
 * fills (the store's read repository, the bus, the cache, Redis for the shared rate limit).
 */
import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import type { Cache } from '../bus/cache.js';
import type { SignalBus } from '../bus/signal-bus.js';
import type { Config } from '../config.js';
import type { IngestStatusSource } from '../domain/ingest-status.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import type { SignalFilters, SignalsReadRepository } from '../store/index.js';

export type SignalListFilters = SignalFilters;

/** The read side of the store (`createSignalsReadRepository`) the API serves from; ping is /ready's. */
export type SignalsReader = Omit<SignalsReadRepository, 'ping'>;

/** Knobs the tests turn; production keeps the defaults (API.md). */
export interface StreamTuning {
  /** `retry:` sent on connect, drawn between these (default 3000–6000 ms). */
  retryMinMs: number;
  retryMaxMs: number;
  /** Events per eventsAfter page when replaying or filling a gap. */
  pageSize: number;
  /** How often the subscriber compares the log's latest seq with its own (a lost doorbell). */
  safetyCheckMs: number;
}

export const DEFAULT_STREAM_TUNING: StreamTuning = {
  retryMinMs: 3000,
  retryMaxMs: 6000,
  pageSize: 500,
  safetyCheckMs: 5000,
};

export interface AppDeps {
  config: Config;
  log: Logger;
  metrics: Metrics;
  signals: SignalsReader;
  cache: Cache;
  bus: SignalBus;
  /** Whether the bus subscription is up right now (Redis: the subscriber connection is ready). */
  busLive?: () => boolean;
  /** Redis connection for the rate-limit store, shared by all replicas; in-process counting without it. */
  rateLimitRedis?: Redis;
  ingestStatus?: IngestStatusSource;
  /** Resolves when PostgreSQL answers (SELECT 1); rejects otherwise. */
  dbPing: () => Promise<void>;
  /** Resolves when Redis answers; absent when the process runs without Redis. */
  redisPing?: () => Promise<void>;
  /** Database pool figures for tp_capital_db_pool_connections, read at scrape time. */
  dbPoolStats?: () => { total: number; idle: number; waiting: number };
  version: string;
  /** The dashboard's public routes (`GET /` and its assets), registered outside the auth scope. */
  dashboard?: (app: FastifyInstance) => Promise<void>;
  tuning?: Partial<StreamTuning>;
}
