/**
 * What the ingester needs from the store, the bus and the gateway, as the smallest structural types:
 * the store's repositories, the SignalBus and the gateway clients fit them as they are, and the unit
 * tests can hand in the in-memory pieces.
 */
import type { SignalEvent } from '../domain/events.js';
import type { BatchReport, IngestItem } from '../domain/ingest.js';
import type { ParseResult } from '../domain/parse-result.js';
import type { AckClient, GatewayBreaker, PollClient, StreamClient } from '../gateway/index.js';

export interface CursorUpdate {
  channelId: string;
  cursor: string;
}

export interface IngestStore {
  /** ONE transaction: inbox, signals, lifecycle, events and the cursor. Idempotent. */
  applyBatch(items: IngestItem[], cursor: CursorUpdate | null): Promise<BatchReport>;
  getCursor(channelId: string): Promise<string | null>;
}

export interface LeaseStore {
  /** Acquires or renews; false when someone else holds an unexpired lease. */
  acquire(name: string, holder: string, ttlMs: number): Promise<boolean>;
  release(name: string, holder: string): Promise<unknown>;
}

export interface EventPublisher {
  publish(events: SignalEvent[]): Promise<void>;
}

export type ParseFn = (text: string, options?: { date?: Date | null }) => ParseResult;

/** The gateway side, already built by the role: clients plus the breakers they are fired through. */
export interface GatewayPorts {
  stream: StreamClient;
  poll: PollClient;
  ack: AckClient;
  /** Decides the mode: stream attempts are fired through it; its state is the one reported. */
  streamBreaker: GatewayBreaker;
  pollBreaker: GatewayBreaker;
  ackBreaker: GatewayBreaker;
}
