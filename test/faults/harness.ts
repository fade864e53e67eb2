/**
 * A fault scenario's world: a test database (cloned from the migrated template, or given), a random
 * Redis prefix, and the real processes — one gateway-sim, one or more ingesters, one or more APIs — on
 * free ports. Everything a scenario needs to drive the feed and inject faults hangs off the Stack.
 */
import { createSimControlClient, type SimControlClient } from '../../src/sim/control-client.js';
import { cleanupPrefix, freePort, randomPrefix, redisUrl } from '../helpers/redis.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';
import { type DbFacts, dbFacts } from '../integration/ingest/harness.js';
import { httpStatus, type RoleProcess, spawnRole, waitFor } from './processes.js';

export const CHANNEL = '-1001649127710';
export const GATEWAY_KEY = 'faults-gateway-key-5c1d';
export const API_KEYS = ['faults-api-key-old-7f3a91c2', 'faults-api-key-new-0b8e44d6'];
export const SESSION_SECRET = 'faults-session-secret-0123456789abcdef0123';
export const AUTH = { 'x-api-key': API_KEYS[1] as string };

/** Ingester timings: the contract's, except a short watchdog (the sim pings every second). */
export const INGEST_ENV: Record<string, string> = {
  TP_CAPITAL_SIGNALS_CHANNEL_ID: CHANNEL,
  TELEGRAM_GATEWAY_API_KEY: GATEWAY_KEY,
  GATEWAY_POLL_INTERVAL_MS: '5000',
  GATEWAY_REQUEST_TIMEOUT_MS: '5000',
  GATEWAY_STREAM_WATCHDOG_MS: '3000',
  GATEWAY_BREAKER_TIMEOUT_MS: '5000',
  GATEWAY_BREAKER_RESET_TIMEOUT_MS: '10000',
  GATEWAY_BACKOFF_MAX_MS: '2000',
  INGEST_LEASE_TTL_MS: '5000',
  DB_STATEMENT_TIMEOUT_MS: '5000',
  DB_CONNECT_TIMEOUT_MS: '2000',
  SHUTDOWN_GRACE_MS: '3000',
};

export const API_ENV: Record<string, string> = {
  TP_CAPITAL_SIGNALS_CHANNEL_ID: CHANNEL,
  TP_CAPITAL_API_KEY: API_KEYS.join(','),
  SESSION_SECRET,
  HOST: '127.0.0.1',
  RATE_LIMIT_MAX: '1000000',
  SSE_MAX_STREAMS_PER_CLIENT: '100000',
  SSE_CONNECTS_PER_MINUTE: '100000',
  SSE_PING_MS: '5000',
  DB_CONNECT_TIMEOUT_MS: '2000',
  SHUTDOWN_GRACE_MS: '2000',
};

export interface Ingest {
  process: RoleProcess;
  metricsUrl: string;
  holder: string;
}
export interface Api {
  process: RoleProcess;
  url: string;
}

export interface StackOptions {
  /** A database of the scenario's own (e.g. on a throwaway server); default: a clone of the template. */
  databaseUrl?: string;
  /** Redis for the API and ingesters: `{url}`, `{sentinels, master}`, or null for none. Default: shared Redis. */
  redis?: { url: string } | { sentinels: string; master: string } | null;
  ingesters?: number;
  apis?: number;
  ingestEnv?: Record<string, string>;
  apiEnv?: Record<string, string>;
}

export interface Stack {
  sim: SimControlClient;
  simUrl: string;
  simProcess: RoleProcess;
  databaseUrl: string;
  facts: DbFacts;
  prefix: string;
  ingesters: Ingest[];
  apis: Api[];
  redisEnv: Record<string, string>;
  startIngester(holder?: string): Promise<Ingest>;
  startApi(extraEnv?: Record<string, string>): Promise<Api>;
  all(): RoleProcess[];
  close(): Promise<void>;
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const database: TestDatabase | null = options.databaseUrl ? null : await createTestDatabase();
  const databaseUrl = options.databaseUrl ?? (database as TestDatabase).url;
  const prefix = `faults:${randomPrefix()}`;
  const redis = options.redis === undefined ? { url: redisUrl() } : options.redis;
  const redisEnv: Record<string, string> =
    redis === null
      ? {}
      : 'url' in redis
        ? { REDIS_URL: redis.url, REDIS_KEY_PREFIX: prefix }
        : { REDIS_SENTINELS: redis.sentinels, REDIS_SENTINEL_MASTER: redis.master, REDIS_KEY_PREFIX: prefix };

