/**
 * The sim's control operations, one implementation for both callers: in-process (`sim.control`) and
 * over HTTP (`/__sim/…`, see control-routes.ts and control-client.ts). Every result is plain JSON.
 */
import { z } from 'zod';
import { AppError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { FailKind, Faults } from './faults.js';
import type { FeedRunner, FeedState } from './feed-runner.js';
import type { MessageState, MessageStore, StoredEvent } from './message-store.js';
import { type PartialMessageInput, partialMessageSchema, type SimMessage } from './sim-message.js';
import type { Stats, StatsSnapshot } from './stats.js';
import type { StreamHub } from './stream-hub.js';

export interface EmittedEntry {
  cursor: string;
  /** message | message.edited | message.deleted, or a raw event's name. */
  event: string;
  channelId: string;
  /** ms since the epoch, sub-millisecond: when the event was appended and written to the open streams. */
  emittedAt: number;
  /** Null for raw events. */
  message: SimMessage | null;
  /** Raw events only: the data as served. */
  data?: string;
}

export type EmittedCounts = Record<'total' | 'message' | 'edited' | 'deleted' | 'raw', number>;

export interface EmittedReport {
  events: EmittedEntry[];
  counts: EmittedCounts;
  /** The cursor of the newest event, null before the first. */
  lastCursor: string | null;
}

export interface FaultStatus {
  stalled: boolean;
  down: boolean;
  pendingFailures: Record<FailKind, number>;
  openStreams: number;
}

export interface StatsReport extends StatsSnapshot {
  openStreams: number;
  emitted: EmittedCounts;
  faults: FaultStatus;
  feed: FeedState;
}

export interface RawEventInput {
  /** The SSE event name (default `message`); may be one the contract does not know. */
  event?: string;
  /** Served verbatim when a string (so it may be invalid JSON); JSON-serialised otherwise. */
  data: unknown;
  channelId?: string;
}

export interface SimControl {
  /** Emits messages now, in order; partial objects are completed. */
  inject(messages: PartialMessageInput | PartialMessageInput[]): EmittedEntry[];
  /** Emits one event exactly as given: for malformed deliveries. Streams only; polling never sees it. */
  injectRaw(input: RawEventInput): EmittedEntry;
  /** Destroys every open stream's socket. */
  dropStreams(): { dropped: number };
  /** The next `count` requests of `kind` (default any) answer 500. */
  failNext(count: number, kind?: FailKind): FaultStatus;
  /** Streams (open and new) stop sending anything, pings included, until unstall(). */
  stall(): FaultStatus;
  /** Streams send what they missed and carry on. */
  unstall(): FaultStatus;
  /** Every gateway endpoint answers 503 and open streams are destroyed, until up(). */
  down(): FaultStatus;
  up(): FaultStatus;
  /** No pending failures, not stalled, not down. */
  clearFaults(): FaultStatus;
  pauseFeed(): FeedState;
  resumeFeed(): FeedState;
  setRate(rate: number): FeedState;
  /** Emits the feed's next `count` messages now. */
  advanceFeed(count: number): { advanced: number; lastCursor: string | null };
  emitted(options?: { after?: string; limit?: number }): EmittedReport;
  /** The gateway's table: the latest version of each message and who marked it processed. */
  messages(): MessageState[];
  stats(): StatsReport;
}

const eventName = z
  .string()
  .min(1)
  .regex(/^[^\r\n]+$/, 'must be one line');

export const rawEventSchema = z.strictObject({
  event: eventName.optional(),
  data: z.unknown(),
  channelId: z.string().min(1).optional(),
});

function entryOf(event: StoredEvent): EmittedEntry {
  const entry: EmittedEntry = {
    cursor: String(event.seq),
    event: event.event,
    channelId: event.channelId,
    emittedAt: event.emittedAt,
    message: event.message,
  };
  if (event.message === null) entry.data = event.data;
  return entry;
}

function badRequest(error: z.ZodError, what: string): AppError {
  const problems = error.issues.map((i) => `${i.path.join('.') || what}: ${i.message}`).join('; ');
  return new AppError('BAD_REQUEST', `invalid ${what}: ${problems}`, 400);
}

export function createSimControl(deps: {
  store: MessageStore;
  hub: StreamHub;
  faults: Faults;
  stats: Stats;
  feed: FeedRunner;
  channelId: string;
  log?: Logger | undefined;
}): SimControl {
  const { store, hub, faults, stats, feed, channelId, log } = deps;

  const status = (): FaultStatus => ({
    stalled: faults.stalled,
    down: faults.down,
    pendingFailures: faults.pendingFailures(),
    openStreams: hub.openCount(),
  });
  const lastCursor = () => (store.counts().total === 0 ? null : String(store.lastSeq()));

  return {
    inject(input) {
      const list = Array.isArray(input) ? input : [input];
      // All or nothing: a bad message in the middle must not leave half a batch emitted.
      const parsed = list.map((m, i) => {
        const result = partialMessageSchema.safeParse(m);
        if (!result.success) throw badRequest(result.error, `message ${i}`);
        return result.data;
      });
      return parsed.map((m) => {
        const event = store.append(m, { channelId });
        hub.notify(event.channelId);
        return entryOf(event);
      });
    },
    injectRaw(input) {
      const parsed = rawEventSchema.safeParse(input);
      if (!parsed.success) throw badRequest(parsed.error, 'raw event');
      const { data } = parsed.data;
      const event = store.appendRaw({
        channelId: parsed.data.channelId ?? channelId,
        event: parsed.data.event ?? 'message',
        data: typeof data === 'string' ? data : JSON.stringify(data ?? null),
      });
      hub.notify(event.channelId);
      return entryOf(event);
    },
    dropStreams() {
      const dropped = hub.dropAll();
      log?.info({ dropped }, 'streams dropped');
      return { dropped };
    },
    failNext(count, kind = 'any') {
      faults.failNext(count, kind);
      return status();
    },
    stall() {
      faults.stalled = true;
      return status();
    },
    unstall() {
      faults.stalled = false;
      hub.resumeAll();
      return status();
    },
    down() {
      faults.down = true;
      hub.dropAll();
      return status();
    },
    up() {
      faults.down = false;
      return status();
    },
    clearFaults() {
      faults.clearFailures();
      faults.down = false;
      if (faults.stalled) {
        faults.stalled = false;
        hub.resumeAll();
      }
      return status();
    },
    pauseFeed() {
      feed.pause();
      return feed.state();
    },
    resumeFeed() {
      feed.resume();
      return feed.state();
    },
    setRate(rate) {
      feed.setRate(rate);
      return feed.state();
    },
    advanceFeed(count) {
      return { advanced: feed.advance(count), lastCursor: lastCursor() };
    },
    emitted(options = {}) {
      const after = options.after === undefined ? 0 : Number(options.after);
      if (!Number.isSafeInteger(after) || after < 0) {
        throw new AppError('BAD_REQUEST', `invalid cursor "${options.after}"`, 400);
      }
      const limit = options.limit ?? Number.POSITIVE_INFINITY;
      return {
        events: store.eventsAfter(after, limit).map(entryOf),
        counts: store.counts(),
        lastCursor: lastCursor(),
      };
    },
    messages: () => store.messages(),
    stats: () => ({
      ...stats.snapshot(),
      openStreams: hub.openCount(),
      emitted: store.counts(),
      faults: status(),
      feed: feed.state(),
    }),
  };
}
