/**
 * receive → commit → publish → ack. Micro-batches form by themselves (DESIGN.md): an idle pipeline
 * commits a message at once (after one event-loop turn, so that the events of one socket chunk travel
 * together); what arrives while a commit is in flight joins the next batch, up to `batchMax`.
 * A failed commit is retried — the same batch, with backoff and jitter — until it lands or the pipeline
 * is stopped: nothing accepted is dropped and the cursor never moves ahead of the data. While the queue
 * is past `highWater`, `waitForRoom()` holds the intake (the stream stops reading).
 */
import type { InboxOutcome, IngestItem } from '../domain/ingest.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import { backoffDelay, sleep } from './backoff.js';
import type { EventPublisher, IngestStore } from './ports.js';
import { isTransientStoreError } from './store-errors.js';

export interface PipelineEntry {
  /** Null when there is nothing to store (an unattributable or foreign delivery): only the cursor moves. */
  item: IngestItem | null;
  /** The stream cursor this delivery came with; null for polled messages. */
  cursor: string | null;
  /** The message id to acknowledge after commit; null when it must not be acknowledged. */
  ackMessageId: string | null;
}

export interface CommitInfo {
  messages: number;
  /** Telegram date of the batch's latest message, for the lag. */
  latestTelegramDate: Date | null;
  cursor: string | null;
  committedAt: Date;
}

export interface PipelineOptions {
  store: IngestStore;
  publisher: EventPublisher;
  acks: { add(messageIds: readonly string[]): void };
  channelId: string;
  batchMax: number;
  batchWaitMs: number;
  /** Queue length at which the intake is held. */
  highWater: number;
  backoffBaseMs?: number;
  backoffMaxMs: number;
  publishTimeoutMs?: number;
  log: Logger;
  metrics: Metrics;
  onCommitted?: (info: CommitInfo) => void;
}

export interface Pipeline {
  push(entry: PipelineEntry): void;
  /** Null when there is room; else settles when the queue is down to half of `highWater` (or stopped). */
  waitForRoom(): Promise<void> | null;
  /** Settles when everything pushed so far is committed (true), or on timeout / stop (false). */
  flush(timeoutMs: number): Promise<boolean>;
  /** 'drain': commit what is queued (bounded by `timeoutMs`); 'discard': drop the queue at once. */
  stop(mode: 'drain' | 'discard', timeoutMs: number): Promise<void>;
  queued(): number;
}

