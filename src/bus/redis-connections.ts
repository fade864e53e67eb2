/**
 * The Redis connections one process needs: `master` for writes and publishes, `replica` for cache reads
 * (the master itself when no replica is configured), and a dedicated `subscriber` (a connection in
 * subscriber mode can run nothing else). With Sentinel, every connection asks the sentinels where the
 * master (or a replica) is, so a failover is followed by reconnecting.
 *
 * Redis is never allowed to block a caller: commands time out, the master and replica fail at once
 * while disconnected (no offline queue), and reconnects back off with jitter up to a small cap.
 */
import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from '../logger.js';

export interface RedisConnectionsOptions {
  /** redis:// or rediss:// URL of the master (with Sentinel: only its credentials, db and TLS are used). */
  url?: string;
  /** A read replica for cache reads (without Sentinel). */
  replicaUrl?: string;
  /** Sentinel endpoints as host:port; when given, the master and the replica are found through them. */
  sentinels?: string[];
  /** The master name the sentinels monitor. */
  sentinelMaster?: string;
  /** With Sentinel: read from a replica the sentinels know of (default true; falls back to the master). */
  readFromReplica?: boolean;
  /** Prefix of every key and channel this process uses (e.g. `tpc:`); applied by the cache and the bus. */
  keyPrefix: string;
  log: Logger;
  timeouts?: Partial<RedisTimeouts>;
}

export interface RedisTimeouts {
  connectMs: number;
  commandMs: number;
  /** Upper bound of the reconnect delay; the delay grows exponentially up to it, with jitter. */
  retryCapMs: number;
}

// A 1 s reconnect cap: attempts are cheap, and after a failover the next attempt is what clients wait for.
const DEFAULT_TIMEOUTS: RedisTimeouts = { connectMs: 2000, commandMs: 1500, retryCapMs: 1000 };

export type RedisConnectionName = 'master' | 'replica' | 'subscriber';

export interface RedisConnectionStatus {
  /** ioredis status: wait, connecting, connect, ready, reconnecting, close, end. */
  status: string;
  /** host:port the connection currently talks to, when connected. */
  address: string | null;
}

export interface RedisStatus {
  /** The master connection is ready (writes and publishes can succeed). */
  connected: boolean;
  mode: 'single' | 'replica' | 'sentinel';
  master: RedisConnectionStatus;
  replica: RedisConnectionStatus;
  subscriber: RedisConnectionStatus;
}

export interface RedisConnections {
  readonly master: Redis;
  readonly replica: Redis;
  readonly subscriber: Redis;
  readonly keyPrefix: string;
  readonly timeouts: Readonly<RedisTimeouts>;
  status(): RedisStatus;
  /** Resolves true once every connection is ready, false when `timeoutMs` passes first. Never rejects. */
  waitUntilReady(timeoutMs: number): Promise<boolean>;
  close(): Promise<void>;
}

/** Exponential backoff with "equal jitter": half the delay fixed, half random, never above the cap. */
export function reconnectDelay(attempt: number, capMs: number, random: () => number = Math.random): number {
  const exp = Math.min(capMs, 50 * 2 ** Math.min(attempt, 16));
  return Math.round(exp / 2 + random() * (exp / 2));
}

export function parseHostPort(value: string): { host: string; port: number } {
  const match = /^\[?([^\]\s]+?)\]?:(\d{1,5})$/.exec(value.trim());
  if (!match) throw new Error(`not a host:port: "${value}"`);
  return { host: match[1]!, port: Number(match[2]) };
}

