/**
 * Sentinel failover (ADR-008 R7): a master, a replica and one Sentinel of the test's own; an "ingester"
 * and an "API" connected through the Sentinel with the production timeouts. The master is killed with
 * SIGKILL; publish/subscribe and cache writes and reads must work again within 30 s. The time is printed.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Cache } from '../../../src/bus/cache.js';
import { createRedisBus } from '../../../src/bus/redis-bus.js';
import { createRedisCache } from '../../../src/bus/redis-cache.js';
import { createRedisConnections, type RedisConnections } from '../../../src/bus/redis-connections.js';
import type { SignalBus } from '../../../src/bus/signal-bus.js';
import { createLogger } from '../../../src/logger.js';
import {
  pollUntil,
  startSentinel,
  startThrowawayRedis,
  type ThrowawayRedis,
  type ThrowawaySentinel,
} from '../../helpers/redis.js';
import { sampleEvent } from '../../unit/bus/sample-event.js';

const log = createLogger({ level: process.env.BUS_TEST_LOG ?? 'silent' });

describe('redis sentinel failover', () => {
  let master: ThrowawayRedis;
  let replica: ThrowawayRedis;
  let sentinel: ThrowawaySentinel;
  let ingesterConns: RedisConnections;
  let apiConns: RedisConnections;
  let ingesterBus: SignalBus;
  let apiBus: SignalBus;
  let ingesterCache: Cache;
  let apiCache: Cache;

  beforeAll(async () => {
    master = await startThrowawayRedis();
    replica = await startThrowawayRedis({ replicaOf: `127.0.0.1:${master.port}` });
    const probe = new Redis(replica.url);
    try {
      await pollUntil(async () => /master_link_status:up/.test(await probe.info('replication')), {
        what: 'the replica to sync',
      });
    } finally {
      probe.disconnect();
    }
    sentinel = await startSentinel({
      masterPort: master.port,
      quorum: 1,
      downAfterMs: 1000,
      failoverTimeoutMs: 3000,
    });
    const sentinelClient = new Redis(sentinel.port);
    try {
      await pollUntil(
        async () =>
          ((await sentinelClient.call('SENTINEL', 'REPLICAS', sentinel.masterName)) as unknown[]).length ===
          1,
        { what: 'the sentinel to discover the replica' },
      );
    } finally {
      sentinelClient.disconnect();
    }
    const options = {
      sentinels: [sentinel.address],
      sentinelMaster: sentinel.masterName,
      keyPrefix: 'tpc:',
      log,
    };
    ingesterConns = createRedisConnections(options);
    apiConns = createRedisConnections(options);
    expect(await ingesterConns.waitUntilReady(10_000)).toBe(true);
    expect(await apiConns.waitUntilReady(10_000)).toBe(true);
    ingesterBus = createRedisBus(ingesterConns, { log });
    apiBus = createRedisBus(apiConns, { log });
    ingesterCache = createRedisCache(ingesterConns);
    apiCache = createRedisCache(apiConns);
  });

  afterAll(async () => {
    await Promise.all([ingesterBus?.close(), apiBus?.close()]);
    await Promise.all([ingesterConns?.close(), apiConns?.close()]);
    await Promise.all([sentinel?.kill(), master?.kill(), replica?.kill()]);
  });

  it('follows the failover: pub/sub and the cache work again after the master is killed', async () => {
    const status = apiConns.status();
    expect(status.mode).toBe('sentinel');
    expect(status.master.address).toBe(`127.0.0.1:${master.port}`);
    expect(status.replica.address).toBe(`127.0.0.1:${replica.port}`); // reads go to the replica

    const received = new Set<number>();
    let reconnects = 0;
    await apiBus.subscribe({
      onEvents: (events) => {
        for (const event of events) received.add(event.seq);
      },
      onReconnect: () => reconnects++,
    });
    await ingesterBus.publish([sampleEvent(1)]);
    await pollUntil(() => received.has(1), { what: 'an event before the failover' });
    expect(await ingesterCache.set('before', 'v', 60)).toBe(true);
    const onReplica = new Redis(replica.url);
    try {
      await pollUntil(async () => (await onReplica.get('tpc:before')) === 'v', { what: 'replication' });
    } finally {
      onReplica.disconnect();
    }

    await master.kill();
    const killedAt = performance.now();
    let pubsubMs: number | undefined;
    let cacheMs: number | undefined;
    let seq = 1;
    await pollUntil(
      async () => {
        if (pubsubMs === undefined) {
          const mine = ++seq;
          const published = await ingesterBus.publish([sampleEvent(mine)]).then(
            () => true,
            () => false,
          );
          if (published)
            await pollUntil(() => received.has(mine), { timeoutMs: 300, intervalMs: 10 }).catch(() => {});
          if (received.has(mine)) pubsubMs = performance.now() - killedAt;
        }
        if (cacheMs === undefined) {
          const key = `after:${seq}`;
          if ((await ingesterCache.set(key, 'w', 60)) && (await apiCache.get(key)).status === 'hit') {
            cacheMs = performance.now() - killedAt;
          }
        }
        return pubsubMs !== undefined && cacheMs !== undefined;
      },
      { timeoutMs: 30_000, intervalMs: 100, what: 'pub/sub and cache after the failover' },
    ).catch((error) => {
      const state = { pubsubMs, cacheMs, ingester: ingesterConns.status(), api: apiConns.status() };
      throw new Error(`${(error as Error).message}: ${JSON.stringify(state)}`);
    });
    console.info(
      `sentinel failover: pub/sub working again ${pubsubMs!.toFixed(0)} ms and cache set+get ${cacheMs!.toFixed(0)} ms after kill -9 of the master`,
    );

    // The API instance heard that its subscription was cut, so it can backfill what it missed.
    expect(reconnects).toBe(1);
    expect(ingesterConns.status().master.address).toBe(`127.0.0.1:${replica.port}`);
    expect(apiConns.status().master.address).toBe(`127.0.0.1:${replica.port}`);
    // What had replicated before the failover is still there, now on the promoted replica.
    expect(await apiCache.get('before')).toEqual({ status: 'hit', value: 'v' });
  });
});
