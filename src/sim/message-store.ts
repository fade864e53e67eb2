/**
 * The sim's memory: the append-only log of emitted events (what streams replay, keyed by the cursor)
 * and the gateway's table of messages (what polling reads and acks mark). Unbounded by design; every
 * lookup is an index or a binary search so that 10,000s of messages stay cheap.
 */
import {
  completeMessage,
  identityKey,
  type PartialMessage,
  type SimMessage,
  telegramDateOf,
} from './sim-message.js';

export type SimEventName = 'message' | 'message.edited' | 'message.deleted';

export interface StoredEvent {
  /** The cursor: consecutive integers across all channels. Rendered as a string on the wire. */
  seq: number;
  event: string;
  channelId: string;
  /** ms since the epoch, sub-millisecond resolution: when the event entered the log and the streams. */
  emittedAt: number;
  /** Null for raw events (malformed deliveries injected on purpose). */
  message: SimMessage | null;
  /** The SSE `data:` payload, serialised once for every stream. */
  data: string;
}

interface MessageRecord {
  message: SimMessage;
  processedBy: Set<string>;
}

export interface UnprocessedFilter {
  channelId: string;
  statuses: string[] | null;
  excludeProcessedBy: string | null;
  limit: number;
}

export interface MessageState {
  message: SimMessage;
  processedBy: string[];
}

export interface MessageStore {
  /** Completes the message, decides its event name and appends it to the log. */
  append(partial: PartialMessage, defaults: { channelId: string }): StoredEvent;
  /** Appends an event served verbatim: any event name, any data (which may be invalid JSON). */
  appendRaw(input: { channelId: string; event: string; data: string }): StoredEvent;
  /** The channel's events, in cursor order. */
  channelEvents(channelId: string): readonly StoredEvent[];
  /** Index in `channelEvents(channelId)` of the first event after `afterSeq`. */
  indexAfter(channelId: string, afterSeq: number): number;
  /** Every event after `afterSeq` (all channels), at most `limit`. */
  eventsAfter(afterSeq: number, limit: number): readonly StoredEvent[];
  lastSeq(): number;
  unprocessed(filter: UnprocessedFilter): SimMessage[];
  /** Marks every message with one of these message ids, in any channel, as the real gateway does. */
  markProcessed(messageIds: readonly string[], processedBy: string): number;
  messages(): MessageState[];
  counts(): Record<'total' | 'message' | 'edited' | 'deleted' | 'raw', number>;
}

/** Wall-clock ms with sub-millisecond resolution, comparable across processes on one machine. */
export function preciseNow(): number {
  return performance.timeOrigin + performance.now();
}

/**
 * `cursorBase` (default: now in µs) makes cursors grow across restarts of the sim too, so that a client
 * holding a cursor from an earlier run never skips the new run's first messages.
 */
export function createMessageStore(options: { cursorBase?: number } = {}): MessageStore {
  const base = options.cursorBase ?? Math.floor(Date.now() * 1000);
  const log: StoredEvent[] = [];
  const byChannel = new Map<string, StoredEvent[]>();
  const records = new Map<string, MessageRecord>();
  const byMessageId = new Map<string, MessageRecord[]>();
  const counts = { total: 0, message: 0, edited: 0, deleted: 0, raw: 0 };
  let nextRowId = 1;
  let nextMessageId = 1;

  function push(event: Omit<StoredEvent, 'seq' | 'emittedAt'>): StoredEvent {
    const stored: StoredEvent = { ...event, seq: base + log.length + 1, emittedAt: preciseNow() };
    log.push(stored);
    let list = byChannel.get(stored.channelId);
    if (!list) {
      list = [];
      byChannel.set(stored.channelId, list);
    }
    list.push(stored);
    counts.total += 1;
    return stored;
  }

  function indexAfter(channelId: string, afterSeq: number): number {
    const list = byChannel.get(channelId) ?? [];
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((list[mid] as StoredEvent).seq <= afterSeq) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  return {
    append(partial, defaults) {
      const now = Date.now();
      const channelId = partial.channelId ?? defaults.channelId;
      const messageId = partial.messageId ?? String(nextMessageId);
      const telegramDate = partial.telegramDate ?? telegramDateOf(now);
      const numeric = Number(messageId);
      if (Number.isSafeInteger(numeric) && numeric >= nextMessageId) nextMessageId = numeric + 1;

      const key = identityKey(channelId, messageId, telegramDate);
      const record = records.get(key);
      const message = completeMessage(
        { ...partial, channelId, messageId, telegramDate },
        { id: String(nextRowId), nowIso: new Date(now).toISOString(), previous: record?.message },
      );
      const event: SimEventName =
        message.status === 'deleted' ? 'message.deleted' : record ? 'message.edited' : 'message';
      if (record) {
        record.message = message;
        // A new version has not been processed by anyone yet: polling must deliver edits too.
        record.processedBy.clear();
      } else {
        nextRowId += 1;
        const created: MessageRecord = { message, processedBy: new Set() };
        records.set(key, created);
        const sameId = byMessageId.get(messageId);
        if (sameId) sameId.push(created);
        else byMessageId.set(messageId, [created]);
      }
      if (event === 'message') counts.message += 1;
      else if (event === 'message.edited') counts.edited += 1;
      else counts.deleted += 1;
      return push({ event, channelId, message, data: JSON.stringify(message) });
    },

    appendRaw({ channelId, event, data }) {
      counts.raw += 1;
      return push({ event, channelId, message: null, data });
    },

    channelEvents: (channelId) => byChannel.get(channelId) ?? [],
    indexAfter,
    eventsAfter(afterSeq, limit) {
      const from = Math.min(log.length, Math.max(0, afterSeq - base));
      return log.slice(from, from + limit);
    },
    lastSeq: () => base + log.length,

    unprocessed({ channelId, statuses, excludeProcessedBy, limit }) {
      const out: SimMessage[] = [];
      // Map iteration is insertion order, which is the order the gateway first saw each message.
      for (const record of records.values()) {
        if (out.length >= limit) break;
        const { message } = record;
        if (message.channelId !== channelId) continue;
        if (statuses && !statuses.includes(message.status)) continue;
        if (excludeProcessedBy !== null && record.processedBy.has(excludeProcessedBy)) continue;
        out.push(message);
      }
      return out;
    },

    markProcessed(messageIds, processedBy) {
      let updated = 0;
      for (const id of new Set(messageIds)) {
        for (const record of byMessageId.get(id) ?? []) {
          record.processedBy.add(processedBy);
          updated += 1;
        }
      }
      return updated;
    },

    messages: () =>
      [...records.values()].map((r) => ({ message: r.message, processedBy: [...r.processedBy] })),
    counts: () => ({ ...counts }),
  };
}
