/**
 * SignalBus over Redis pub/sub: one PUBLISH per committed batch (a JSON array) on
 * `<prefix>signal-events`. The subscription is desired state kept by this module: after the subscriber
 * connection comes back (restart, failover) it subscribes again and, once Redis confirms, tells every
 * handler that it may have missed events (`onReconnect`), so the API fills the gap from the event log.
 */
import type { Redis } from 'ioredis';
import type { SignalEvent } from '../domain/events.js';
import { AppError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { RedisConnections } from './redis-connections.js';
import type { SignalBus, SignalBusHandlers, Unsubscribe } from './signal-bus.js';
import { parseEventBatch } from './signal-event-schema.js';

export interface RedisBusOptions {
  log: Logger;
  /** Defaults to `<keyPrefix>signal-events`. */
  channel?: string;
}

interface Entry {
  handlers: SignalBusHandlers;
  /** Set while the subscription was not live since this handler registered; cleared by onReconnect. */
  missed: boolean;
}

export function signalChannel(keyPrefix: string): string {
  return `${keyPrefix}signal-events`;
}

export function createRedisBus(conns: RedisConnections, options: RedisBusOptions): SignalBus {
  const channel = options.channel ?? signalChannel(conns.keyPrefix);
  const log = options.log.child({ module: 'redis-bus', channel });
  const sub = conns.subscriber;
  const entries = new Set<Entry>();
  let live = false;
  let everLive = false;
  let closed = false;
  let attempt: Promise<boolean> | null = null;
  let retryTimer: NodeJS.Timeout | undefined;

  const guarded = (what: string, fn: () => void) => {
    try {
      fn();
    } catch (error) {
      log.error({ err: error }, `bus ${what} handler threw`);
    }
  };

  const trySubscribe = async (): Promise<boolean> => {
    if (sub.status !== 'ready') return false; // the 'ready' listener tries again
    try {
      await sub.subscribe(channel);
    } catch (error) {
      log.debug({ err: (error as Error).message }, 'bus subscribe failed');
      scheduleRetry();
      return false;
    }
    if (closed) return false;
    live = true;
    if (everLive) log.info('bus subscription restored');
    everLive = true;
    for (const entry of entries) {
      if (!entry.missed) continue;
      entry.missed = false;
      guarded('reconnect', () => entry.handlers.onReconnect?.());
    }
    return true;
  };

  const ensureSubscribed = (): Promise<boolean> => {
    if (live) return Promise.resolve(true);
    attempt ??= trySubscribe().finally(() => {
      attempt = null;
    });
    return attempt;
  };

  // A SUBSCRIBE that failed on a connection that stayed up would otherwise leave this instance deaf.
  const scheduleRetry = () => {
    if (closed || retryTimer || entries.size === 0) return;
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      if (!closed && entries.size > 0) void ensureSubscribed();
    }, conns.timeouts.retryCapMs);
    retryTimer.unref();
  };

  const onMessage = (from: string, text: string) => {
    if (from !== channel) return;
    const parsed = parseEventBatch(text);
    if (!parsed.ok) {
      // The length only: a message may hold a whole Telegram post.
      log.warn({ bytes: text.length, reason: parsed.reason }, 'dropped a malformed bus message');
      return;
    }
    for (const entry of [...entries]) guarded('events', () => entry.handlers.onEvents(parsed.events));
  };
  const onReady = () => {
    if (!closed && entries.size > 0 && !live) void ensureSubscribed();
  };
  const onClose = () => {
    if (!live) return;
    live = false;
    for (const entry of entries) entry.missed = true;
    log.warn('bus subscription lost');
  };
  sub.on('message', onMessage);
  sub.on('ready', onReady);
  sub.on('close', onClose);

  return {
    async publish(events: SignalEvent[]) {
      if (closed) throw new AppError('UNAVAILABLE', 'signal bus is closed', 503);
      if (events.length === 0) return;
      try {
        await conns.master.publish(channel, JSON.stringify(events));
      } catch (cause) {
        throw new AppError('UNAVAILABLE', 'signal bus publish failed', 503, { cause });
      }
    },

    async subscribe(handlers: SignalBusHandlers): Promise<Unsubscribe> {
      if (closed) throw new AppError('UNAVAILABLE', 'signal bus is closed', 503);
      const entry: Entry = { handlers, missed: false };
      entries.add(entry);
      if (!live) {
        await waitForReady(sub, conns.timeouts.connectMs);
        // Not live by now: whatever is published until it is will be missed; onReconnect says when.
        if (!(await ensureSubscribed()) && entries.has(entry)) entry.missed = true;
      }
      return async () => {
        if (!entries.delete(entry) || entries.size > 0 || !live) return;
        live = false;
        await sub.unsubscribe(channel).catch(() => undefined);
      };
    },

    async close() {
      if (closed) return;
      closed = true;
      clearTimeout(retryTimer);
      entries.clear();
      sub.off('message', onMessage);
      sub.off('ready', onReady);
      sub.off('close', onClose);
      // The connections belong to their owner (who closes them); only this channel is given up here.
      if (live && sub.status === 'ready') await sub.unsubscribe(channel).catch(() => undefined);
      live = false;
    },
  };
}

function waitForReady(redis: Redis, timeoutMs: number): Promise<void> {
  if (redis.status === 'ready') return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      redis.off('ready', done);
      resolve();
    };
    const timer = setTimeout(done, timeoutMs);
    redis.once('ready', done);
  });
}