/** Credentials, db and TLS from a URL, for Sentinel mode where the address comes from the sentinels. */
function urlAuthOptions(url: string | undefined): RedisOptions {
  if (!url) return {};
  const parsed = new URL(url);
  const db = parsed.pathname.replace(/^\//, '');
  return {
    ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
    ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
    ...(db ? { db: Number(db) } : {}),
    ...(parsed.protocol === 'rediss:' ? { tls: {} } : {}),
  };
}

function addressOf(redis: Redis): string | null {
  const stream = redis.stream as { remoteAddress?: string; remotePort?: number } | undefined;
  return redis.status === 'ready' && stream?.remoteAddress
    ? `${stream.remoteAddress}:${stream.remotePort}`
    : null;
}

export function createRedisConnections(options: RedisConnectionsOptions): RedisConnections {
  const timeouts: RedisTimeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
  const log = options.log.child({ module: 'redis' });
  const sentinels = options.sentinels?.map(parseHostPort) ?? [];
  const useSentinel = sentinels.length > 0;
  if (!useSentinel && !options.url) throw new Error('createRedisConnections needs a url or sentinels');

  const base: RedisOptions = {
    connectTimeout: timeouts.connectMs,
    commandTimeout: timeouts.commandMs,
    maxRetriesPerRequest: 1,
    retryStrategy: (attempt) => reconnectDelay(attempt, timeouts.retryCapMs),
    // A replica promoted or demoted under us answers READONLY: reconnect so Sentinel points us right.
    reconnectOnError: (error) => error.message.startsWith('READONLY'),
    lazyConnect: false,
  };
  // Fail fast while disconnected: a cache read or a publish must not wait for Redis to come back.
  const failFast: RedisOptions = { enableOfflineQueue: false, autoResendUnfulfilledCommands: false };
  // The bus re-subscribes itself after a reconnect, so it knows when the subscription is live again.
  const subscriberOptions: RedisOptions = { autoResubscribe: false, enableOfflineQueue: true };

  const sentinelOptions = (role: 'master' | 'slave'): RedisOptions => ({
    ...urlAuthOptions(options.url),
    sentinels,
    name: options.sentinelMaster ?? 'mymaster',
    role,
    sentinelRetryStrategy: (attempt) => reconnectDelay(attempt, timeouts.retryCapMs),
    sentinelCommandTimeout: timeouts.commandMs,
    // No `failoverDetector`: when its +switch-master arrives while a connection is already
    // reconnecting, ioredis ends that connection for good. A demoted master is followed anyway:
    // writes get READONLY (reconnectOnError), and a subscriber on a replica still hears every PUBLISH.
  });

  let closing = false;
  const revivals = new Set<NodeJS.Timeout>();
  // ioredis gives up on a connection in a few corner cases (a sentinel lookup aborted mid-reconnect);
  // a process that lives for months must not stay without Redis because of one.
  const keepAlive = (redis: Redis, name: RedisConnectionName) => {
    redis.on('end', () => {
      if (closing) return;
      log.warn({ connection: name }, 'redis connection ended; reconnecting');
      const timer = setTimeout(() => {
        revivals.delete(timer);
        if (!closing && redis.status === 'end') redis.connect().catch(() => undefined);
      }, timeouts.retryCapMs);
      revivals.add(timer);
    });
  };

  const open = (name: RedisConnectionName, url: string | undefined, extra: RedisOptions): Redis => {
    const redis = useSentinel
      ? new Redis({ ...base, ...extra, ...sentinelOptions(name === 'replica' ? 'slave' : 'master') })
      : new Redis(url!, { ...base, ...extra });
    watch(redis, name, log);
    keepAlive(redis, name);
    return redis;
  };

  const wantsReplica = useSentinel ? options.readFromReplica !== false : Boolean(options.replicaUrl);
  const master = open('master', options.url, { ...failFast, connectionName: 'tp-capital-master' });
  const replica = wantsReplica
    ? open('replica', options.replicaUrl, { ...failFast, connectionName: 'tp-capital-replica' })
    : master;
  const subscriber = open('subscriber', options.url, {
    ...subscriberOptions,
    connectionName: 'tp-capital-subscriber',
  });
  const all = wantsReplica ? [master, replica, subscriber] : [master, subscriber];
  const mode = useSentinel ? 'sentinel' : wantsReplica ? 'replica' : 'single';

  return {
    master,
    replica,
    subscriber,
    keyPrefix: options.keyPrefix,
    timeouts,
    status: () => ({
      connected: master.status === 'ready',
      mode,
      master: { status: master.status, address: addressOf(master) },
      replica: { status: replica.status, address: addressOf(replica) },
      subscriber: { status: subscriber.status, address: addressOf(subscriber) },
    }),
    waitUntilReady: (timeoutMs) => waitUntilReady(all, timeoutMs),
    close: async () => {
      closing = true;
      for (const timer of revivals) clearTimeout(timer);
      await Promise.all(all.map((redis) => quit(redis, timeouts.commandMs)));
    },
  };
}

function waitUntilReady(connections: Redis[], timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const check = () => {
      if (connections.every((redis) => redis.status === 'ready')) finish(true);
    };
    const finish = (ready: boolean) => {
      clearTimeout(timer);
      for (const redis of connections) redis.off('ready', check);
      resolve(ready);
    };
    const timer = setTimeout(() => finish(false), timeoutMs);
    for (const redis of connections) redis.on('ready', check);
    check();
  });
}

/** QUIT politely when connected, otherwise (or if QUIT hangs) just drop the socket and stop reconnecting. */
async function quit(redis: Redis, timeoutMs: number): Promise<void> {
  if (redis.status === 'end') return;
  if (redis.status !== 'ready') {
    redis.disconnect(false);
    return;
  }
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, timeoutMs);
  });
  await Promise.race([redis.quit().catch(() => undefined), timeout]);
  clearTimeout(timer);
  redis.disconnect(false);
}

/** Logs a connection's transitions once each (lost, restored), not every failed reconnect attempt. */
function watch(redis: Redis, name: RedisConnectionName, log: Logger): void {
  let wasReady = false;
  let lostLogged = false;
  let lastError: string | undefined;
  redis.on('error', (error: Error) => {
    // Without a listener ioredis prints every error; the message has no credentials in it.
    lastError = error.message;
    log.debug({ connection: name, err: error.message }, 'redis error');
  });
  redis.on('ready', () => {
    if (wasReady || lostLogged)
      log.info({ connection: name, address: addressOf(redis) }, 'redis connection restored');
    else log.debug({ connection: name, address: addressOf(redis) }, 'redis connection ready');
    wasReady = true;
    lostLogged = false;
  });
  redis.on('reconnecting', () => {
    if (lostLogged) return;
    lostLogged = true;
    log.warn({ connection: name, err: lastError }, wasReady ? 'redis connection lost' : 'redis unreachable');
  });
}
