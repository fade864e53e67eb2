/**
 * A signal as the ingest transaction holds it in memory while it walks a batch: loaded rows and new
 * ones alike, mutated in batch order, written back once. Also the lifecycle rule (SIGNAL-FORMAT.md).
 */

import type { SignalOp } from '../../domain/events.js';
import type { ParsedSignal, ParsedUpdate, Side, SignalWarning, Target } from '../../domain/parse-result.js';
import { isOpenStatus, type SignalStatus, type SignalView } from '../../domain/signal.js';
import { price, type SignalRow, toSide, toStatus } from '../signal-row.js';

/** What the parser decides about a signal; an edit that changes any of it is an `updated` event. */
export interface SignalFields {
  signal_type: string;
  asset: string;
  side: Side;
  buy_min: number | null;
  buy_max: number | null;
  targets: Target[];
  target_1: number | null;
  target_2: number | null;
  target_final: number | null;
  stop: number | null;
  valid_until: string | null;
  raw_message: string;
  warnings: SignalWarning[];
}

export interface SignalState {
  /** null until the batch allocates ids for its new signals. */
  id: number | null;
  /** The stored `ts` exactly (loaded rows), to address the row on UPDATE. */
  tsText: string | null;
  isNew: boolean;
  /** Creation order among this batch's new signals (ids are allocated in that order). */
  order: number;
  changed: boolean;
  channel: string;
  message_id: string;
  ts: Date;
  fields: SignalFields;
  status: SignalStatus;
  source: string;
  seq: number;
  /** null: set by this batch (its transaction time). */
  ingested_at: Date | null;
  created_at: Date | null;
  updated_at: Date | null;
}

export function signalKey(channel: string, messageId: string, ts: Date): string {
  return `${channel}\u0001${messageId}\u0001${ts.getTime()}`;
}

function finiteOrNull(value: number | null): number | null {
  return value !== null && Number.isFinite(value) ? value : null;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

export function fieldsFromParse(
  signal: ParsedSignal,
  rawMessage: string,
  warnings: SignalWarning[],
): SignalFields {
  return {
    signal_type: signal.signal_type,
    asset: signal.asset,
    side: signal.side,
    buy_min: finiteOrNull(signal.buy_min),
    buy_max: finiteOrNull(signal.buy_max),
    targets: signal.targets
      .filter((t) => Number.isFinite(t.price))
      .map((t) => ({ index: t.index, price: t.price })),
    target_1: finiteOrNull(signal.target_1),
    target_2: finiteOrNull(signal.target_2),
    target_final: finiteOrNull(signal.target_final),
    stop: finiteOrNull(signal.stop),
    valid_until: signal.valid_until !== null && ISO_DATE.test(signal.valid_until) ? signal.valid_until : null,
    raw_message: rawMessage,
    warnings: [...warnings],
  };
}

export function stateFromRow(row: SignalRow): SignalState {
  return {
    id: Number(row.id),
    tsText: row.ts_text,
    isNew: false,
    order: 0,
    changed: false,
    channel: row.channel,
    message_id: row.message_id,
    ts: row.ts,
    fields: {
      signal_type: row.signal_type,
      asset: row.asset,
      side: toSide(row.side),
      buy_min: price(row.buy_min),
      buy_max: price(row.buy_max),
      targets: row.targets,
      target_1: price(row.target_1),
      target_2: price(row.target_2),
      target_final: price(row.target_final),
      stop: price(row.stop),
      valid_until: row.valid_until,
      raw_message: row.raw_message,
      warnings: row.warnings,
    },
    status: toStatus(row.status),
    source: row.source,
    seq: Number(row.seq),
    ingested_at: row.ingested_at,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

export function sameFields(a: SignalFields, b: SignalFields): boolean {
  return (
    a.signal_type === b.signal_type &&
    a.asset === b.asset &&
    a.side === b.side &&
    a.buy_min === b.buy_min &&
    a.buy_max === b.buy_max &&
    a.target_1 === b.target_1 &&
    a.target_2 === b.target_2 &&
    a.target_final === b.target_final &&
    a.stop === b.stop &&
    a.valid_until === b.valid_until &&
    a.raw_message === b.raw_message &&
    a.targets.length === b.targets.length &&
    a.targets.every((t, i) => t.index === b.targets[i]?.index && t.price === b.targets[i]?.price) &&
    a.warnings.length === b.warnings.length &&
    a.warnings.every((w, i) => w === b.warnings[i])
  );
}

/** Latest first: by ts, then id; this batch's new signals come after every stored one of the same ts. */
export function isLater(a: SignalState, b: SignalState): boolean {
  const dt = a.ts.getTime() - b.ts.getTime();
  if (dt !== 0) return dt > 0;
  if (a.isNew !== b.isNew) return a.isNew;
  return a.isNew ? a.order > b.order : (a.id ?? 0) > (b.id ?? 0);
}

function targetRank(status: SignalStatus): number {
  if (status === 'open') return 0;
  const match = /^target_(\d+)_hit$/.exec(status);
  return match ? Number(match[1]) : Number.POSITIVE_INFINITY;
}

/** The status an update moves a signal to. Statuses only move forward; a closed signal stays closed. */
export function nextStatus(current: SignalStatus, update: ParsedUpdate): SignalStatus {
  if (!isOpenStatus(current)) return current;
  switch (update.event) {
    case 'target_hit': {
      if (update.target === 'final') return 'target_final_hit';
      const n = update.target ?? 1;
      if (!Number.isInteger(n) || n < 1 || n > 999) return current;
      return n > targetRank(current) ? `target_${n}_hit` : current;
    }
    case 'stop_hit':
      return 'stopped';
    case 'cancelled':
      return 'cancelled';
    case 'closed':
      return 'closed';
  }
}

export function opOfUpdate(update: ParsedUpdate): SignalOp {
  switch (update.event) {
    case 'target_hit':
      return 'target_hit';
    case 'stop_hit':
      return 'stopped';
    case 'cancelled':
      return 'cancelled';
    case 'closed':
      return 'closed';
  }
}

/** The wire shape of a state (or of a snapshot of it) once ids, seq and the batch time are known. */
export function stateView(
  state: SignalState,
  at: { fields: SignalFields; status: SignalStatus; seq: number; changedNow: boolean },
  now: Date,
): SignalView {
  const f = at.fields;
  return {
    id: state.id ?? 0,
    ts: state.ts.getTime(),
    channel: state.channel,
    signal_type: f.signal_type,
    asset: f.asset,
    buy_min: f.buy_min,
    buy_max: f.buy_max,
    target_1: f.target_1,
    target_2: f.target_2,
    target_final: f.target_final,
    stop: f.stop,
    raw_message: f.raw_message,
    source: state.source,
    ingested_at: (state.ingested_at ?? now).toISOString(),
    created_at: (state.created_at ?? now).toISOString(),
    updated_at: (at.changedNow ? now : (state.updated_at ?? now)).toISOString(),
    message_id: state.message_id,
    side: f.side,
    targets: f.targets,
    status: at.status,
    valid_until: f.valid_until,
    seq: at.seq,
  };
}
