/** A row of signals.tp_capital_signals as the pg driver returns it, and its wire shape (SignalView). */
import type { Side, SignalWarning, Target } from '../domain/parse-result.js';
import { isSignalStatus, type SignalStatus, type SignalView } from '../domain/signal.js';

/**
 * The select list every signal query uses. `valid_until::text` keeps the date a plain 'YYYY-MM-DD'
 * (the driver would make it a local-midnight Date); `ts_text` is the exact stored timestamp, so an
 * update can address the row even if it holds microseconds a JS Date cannot.
 */
export const SIGNAL_COLUMNS = `s.id, s.channel, s.message_id, s.ts, s.ts::text AS ts_text, s.signal_type, s.asset, s.side,
  s.buy_min, s.buy_max, s.target_1, s.target_2, s.target_final, s.stop, s.targets, s.status,
  s.valid_until::text AS valid_until, s.raw_message, s.source, s.seq, s.warnings,
  s.ingested_at, s.created_at, s.updated_at`;

export interface SignalRow {
  id: string;
  channel: string;
  message_id: string;
  ts: Date;
  ts_text: string;
  signal_type: string;
  asset: string;
  side: string;
  buy_min: string | null;
  buy_max: string | null;
  target_1: string | null;
  target_2: string | null;
  target_final: string | null;
  stop: string | null;
  targets: Target[];
  status: string;
  valid_until: string | null;
  raw_message: string;
  source: string;
  seq: string;
  warnings: SignalWarning[];
  ingested_at: Date;
  created_at: Date;
  updated_at: Date;
}

export function price(value: string | null): number | null {
  return value === null ? null : Number(value);
}

export function toSide(value: string): Side {
  return value === 'sell' ? 'sell' : 'buy';
}

export function toStatus(value: string): SignalStatus {
  // The CHECK constraint guarantees the pattern; the guard keeps the type honest.
  return isSignalStatus(value) ? value : 'open';
}

export function rowToView(row: SignalRow): SignalView {
  return {
    id: Number(row.id),
    ts: row.ts.getTime(),
    channel: row.channel,
    signal_type: row.signal_type,
    asset: row.asset,
    buy_min: price(row.buy_min),
    buy_max: price(row.buy_max),
    target_1: price(row.target_1),
    target_2: price(row.target_2),
    target_final: price(row.target_final),
    stop: price(row.stop),
    raw_message: row.raw_message,
    source: row.source,
    ingested_at: row.ingested_at.toISOString(),
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
    message_id: row.message_id,
    side: toSide(row.side),
    targets: row.targets,
    status: toStatus(row.status),
    valid_until: row.valid_until,
    seq: Number(row.seq),
  };
}
