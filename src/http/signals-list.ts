/**
 * GET /signals behind the cache. The key is `signals:<latest seq>:<hash of the normalised query>` (the
 * Redis cache prefixes `tpc:`): a committed event changes the latest seq, so a cached answer is never
 * older than the newest event this instance has heard of. The latest seq comes from the subscriber
 * while it can vouch for it, otherwise from the database (one index lookup). The key is fixed before
 * the database is read, so an answer stored under seq N always includes every event up to N.
 *
 * In front of the shared cache sits a small in-process LRU of encoded bodies: entries are immutable
 * (the seq is in the key), so it needs no invalidation, and a hit costs neither a Redis round trip nor
 * a string → UTF-8 conversion.
 *
 * Redis down: lookups report `error`, the answer comes from PostgreSQL. PostgreSQL down: a cached
 * answer for the last seq heard of is still served (nothing newer can have been committed by a database
 * that is down); otherwise the store's 503 propagates. Never invented rows.
 */
import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { Cache } from '../bus/cache.js';
import { AppError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import { createHitRateWindow } from './cache-hit-rate.js';
import type { SignalListFilters, SignalsReader } from './deps.js';
import { filtersOf, type SignalsQuery } from './schemas/signals-query.js';
import type { SignalSubscriber } from './signal-subscriber.js';

export const DEFAULT_LIMIT = 100;

export interface ListAnswer {
  etag: string;
  latestSeq: number;
  /** The JSON body, encoded; absent when the client's If-None-Match matched (304). */
  body?: Buffer;
  cache: 'hit' | 'miss' | 'error' | 'not-modified';
}

export interface SignalsListService {
  list(query: SignalsQuery, ifNoneMatch: string | undefined): Promise<ListAnswer>;
}

export interface SignalsListOptions {
  signals: Pick<SignalsReader, 'list' | 'latestSeq'>;
  cache: Cache;
  subscriber: Pick<SignalSubscriber, 'knownSeq' | 'lastSeq'>;
  metrics: Pick<Metrics, 'cacheRequests' | 'cacheHitRate'>;
  ttlSeconds: number;
  log: Logger;
  /** Bytes of encoded bodies kept in process (default 32 MiB). */
  localMaxBytes?: number;
}

export function normaliseListQuery(query: SignalsQuery): SignalListFilters {
  return {
    limit: query.limit ?? DEFAULT_LIMIT,
    ...filtersOf(query),
    ...(query.search !== undefined ? { search: query.search } : {}),
    ...(query.from ? { from: query.from } : {}),
    ...(query.to ? { to: query.to } : {}),
    ...(query.before !== undefined ? { before: query.before } : {}),
  };
}

export function queryHash(filters: SignalListFilters): string {
  // Search is case-insensitive: differently cased searches share one entry.
  const canonical = JSON.stringify([
    filters.limit,
    filters.channel ?? null,
    filters.type ?? null,
    filters.assets ?? null,
    filters.statuses ?? null,
    filters.search?.toLowerCase() ?? null,
    filters.from?.getTime() ?? null,
    filters.to?.getTime() ?? null,
    filters.before ?? null,
  ]);
  return createHash('sha256').update(canonical).digest('base64url').slice(0, 22);
}

/** RFC 9110 If-None-Match: a list of (possibly weak) tags, or `*`. */
export function etagMatches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  const bare = etag.replace(/^W\//, '');
  return ifNoneMatch.split(',').some((tag) => {
    const t = tag.trim();
    return t === '*' || t.replace(/^W\//, '') === bare;
  });
}

export function createSignalsListService(options: SignalsListOptions): SignalsListService {
  const { signals, cache, subscriber, metrics, ttlSeconds } = options;
  const window = createHitRateWindow();
  const inFlight = new Map<string, Promise<Buffer>>();
  const local = new LRUCache<string, Buffer>({
    maxSize: options.localMaxBytes ?? 32 * 1024 * 1024,
    sizeCalculation: (body) => Math.max(1, body.length),
    ttl: ttlSeconds * 1000,
    ttlAutopurge: false,
  });

  const count = (result: 'hit' | 'miss' | 'error') => {
    metrics.cacheRequests.inc({ result });
    window.record(result === 'hit');
    const rate = window.rate();
    if (rate !== null) metrics.cacheHitRate.set(rate);
  };

  const currentSeq = async (): Promise<number> => {
    const known = subscriber.knownSeq();
    if (known !== null) return known;
    try {
      return await signals.latestSeq();
    } catch (error) {
      const stale = subscriber.lastSeq();
      if (stale !== null) return stale;
      throw error;
    }
  };

  const load = async (filters: SignalListFilters): Promise<string> => {
    try {
      const { data, nextBefore } = await signals.list(filters);
      return JSON.stringify({ data, next_before: nextBefore });
    } catch (error) {
      if (error instanceof AppError && error.statusCode === 400 && !/\bbefore\b/.test(error.message)) {
        // The only client input the store validates itself is the paging cursor.
        throw new AppError('BAD_REQUEST', `before: ${error.message}`, 400, { cause: error });
      }
      throw error;
    }
  };

  return {
    async list(query, ifNoneMatch) {
      const filters = normaliseListQuery(query);
      const hash = queryHash(filters);
      const latestSeq = await currentSeq();
      const etag = `"${latestSeq}-${hash}"`;
      if (etagMatches(ifNoneMatch, etag)) return { etag, latestSeq, cache: 'not-modified' };

      const key = `signals:${latestSeq}:${hash}`;
      const near = local.get(key);
      if (near) {
        count('hit');
        return { etag, latestSeq, body: near, cache: 'hit' };
      }
      const lookup = await cache.get(key);
      if (lookup.status === 'hit') {
        count('hit');
        const body = Buffer.from(lookup.value);
        local.set(key, body);
        return { etag, latestSeq, body, cache: 'hit' };
      }
      // Concurrent misses for one key share one database read. Only the request that starts the read
      // counts as a miss; the ones that join it reach neither Redis's value nor PostgreSQL, so they
      // count as hits (the metric says how many requests cost a database read).
      let pending = inFlight.get(key);
      count(pending && lookup.status === 'miss' ? 'hit' : lookup.status);
      if (!pending) {
        const storeShared = lookup.status === 'miss';
        pending = load(filters)
          .then((text) => {
            if (storeShared) void cache.set(key, text, ttlSeconds);
            const body = Buffer.from(text);
            local.set(key, body);
            return body;
          })
          .finally(() => inFlight.delete(key));
        inFlight.set(key, pending);
      }
      return { etag, latestSeq, body: await pending, cache: lookup.status };
    },
  };
}