function inboxOutcome(item: IngestItem): InboxOutcome {
  return item.kind === 'rejected' ? 'rejected' : item.result.kind;
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export function createPipeline(options: PipelineOptions): Pipeline {
  const { store, log, metrics } = options;
  const baseMs = options.backoffBaseMs ?? 100;
  const queue: PipelineEntry[] = [];
  const abort = new AbortController();
  let pushed = 0;
  let committed = 0;
  let stopping = false;
  let wake: (() => void) | null = null;
  let roomWaiters: Array<() => void> = [];
  let flushWaiters: Array<{ target: number; resolve: (ok: boolean) => void }> = [];

  function notifyProgress(): void {
    if (queue.length <= options.highWater / 2 || stopping) {
      const waiters = roomWaiters;
      roomWaiters = [];
      for (const resolve of waiters) resolve();
    }
    const remaining: typeof flushWaiters = [];
    for (const waiter of flushWaiters) {
      if (committed >= waiter.target) waiter.resolve(true);
      else if (stopping && queue.length === 0) waiter.resolve(false);
      else remaining.push(waiter);
    }
    flushWaiters = remaining;
  }

  function cursorOf(batch: PipelineEntry[]): string | null {
    for (let i = batch.length - 1; i >= 0; i -= 1) {
      const cursor = batch[i]?.cursor;
      if (cursor) return cursor;
    }
    return null;
  }

  async function apply(batch: PipelineEntry[]): Promise<void> {
    const items = batch.flatMap((entry) => (entry.item ? [entry.item] : []));
    const cursor = cursorOf(batch);
    if (items.length === 0 && cursor === null) return;
    const report = await store.applyBatch(items, cursor ? { channelId: options.channelId, cursor } : null);
    const committedAt = new Date();
    let latest: Date | null = null;
    metrics.ingestBatchSize.observe(items.length);
    items.forEach((item, index) => {
      metrics.inboxMessages.inc({ outcome: inboxOutcome(item) });
      const outcome = report.items[index]?.outcome;
      if (outcome) metrics.signalsIngested.inc({ channel: options.channelId, status: outcome });
      if (item.kind === 'parsed') {
        const date = item.message.telegramDate;
        metrics.ingestLag.observe(Math.max(0, committedAt.getTime() - date.getTime()) / 1000);
        if (!latest || date > latest) latest = date;
      }
    });
    options.onCommitted?.({ messages: items.length, latestTelegramDate: latest, cursor, committedAt });
    if (report.events.length > 0) {
      // After COMMIT: the bus is a doorbell, the event log is the truth; a failed publish is only logged.
      await withTimeout(
        options.publisher.publish(report.events),
        options.publishTimeoutMs ?? 2000,
        'publish',
      ).catch((error: unknown) =>
        log.warn({ err: error, events: report.events.length }, 'publishing events failed'),
      );
    }
    const ackIds = batch.flatMap((entry) => (entry.ackMessageId ? [entry.ackMessageId] : []));
    if (ackIds.length > 0) options.acks.add(ackIds);
  }

  /** A batch that fails for a reason other than the database being unreachable: one message is bad. */
  async function isolate(batch: PipelineEntry[]): Promise<void> {
    for (const entry of batch) {
      try {
        await apply([entry]);
      } catch (error) {
        if (isTransientStoreError(error) || !entry.item) throw error;
        log.error({ err: error, item: describe(entry.item) }, 'storing a message failed; kept as rejected');
        await apply([{ ...entry, item: asRejected(entry.item) }]);
      }
    }
  }

  async function commit(batch: PipelineEntry[]): Promise<boolean> {
    let attempt = 0;
    let isolating = false;
    while (!abort.signal.aborted) {
      try {
        if (isolating) await isolate(batch);
        else await apply(batch);
        if (attempt > 0)
          log.info({ attempts: attempt + 1, messages: batch.length }, 'batch committed after retries');
        return true;
      } catch (error) {
        attempt += 1;
        if (!isTransientStoreError(error) && !isolating && batch.length > 0) {
          isolating = true;
          log.warn({ err: error, messages: batch.length }, 'batch failed; applying its messages one by one');
          continue;
        }
        const delay = backoffDelay(attempt, baseMs, options.backoffMaxMs);
        const level = attempt === 1 || attempt % 20 === 0 ? 'warn' : 'debug';
        log[level](
          { err: error, attempt, retryInMs: delay, messages: batch.length },
          'batch commit failed; retrying',
        );
        await sleep(delay, abort.signal);
      }
    }
    return false;
  }

  const loop = (async () => {
    while (true) {
      if (queue.length === 0) {
        if (stopping) break;
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        wake = null;
        continue;
      }
      if (options.batchWaitMs > 0 && queue.length < options.batchMax) {
        await new Promise((resolve) => setImmediate(resolve));
      }
      const batch = queue.splice(0, options.batchMax);
      const ok = await commit(batch);
      if (!ok) break;
      committed += batch.length;
      notifyProgress();
    }
    queue.length = 0;
    stopping = true;
    notifyProgress();
  })();

  return {
    push(entry) {
      if (stopping) return;
      queue.push(entry);
      pushed += 1;
      wake?.();
    },
    waitForRoom() {
      if (queue.length < options.highWater || stopping) return null;
      return new Promise<void>((resolve) => roomWaiters.push(resolve));
    },
    flush(timeoutMs) {
      if (committed >= pushed) return Promise.resolve(true);
      if (stopping && queue.length === 0) return Promise.resolve(false);
      return new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => {
          flushWaiters = flushWaiters.filter((w) => w.resolve !== done);
          resolve(false);
        }, timeoutMs);
        const done = (ok: boolean) => {
          clearTimeout(timer);
          resolve(ok);
        };
        flushWaiters.push({ target: pushed, resolve: done });
      });
    },
    async stop(mode, timeoutMs) {
      if (mode === 'discard') queue.length = 0;
      stopping = true;
      wake?.();
      notifyProgress();
      const timer = setTimeout(() => abort.abort(), mode === 'discard' ? 0 : timeoutMs);
      await loop;
      clearTimeout(timer);
      abort.abort();
    },
    queued: () => queue.length,
  };
}

function describe(item: IngestItem): { messageId: string | null; kind: string } {
  return item.kind === 'parsed'
    ? { messageId: item.message.messageId, kind: item.result.kind }
    : { messageId: item.delivery.messageId, kind: 'rejected' };
}

function asRejected(item: IngestItem): IngestItem {
  if (item.kind === 'rejected') return item;
  const { message } = item;
  return {
    kind: 'rejected',
    delivery: {
      channelId: message.channelId,
      messageId: message.messageId,
      telegramDate: message.telegramDate,
      reason: 'store_error',
      // The whole text (the store bounds it): `reprocess` can re-parse a store_error row later.
      excerpt: message.content ?? '',
    },
  };
}
