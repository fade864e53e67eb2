/**
 * The typed event map shared by the event log, the bus and the SSE route: a new event is one edit here.
 * `seq` is the event log's bigserial; it is the SSE `id:` and the order every client sees.
 */
import type { SignalView } from './signal.js';

export const SIGNAL_OPS = ['created', 'updated', 'target_hit', 'stopped', 'cancelled', 'closed'] as const;
export type SignalOp = (typeof SIGNAL_OPS)[number];

export interface SignalEvent {
  seq: number;
  op: SignalOp;
  /** ISO timestamp of the commit that appended the event. */
  occurred_at: string;
  /** The signal as it was right after this event. */
  signal: SignalView;
}

/** Bus topic → payload. The bus carries whole committed events; gaps are filled from the event log. */
export interface SignalEventMap {
  'signal:event': SignalEvent;
}
