/**
 * The in-process SignalBus: the embedded default, when the ingester and the API share one process.
 * Same semantics as the Redis bus: delivery after `publish` returns (a microtask later, in publish
 * order), every subscriber gets the same copy of the batch, never the publisher's objects; a throwing
 * handler does not stop the others. A process cannot lose its own messages, so `onReconnect` never fires.
 */
import type { SignalEvent } from '../domain/events.js';
import { AppError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { SignalBus, SignalBusHandlers, Unsubscribe } from './signal-bus.js';

export interface MemoryBusOptions {
  log?: Logger;
}

export function createMemoryBus(options: MemoryBusOptions = {}): SignalBus {
  // Wrapped, so the same handlers registered twice are two subscriptions, as with Redis.
  const subscribers = new Set<{ handlers: SignalBusHandlers }>();
  let closed = false;

  const report = (error: unknown) => {
    if (options.log) options.log.error({ err: error, module: 'memory-bus' }, 'bus events handler threw');
    else process.emitWarning(`memory bus handler threw: ${String(error)}`);
  };

  return {
    async publish(events: SignalEvent[]) {
      if (closed) throw new AppError('UNAVAILABLE', 'signal bus is closed', 503);
      if (events.length === 0) return;
      // A copy, as a broker would deliver: a subscriber cannot mutate what the publisher holds.
      const copy = structuredClone(events);
      const targets = [...subscribers];
      queueMicrotask(() => {
        for (const entry of targets) {
          if (!subscribers.has(entry)) continue;
          try {
            entry.handlers.onEvents(copy);
          } catch (error) {
            report(error);
          }
        }
      });
    },

    async subscribe(handlers: SignalBusHandlers): Promise<Unsubscribe> {
      if (closed) throw new AppError('UNAVAILABLE', 'signal bus is closed', 503);
      const entry = { handlers };
      subscribers.add(entry);
      return async () => {
        subscribers.delete(entry);
      };
    },

    async close() {
      closed = true;
      subscribers.clear();
    },
  };
}
