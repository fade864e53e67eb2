/**
 * Each API instance's ear on the bus. The bus is a doorbell; the event log is the truth. The subscriber
 * keeps `lastSeq`, the highest seq it has handed to the broadcaster, and hands over only the next
 * events in log order:
 *   - an event at lastSeq+1 goes straight through; one at or below lastSeq is a duplicate;
 *   - a jump (a lost publish, or a seq hole left by a rolled-back transaction) is filled from the log
 *     (eventsAfter) before anything later is broadcast;
 *   - a bus reconnect, and a periodic comparison with the log's latest seq (a doorbell lost silently),
 *     trigger the same catch-up;
 *   - while the database cannot be read, the catch-up is retried by the periodic check and bus events
 *     are held back (they are in the log), so nothing is broadcast out of order.
 * All work runs on one promise chain, so events are handed over strictly in seq order.
 */
import type { SignalBus, Unsubscribe } from '../bus/signal-bus.js';
import type { SignalEvent } from '../domain/events.js';
import type { Logger } from '../logger.js';
import type { SignalsReader } from './deps.js';

export interface SignalSubscriberOptions {
  bus: SignalBus;
  signals: Pick<SignalsReader, 'eventsAfter' | 'latestSeq'>;
  /** Receives consecutive committed events, in seq order, each exactly once. */
  broadcast: (events: SignalEvent[]) => void;
  log: Logger;
  busLive?: () => boolean;
  pageSize: number;
  safetyCheckMs: number;
}

export interface SubscriberStatus {
  lastSeq: number | null;
  /** Bus up, initialised, no catch-up pending: lastSeq is the newest seq this instance has heard of. */
  live: boolean;
  gapsFilled: number;
  lastError: string | null;
}

export interface SignalSubscriber {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** lastSeq when this instance can vouch for it (see `live`), otherwise null: ask the database. */
  knownSeq(): number | null;
  /** lastSeq even when stale (for answering while the database is down); null before the first read. */
  lastSeq(): number | null;
  status(): SubscriberStatus;
  /** Resolves once everything queued so far has been handled (tests, shutdown). */
  settled(): Promise<void>;
}

export function createSignalSubscriber(options: SignalSubscriberOptions): SignalSubscriber {
  const { bus, signals, broadcast, pageSize } = options;
  const log = options.log.child({ module: 'signal-subscriber' });
  let lastSeq: number | null = null;
  /** A catch-up failed (database down) or the bus said it missed events: fill from the log first. */
  let behind = true;
  let started = false;
  let stopped = false;
  let gapsFilled = 0;
  let lastError: string | null = null;
  let chain: Promise<void> = Promise.resolve();
  let unsubscribe: Unsubscribe | undefined;
  let timer: NodeJS.Timeout | undefined;

  const enqueue = (task: () => Promise<void>) => {
    chain = chain.then(task).catch((error: unknown) => {
      log.error({ err: error }, 'subscriber task failed');
    });
    return chain;
  };

  const emit = (events: SignalEvent[]) => {
    if (events.length === 0) return;
    lastSeq = events[events.length - 1]!.seq;
    broadcast(events);
  };

  /** Reads the log from lastSeq until it is exhausted. Returns false when the database failed. */
  const catchUp = async (why: string): Promise<boolean> => {
    try {
      if (lastSeq === null) {
        lastSeq = await signals.latestSeq();
        log.info({ lastSeq }, 'subscriber starts at the log head');
      }
      let filled = 0;
      for (;;) {
        const page = await signals.eventsAfter(lastSeq, pageSize);
        const fresh = page.filter((event) => event.seq > lastSeq!);
        emit(fresh);
        filled += fresh.length;
        if (page.length < pageSize) break;
      }
      if (filled > 0) {
        gapsFilled++;
        log.info({ filled, lastSeq, why }, 'filled a gap from the event log');
      }
      if (behind && lastError !== null) log.info({ lastSeq }, 'subscriber caught up');
      behind = false;
      lastError = null;
      return true;
    } catch (error) {
      if (!behind || lastError === null) log.warn({ err: error, why }, 'cannot read the event log: holding');
      behind = true;
      lastError = (error as Error).message;
      return false;
    }
  };

  const onEvents = (events: SignalEvent[]) => {
    if (stopped) return;
    void enqueue(async () => {
      const ordered = [...events].sort((a, b) => a.seq - b.seq);
      let run: SignalEvent[] = [];
      for (const event of ordered) {
        const expected = lastSeq === null ? null : lastSeq + 1 + run.length;
        if (!behind && expected !== null && event.seq === expected) {
          run.push(event);
          continue;
        }
        emit(run);
        run = [];
        if (lastSeq !== null && event.seq <= lastSeq) continue; // already handed over
        // A jump, or we were behind: the log has this event and everything before it.
        if (!(await catchUp(behind ? 'behind' : 'seq jump'))) return; // held; the periodic check retries
        if (lastSeq !== null && event.seq > lastSeq) {
          // The bus says it is committed but the log did not return it (a replica DB lagging?):
          // it is still the next one this instance knows of.
          emit([event]);
        }
      }
      emit(run);
    });
  };

  const check = () => {
    if (stopped) return;
    void enqueue(async () => {
      if (behind) {
        await catchUp('retry');
        return;
      }
      try {
        const latest = await signals.latestSeq();
        if (lastSeq !== null && latest > lastSeq) await catchUp('doorbell missed');
      } catch (error) {
        lastError = (error as Error).message;
      }
    });
  };

  return {
    async start() {
      if (started) return;
      started = true;
      // Queue the first catch-up before subscribing: bus events land behind it on the chain.
      const first = enqueue(async () => {
        await catchUp('start');
      });
      unsubscribe = await bus.subscribe({
        onEvents,
        onReconnect: () => {
          log.info('bus reconnected: catching up from the log');
          behind = true;
          void enqueue(async () => {
            await catchUp('bus reconnect');
          });
        },
      });
      await first;
      timer = setInterval(check, options.safetyCheckMs);
      timer.unref();
    },

    async stop() {
      stopped = true;
      clearInterval(timer);
      await unsubscribe?.().catch(() => undefined);
      await chain;
    },

    knownSeq() {
      const busUp = options.busLive ? options.busLive() : true;
      return started && !behind && busUp ? lastSeq : null;
    },

    lastSeq: () => lastSeq,

    status() {
      const busUp = options.busLive ? options.busLive() : true;
      return { lastSeq, live: started && !behind && busUp, gapsFilled, lastError };
    },

    settled: () => chain,
  };
}
