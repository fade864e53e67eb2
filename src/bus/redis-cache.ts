/**
 * Cache on Redis: writes go to the master, reads to the replica when one is connected (the master
 * otherwise, e.g. right after a failover left no replica). The connections fail fast while Redis is
 * down, so a lookup costs at most the command timeout and answers `error` instead of throwing.
 */
import type { Redis } from 'ioredis';
import type { Cache, CacheLookup } from './cache.js';
import type { RedisConnections } from './redis-connections.js';

export interface RedisCacheOptions {
  /** Defaults to the connections' key prefix. */
  keyPrefix?: string;
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

export function createRedisCache(conns: RedisConnections, options: RedisCacheOptions = {}): Cache {
  const prefix = options.keyPrefix ?? conns.keyPrefix;
  const { master, replica } = conns;

  const read = async (redis: Redis, key: string): Promise<CacheLookup> => {
    try {
      const value = await redis.get(key);
      return value === null ? { status: 'miss' } : { status: 'hit', value };
    } catch (error) {
      return { status: 'error', error: asError(error) };
    }
  };

  return {
    async get(key) {
      const fullKey = prefix + key;
      if (replica === master || replica.status !== 'ready') return read(master, fullKey);
      const lookup = await read(replica, fullKey);
      // A replica that fails mid-read (killed, being promoted) should not cost the answer: ask the master.
      return lookup.status === 'error' && master.status === 'ready' ? read(master, fullKey) : lookup;
    },

    async set(key, value, ttlSeconds) {
      try {
        await master.set(prefix + key, value, 'EX', Math.max(1, Math.ceil(ttlSeconds)));
        return true;
      } catch {
        return false;
      }
    },

    // The connections belong to their owner; there is nothing of the cache's own to release.
    async close() {},
  };
}