  const simPort = await freePort();
  const simUrl = `http://127.0.0.1:${simPort}`;
  // biome-ignore format: flag and value side by side
  const simProcess = spawnRole('gateway-sim', [
    'gateway-sim', '--port', String(simPort), '--feed', 'none', '--rate', '0',
    `--channel=${CHANNEL}`, '--ping-ms', '1000', '--api-key', GATEWAY_KEY,
  ], { LOG_LEVEL: 'warn' });
  await waitFor('gateway-sim to answer', async () => (await httpStatus(`${simUrl}/__sim/stats`)) === 200);
  const sim = createSimControlClient(simUrl);

  const stack: Stack = {
    sim,
    simUrl,
    simProcess,
    databaseUrl,
    facts: dbFacts(databaseUrl),
    prefix,
    ingesters: [],
    apis: [],
    redisEnv,
    async startIngester(holder = `ingester-${stack.ingesters.length + 1}`) {
      const port = await freePort();
      // biome-ignore format: flag and value side by side
      const process = spawnRole(holder, [
        'ingest', '--gateway-url', simUrl, '--database-url', databaseUrl,
        '--holder-id', holder, '--metrics-port', String(port),
      ], { ...INGEST_ENV, ...redisEnv, ...options.ingestEnv });
      const metricsUrl = `http://127.0.0.1:${port}`;
      await waitFor(`${holder} to serve /ready`, async () => {
        if (!process.running()) throw new Error(`${holder} exited:\n${process.lines.join('\n')}`);
        return (await httpStatus(`${metricsUrl}/ready`)) !== 0;
      });
      const ingest = { process, metricsUrl, holder };
      stack.ingesters.push(ingest);
      return ingest;
    },
    async startApi(extraEnv = {}) {
      const port = await freePort();
      const name = `api-${stack.apis.length + 1}`;
      const process = spawnRole(name, ['api', '--port', String(port), '--host', '127.0.0.1'], {
        ...API_ENV,
        DATABASE_URL: databaseUrl,
        ...redisEnv,
        ...options.apiEnv,
        ...extraEnv,
      });
      const url = `http://127.0.0.1:${port}`;
      await waitFor(`${name} to answer /health`, async () => {
        if (!process.running()) throw new Error(`${name} exited:\n${process.lines.join('\n')}`);
        return (await httpStatus(`${url}/health`)) === 200;
      });
      const api = { process, url };
      stack.apis.push(api);
      return api;
    },
    all: () => [simProcess, ...stack.ingesters.map((i) => i.process), ...stack.apis.map((a) => a.process)],
    async close() {
      await Promise.all(
        [...stack.ingesters.map((i) => i.process), ...stack.apis.map((a) => a.process)].map((p) =>
          p.stop(5000),
        ),
      );
      await simProcess.stop(3000);
      await stack.facts.close().catch(() => undefined);
      if (redis && 'url' in redis) await cleanupPrefix(redis.url, prefix).catch(() => undefined);
      await database?.drop();
    },
  };
  for (let i = 0; i < (options.ingesters ?? 1); i++) await stack.startIngester();
  for (let i = 0; i < (options.apis ?? 1); i++) await stack.startApi();
  return stack;
}

/** A metric's value summed over the series whose labels match, from a Prometheus text page. */
export async function scrape(
  url: string,
  name: string,
  labels: Record<string, string> = {},
): Promise<number> {
  const response = await fetch(url, { signal: AbortSignal.timeout(3000) });
  const text = await response.text();
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const match = /^([a-zA-Z_:][\w:]*)(\{([^}]*)\})?\s+(\S+)/.exec(line);
    if (!match || match[1] !== name) continue;
    const got = Object.fromEntries(
      [...(match[3] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]),
    );
    if (Object.entries(labels).every(([k, v]) => got[k] === v)) sum += Number(match[4]);
  }
  return sum;
}

/** The ingester's role from its /ready (active | standby | off), or null when it does not answer. */
export async function ingestRole(ingest: Ingest): Promise<string | null> {
  try {
    const response = await fetch(`${ingest.metricsUrl}/ready`, { signal: AbortSignal.timeout(2000) });
    const body = (await response.json()) as { ingester?: { role?: string } };
    return body.ingester?.role ?? null;
  } catch {
    return null;
  }
}
