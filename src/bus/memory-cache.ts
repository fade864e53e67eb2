/** The in-process Cache (no Redis configured): an LRU bounded by entry count, with a TTL per entry. */
import { LRUCache } from 'lru-cache';
import type { Cache } from './cache.js';

export interface MemoryCacheOptions {
  /** Most entries kept; the least recently used goes first. */
  max: number;
  /** Clock in ms, for tests; defaults to performance.now(). */
  now?: () => number;
}

export function createMemoryCache(options: MemoryCacheOptions): Cache {
  const lru = new LRUCache<string, string>({
    max: options.max,
    // Expired entries are refused on read; no timer per entry keeps the process awake.
    ttlAutopurge: false,
    allowStale: false,
    ...(options.now ? { perf: { now: options.now }, ttlResolution: 0 } : {}),
  });
  return {
    async get(key) {
      const value = lru.get(key);
      return value === undefined ? { status: 'miss' } : { status: 'hit', value };
    },
    async set(key, value, ttlSeconds) {
      lru.set(key, value, { ttl: Math.max(1, ttlSeconds * 1000) });
      return true;
    },
    async close() {
      lru.clear();
    },
  };
}
