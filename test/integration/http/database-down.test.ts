/**
 * PostgreSQL unreachable (a port nothing listens on): reads the cache cannot answer are a 503 with the
 * legacy `Unavailable` body — never invented rows — and /ready is unhealthy (503). With the Redis cache
 * down too, the same. The API still starts and stays up.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryBus } from '../../../src/bus/memory-bus.js';
import { createMemoryCache } from '../../../src/bus/memory-cache.js';
import { createRedisCache } from '../../../src/bus/redis-cache.js';
import { createRedisConnections, type RedisConnections } from '../../../src/bus/redis-connections.js';
import { buildApp } from '../../../src/http/app.js';
import { createMetrics } from '../../../src/metrics.js';
import { createDb, createSignalsReadRepository, type Db } from '../../../src/store/index.js';
import { freePort } from '../../helpers/redis.js';
import { auth, silentLog, testConfig } from './harness.js';

let db: Db;
let deadRedis: RedisConnections;

beforeAll(async () => {
  const port = await freePort();
  db = createDb(
    {
      url: `postgres://postgres@127.0.0.1:${port}/nothing`,
      poolMax: 2,
      statementTimeoutMs: 500,
      connectTimeoutMs: 300,
    },
    silentLog,
  );
  deadRedis = createRedisConnections({
    url: `redis://127.0.0.1:${await freePort()}`,
    keyPrefix: 'tpc:',
    log: silentLog,
    timeouts: { connectMs: 200, commandMs: 200, retryCapMs: 200 },
  });
});

afterAll(async () => {
  await deadRedis?.close();
  await db?.close();
});

async function app(withDeadRedis: boolean) {
  const signals = createSignalsReadRepository(db, { statementTimeoutMs: 500 });
  const instance = await buildApp({
    config: testConfig(),
    log: silentLog,
    metrics: createMetrics({ defaultMetrics: false }),
    signals,
    cache: withDeadRedis ? createRedisCache(deadRedis) : createMemoryCache({ max: 10 }),
    bus: createMemoryBus(),
    dbPing: () => signals.ping(),
    ...(withDeadRedis
      ? {
          redisPing: async () => {
            await deadRedis.master.ping();
          },
        }
      : {}),
    version: 'test',
  });
  await instance.ready();
  return instance;
}

describe.each([false, true])('database down (Redis cache down too: %s)', (withDeadRedis) => {
  it('answers 503 Unavailable, never rows, and /ready is unhealthy', async () => {
    const api = await app(withDeadRedis);
    try {
      for (const url of ['/signals', '/signals?asset=PETR4', '/signals/1']) {
        const res = await api.inject({ url, headers: auth });
        expect(res.statusCode, url).toBe(503);
        const body = res.json();
        expect(body).toMatchObject({ error: 'Unavailable', code: 'DATABASE_UNAVAILABLE' });
        expect(body.data).toBeUndefined();
        expect(body.message).not.toMatch(/127\.0\.0\.1|postgres:|ECONNREFUSED/);
      }
      const ready = await api.inject({ url: '/ready' });
      expect(ready.statusCode).toBe(503);
      expect(ready.json()).toMatchObject({
        status: 'unhealthy',
        checks: { database: { status: 'down' }, redis: { status: withDeadRedis ? 'down' : 'disabled' } },
      });
      expect((await api.inject({ url: '/health' })).statusCode).toBe(200);
    } finally {
      await api.close();
    }
  });
});
