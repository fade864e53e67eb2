/** What the ingestion pipeline hands the store, and what the store reports back. */
import type { SignalEvent } from './events.js';
import type { GatewayMessage, RejectedDelivery } from './gateway-message.js';
import type { ParseResult } from './parse-result.js';

export type IngestItem =
  | { kind: 'parsed'; message: GatewayMessage; result: ParseResult }
  | { kind: 'rejected'; delivery: RejectedDelivery };

/** Per message, what applying it did (issue #2 §5; `tp_capital_signals_ingested_total{status}`). */
export const INGEST_OUTCOMES = [
  'inserted',
  'updated',
  'unchanged',
  'ignored',
  'rejected',
  'update_applied',
  'no_matching_signal',
] as const;
export type IngestOutcome = (typeof INGEST_OUTCOMES)[number];

/** The inbox's view of a message: what the parser made of it. */
export const INBOX_OUTCOMES = ['signal', 'update', 'ignored', 'rejected'] as const;
export type InboxOutcome = (typeof INBOX_OUTCOMES)[number];

export interface ItemReport {
  outcome: IngestOutcome;
  channelId: string | null;
  messageId: string | null;
  signalId: number | null;
}

export interface BatchReport {
  items: ItemReport[];
  /** Events appended by this batch, in seq order: publish them after COMMIT. */
  events: SignalEvent[];
}
