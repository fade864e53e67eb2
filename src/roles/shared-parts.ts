/**
 * The parts the roles share: Redis connections with the bus and cache on them when Redis is
 * configured (REDIS_URL or REDIS_SENTINELS), the in-process bus and LRU cache otherwise. `start`
 * builds them once and hands the same ones to the ingester and the API.
 */
import type { Cache } from '../bus/cache.js';
import { createMemoryBus } from '../bus/memory-bus.js';
import { createMemoryCache } from '../bus/memory-cache.js';
import { createRedisBus } from '../bus/redis-bus.js';
import { createRedisCache } from '../bus/redis-cache.js';
import { createRedisConnections, type RedisConnections } from '../bus/redis-connections.js';
import type { SignalBus } from '../bus/signal-bus.js';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';

export interface BusParts {
  redis: RedisConnections | null;
  bus: SignalBus;
  cache: Cache;
  close(): Promise<void>;
}

export async function openBusParts(config: Config, log: Logger): Promise<BusParts> {
  const redis =
    config.REDIS_URL || config.REDIS_SENTINELS
      ? createRedisConnections({
          ...(config.REDIS_URL ? { url: config.REDIS_URL } : {}),
          ...(config.REDIS_REPLICA_URL ? { replicaUrl: config.REDIS_REPLICA_URL } : {}),
          ...(config.REDIS_SENTINELS ? { sentinels: config.REDIS_SENTINELS } : {}),
          sentinelMaster: config.REDIS_SENTINEL_MASTER,
          keyPrefix: config.REDIS_KEY_PREFIX,
          log,
        })
      : null;
  // A Redis that is down at startup is not fatal: the parts degrade and recover by themselves.
  if (redis) await redis.waitUntilReady(2000);
  const bus = redis ? createRedisBus(redis, { log }) : createMemoryBus({ log });
  const cache = redis ? createRedisCache(redis) : createMemoryCache({ max: config.CACHE_LRU_MAX });
  return {
    redis,
    bus,
    cache,
    async close() {
      await bus.close();
      await cache.close();
      await redis?.close();
    },
  };
}
