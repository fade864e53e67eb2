/**
 * Acknowledgements after commit (GATEWAY-CONTRACT.md §3): never awaited by the pipeline. One request in
 * flight at a time; ids that failed stay pending and go out again with the next batch's (or after a
 * backoff when no batch comes). Bounded: past `maxPending` the oldest ids are dropped with a warning —
 * the upsert is idempotent, so an unacknowledged message only costs a redelivery.
 */
import { isBreakerOpenError } from '../gateway/index.js';
import type { Logger } from '../logger.js';
import { backoffDelay } from './backoff.js';

export interface AckQueue {
  add(messageIds: readonly string[]): void;
  /** Settles when nothing is pending (true) or after `timeoutMs` / a failed attempt (false). */
  flush(timeoutMs: number): Promise<boolean>;
  pending(): number;
  failures(): number;
  stop(): Promise<void>;
}

export function createAckQueue(options: {
  send: (messageIds: string[]) => Promise<void>;
  log: Logger;
  chunk?: number;
  maxPending?: number;
  backoffMaxMs: number;
}): AckQueue {
  const chunk = options.chunk ?? 500;
  const maxPending = options.maxPending ?? 50_000;
  // A Set keeps insertion order and folds repeats (an edit acks the same message id again).
  const pending = new Set<string>();
  let inFlight: Promise<void> | null = null;
  let retryTimer: NodeJS.Timeout | undefined;
  let failedAttempts = 0;
  let failuresTotal = 0;
  let stopped = false;
  let idleWaiters: Array<(ok: boolean) => void> = [];

  function settleWaiters(ok: boolean): void {
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const resolve of waiters) resolve(ok);
  }

  function kick(): void {
    if (inFlight || stopped || pending.size === 0) return;
    clearTimeout(retryTimer);
    const ids = [...pending].slice(0, chunk);
    inFlight = options
      .send(ids)
      .then(
        () => {
          for (const id of ids) pending.delete(id);
          failedAttempts = 0;
        },
        (error: unknown) => {
          failedAttempts += 1;
          failuresTotal += 1;
          if (!isBreakerOpenError(error) && (failedAttempts === 1 || failedAttempts % 20 === 0)) {
            options.log.warn(
              { err: error, pending: pending.size, attempts: failedAttempts },
              'gateway ack failed; kept for retry',
            );
          }
          settleWaiters(false);
          const delay = backoffDelay(failedAttempts, 500, options.backoffMaxMs);
          retryTimer = setTimeout(kick, delay);
          retryTimer.unref();
        },
      )
      .finally(() => {
        inFlight = null;
        if (pending.size === 0) settleWaiters(true);
        else if (failedAttempts === 0) kick();
      });
  }

  return {
    add(messageIds) {
      if (stopped) return;
      for (const id of messageIds) {
        pending.delete(id);
        pending.add(id);
      }
      if (pending.size > maxPending) {
        const excess = pending.size - maxPending;
        let dropped = 0;
        for (const id of pending) {
          if (dropped >= excess) break;
          pending.delete(id);
          dropped += 1;
        }
        options.log.warn({ dropped, maxPending }, 'too many unacknowledged messages; oldest dropped');
      }
      // "Retried with the next batch": a new batch ends any backoff.
      failedAttempts = 0;
      kick();
    },
    flush(timeoutMs) {
      if (pending.size === 0 && !inFlight) return Promise.resolve(true);
      return new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => done(false), timeoutMs);
        const done = (ok: boolean) => {
          clearTimeout(timer);
          idleWaiters = idleWaiters.filter((w) => w !== done);
          resolve(ok);
        };
        idleWaiters.push(done);
        kick();
      });
    },
    pending: () => pending.size,
    failures: () => failuresTotal,
    async stop() {
      stopped = true;
      clearTimeout(retryTimer);
      await inFlight;
      settleWaiters(pending.size === 0);
    },
  };
}
