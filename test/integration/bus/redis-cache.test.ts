/** The Redis Cache: against the shared Redis under a random prefix, and against a master + replica pair of its own. */
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Cache } from '../../../src/bus/cache.js';
import { createRedisCache } from '../../../src/bus/redis-cache.js';
import { createRedisConnections, type RedisConnections } from '../../../src/bus/redis-connections.js';
import { createLogger } from '../../../src/logger.js';
import {
  cleanupPrefix,
  pollUntil,
  randomPrefix,
  redisUrl,
  startThrowawayRedis,
  type ThrowawayRedis,
} from '../../helpers/redis.js';

const log = createLogger({ level: 'silent' });

describe('redis cache on the shared server', () => {
  let prefix: string;
  let conns: RedisConnections;
  let cache: Cache;
  const raw = new Redis(redisUrl());

  beforeEach(async () => {
    prefix = randomPrefix();
    conns = createRedisConnections({ url: redisUrl(), keyPrefix: prefix, log });
    expect(await conns.waitUntilReady(5000)).toBe(true);
    cache = createRedisCache(conns);
  });
  afterEach(async () => {
    await cache.close();
    await conns.close();
    await cleanupPrefix(redisUrl(), prefix);
  });
  afterAll(() => raw.disconnect());

  it('misses, then hits what was set, under the key prefix with the TTL', async () => {
    expect(await cache.get('signals:12:abc')).toEqual({ status: 'miss' });
    expect(await cache.set('signals:12:abc', '{"data":[1]}', 30)).toBe(true);
    expect(await cache.get('signals:12:abc')).toEqual({ status: 'hit', value: '{"data":[1]}' });
    expect(await raw.get(`${prefix}signals:12:abc`)).toBe('{"data":[1]}');
    const ttl = await raw.pttl(`${prefix}signals:12:abc`);
    expect(ttl).toBeGreaterThan(28_000);
    expect(ttl).toBeLessThanOrEqual(30_000);
  });

  it('forgets an entry when its TTL runs out', async () => {
    await cache.set('short', 'v', 1);
    expect(await cache.get('short')).toEqual({ status: 'hit', value: 'v' });
    await pollUntil(async () => (await cache.get('short')).status === 'miss', {
      timeoutMs: 5000,
      what: 'expiry',
    });
  });

  it('stores large values unchanged', async () => {
    const value = JSON.stringify({
      data: Array.from({ length: 1000 }, (_, i) => ({ id: i, raw: '🟢 PETR4 ç' })),
    });
    await cache.set('big', value, 30);
    expect(await cache.get('big')).toEqual({ status: 'hit', value });
  });
});

describe('redis cache with a read replica', () => {
  let master: ThrowawayRedis;
  let replica: ThrowawayRedis;
  let conns: RedisConnections;

  beforeEach(async () => {
    master = await startThrowawayRedis();
    replica = await startThrowawayRedis({ replicaOf: `127.0.0.1:${master.port}` });
    conns = createRedisConnections({ url: master.url, replicaUrl: replica.url, keyPrefix: 'tpc:', log });
    expect(await conns.waitUntilReady(5000)).toBe(true);
  });
  afterEach(async () => {
    await conns.close();
    await Promise.all([master.kill(), replica.kill()]);
  });

  it('writes to the master and reads from the replica', async () => {
    const cache = createRedisCache(conns);
    const status = conns.status();
    expect(status.mode).toBe('replica');
    expect(status.master.address).toBe(`127.0.0.1:${master.port}`);
    expect(status.replica.address).toBe(`127.0.0.1:${replica.port}`);

    expect(await cache.set('signals:1:q', 'answer', 30)).toBe(true);
    await pollUntil(async () => (await cache.get('signals:1:q')).status === 'hit', { what: 'replication' });

    // With the master gone, the value can only come from the replica.
    await master.stop();
    expect(await cache.get('signals:1:q')).toEqual({ status: 'hit', value: 'answer' });
    expect(await cache.set('signals:2:q', 'x', 30)).toBe(false);
  });

  it('reads from the master while the replica is down', async () => {
    const cache = createRedisCache(conns);
    await replica.stop();
    await pollUntil(() => conns.status().replica.status !== 'ready', { what: 'replica seen down' });
    expect(await cache.set('k', 'v', 30)).toBe(true);
    expect(await cache.get('k')).toEqual({ status: 'hit', value: 'v' });
  });
});
