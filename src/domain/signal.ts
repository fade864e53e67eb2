/** A stored signal as every reader sees it (API.md "GET /signals"), and its lifecycle. */
import type { Side, Target } from './parse-result.js';

/** `open` → `target_1_hit` → `target_2_hit` → … → `target_final_hit`, or `stopped`, `cancelled`, `closed`. */
export type SignalStatus =
  | 'open'
  | `target_${number}_hit`
  | 'target_final_hit'
  | 'stopped'
  | 'cancelled'
  | 'closed';

export const TERMINAL_STATUSES: readonly SignalStatus[] = [
  'target_final_hit',
  'stopped',
  'cancelled',
  'closed',
];

export const STATUS_PATTERN = /^(open|target_(\d{1,3}|final)_hit|stopped|cancelled|closed)$/;

export function isSignalStatus(value: string): value is SignalStatus {
  return STATUS_PATTERN.test(value);
}

/** A signal still takes lifecycle updates while it is open or has hit some, not all, targets. */
export function isOpenStatus(status: SignalStatus): boolean {
  return status === 'open' || /^target_\d+_hit$/.test(status);
}

/** The JSON shape of a signal on the wire: the legacy fields first, then the new ones. */
export interface SignalView {
  id: number;
  /** Epoch ms of the Telegram date (legacy). */
  ts: number;
  channel: string;
  signal_type: string;
  asset: string;
  buy_min: number | null;
  buy_max: number | null;
  target_1: number | null;
  target_2: number | null;
  target_final: number | null;
  stop: number | null;
  raw_message: string;
  source: string;
  ingested_at: string;
  created_at: string;
  updated_at: string;
  message_id: string;
  side: Side;
  targets: Target[];
  status: SignalStatus;
  valid_until: string | null;
  /** The seq of the latest event that changed this signal. */
  seq: number;
}
