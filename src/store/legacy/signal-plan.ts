/**
 * What a batch of legacy signals does to the dedicated database, decided in memory: per identity,
 * insert, replace (a later duplicate outranks the stored row), keep (already there), or nothing (the
 * new ingester already stored the post under its real message id). Also what the legacy never kept —
 * side, the full target list, valid_until, warnings — taken from the parser when it agrees.
 */
import type { SignalEvent } from '../../domain/events.js';
import type { ParseResult, Side, SignalWarning, Target } from '../../domain/parse-result.js';
import type { SignalView } from '../../domain/signal.js';
import { toStatus } from '../signal-row.js';
import {
  completeness,
  fieldsKey,
  type LegacySignal,
  outranks,
  PRICE_COLUMNS,
  type Prices,
  type Rank,
} from './signal-rows.js';
import type { SignalWrite, StoredLegacySignal, StoredSignal } from './signal-store.js';

export type ParseMessage = (text: string, options?: { date?: Date | null }) => ParseResult;

export interface Derived {
  side: Side;
  targets: Target[];
  validUntil: string | null;
  warnings: SignalWarning[];
}

/** A batch's kept row for one identity; created/ingested are the earliest of its duplicates in the batch. */
export interface Winner {
  signal: LegacySignal;
  ingestedAt: Date;
  createdAt: Date;
}

export type Disposition = 'inserted' | 'replaced' | 'unchanged' | 'matched_ingested' | 'duplicate';

/** What this run has already decided per identity (a dry run writes nothing, so it must remember). */
export type RunMemory = Map<string, { rank: Rank; fields: string; matched: boolean }>;

export interface SignalPlan {
  dispositions: Disposition[];
  inserts: Winner[];
  replaces: { winner: Winner; stored: StoredLegacySignal | null }[];
}

const num = (v: string | null): number | null => (v === null ? null : Number(v));
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

export function deriveFields(s: LegacySignal, parse: ParseMessage): Derived {
  const legacyTargets: Target[] = [];
  if (s.prices.target_1 !== null) legacyTargets.push({ index: 1, price: Number(s.prices.target_1) });
  if (s.prices.target_2 !== null) legacyTargets.push({ index: 2, price: Number(s.prices.target_2) });
  const result = parse(s.rawMessage, { date: s.ts });
  if (result.kind !== 'signal' || result.signal.asset !== s.asset) {
    // TP Capital's posts are buy calls; the legacy kept no side.
    return { side: 'buy', targets: legacyTargets, validUntil: null, warnings: [] };
  }
  const p = result.signal;
  const same = (parsed: number | null, column: keyof Prices) => parsed === num(s.prices[column]);
  const targetsAgree =
    same(p.target_1, 'target_1') && same(p.target_2, 'target_2') && same(p.target_final, 'target_final');
  const pricesAgree =
    targetsAgree && same(p.buy_min, 'buy_min') && same(p.buy_max, 'buy_max') && same(p.stop, 'stop');
  return {
    side: p.side,
    targets: targetsAgree ? p.targets.filter((t) => Number.isFinite(t.price)) : legacyTargets,
    validUntil: p.valid_until !== null && ISO_DATE.test(p.valid_until) ? p.valid_until : null,
    // Warnings judge the parser's prices; they only hold for the legacy's when those are the same.
    warnings: pricesAgree ? [...result.warnings] : [],
  };
}

function storedRank(stored: StoredLegacySignal): Rank {
  return { stampMs: stored.updatedAt.getTime(), completeness: completeness(stored.prices) };
}

const winnerFields = (w: Winner) => fieldsKey(w.signal.asset, w.signal.signalType, w.signal.prices);

/** `stored` is indexed like `winners`. */
export function planSignals(
  winners: Winner[],
  stored: Map<number, StoredSignal>,
  memory: RunMemory,
): SignalPlan {
  const plan: SignalPlan = { dispositions: [], inserts: [], replaces: [] };
  winners.forEach((winner, i) => {
    const { identity, rank } = winner.signal;
    const prior = memory.get(identity);
    const row = stored.get(i);
    let disposition: Disposition;
    if (prior?.matched) disposition = 'duplicate';
    else if (row?.kind === 'matched') disposition = 'matched_ingested';
    else if (row || prior) {
      const theirs = row
        ? { rank: storedRank(row), fields: fieldsKey(row.asset, row.signalType, row.prices) }
        : (prior as { rank: Rank; fields: string });
      // A later row that says the same (a plain re-ingestion) changes nothing worth an event.
      if (outranks(rank, theirs.rank) && winnerFields(winner) !== theirs.fields) {
        disposition = 'replaced';
        plan.replaces.push({ winner, stored: row ?? null });
      } else disposition = prior ? 'duplicate' : 'unchanged';
    } else {
      disposition = 'inserted';
      plan.inserts.push(winner);
    }
    plan.dispositions.push(disposition);
  });
  return plan;
}

/** Records the plan's decisions, once its batch is committed (or, in a dry run, planned). */
export function remember(memory: RunMemory, winners: Winner[], plan: SignalPlan): void {
  winners.forEach((winner, i) => {
    const d = plan.dispositions[i];
    const { identity, rank } = winner.signal;
    const fields = winnerFields(winner);
    if (d === 'matched_ingested') memory.set(identity, { rank, fields, matched: true });
    else if (d === 'inserted' || d === 'replaced' || !memory.has(identity)) {
      memory.set(identity, { rank, fields, matched: false });
    }
  });
}

function fieldValues(w: Winner, d: Derived) {
  const s = w.signal;
  return {
    signal_type: s.signalType,
    asset: s.asset,
    side: d.side,
    ...Object.fromEntries(PRICE_COLUMNS.map((c) => [c, s.prices[c]])),
    targets: d.targets,
    valid_until: d.validUntil,
    warnings: d.warnings,
    updated_at: s.stamp.toISOString(),
  };
}

function view(
  w: Winner,
  d: Derived,
  at: {
    id: number;
    ts: Date;
    status: string;
    source: string;
    ingestedAt: Date;
    createdAt: Date;
    seq: number;
  },
): SignalView {
  const s = w.signal;
  return {
    id: at.id,
    ts: at.ts.getTime(),
    channel: s.channel,
    signal_type: s.signalType,
    asset: s.asset,
    buy_min: num(s.prices.buy_min),
    buy_max: num(s.prices.buy_max),
    target_1: num(s.prices.target_1),
    target_2: num(s.prices.target_2),
    target_final: num(s.prices.target_final),
    stop: num(s.prices.stop),
    raw_message: s.rawMessage,
    source: at.source,
    ingested_at: at.ingestedAt.toISOString(),
    created_at: at.createdAt.toISOString(),
    updated_at: s.stamp.toISOString(),
    message_id: s.identity,
    side: d.side,
    targets: d.targets,
    status: toStatus(at.status),
    valid_until: d.validUntil,
    seq: at.seq,
  };
}

/**
 * The write of a plan once ids (one per insert) and seqs (inserts, then replaces) are drawn. `derive`
 * runs only for the rows written: a rerun, which writes nothing, parses nothing.
 */
export function buildWrite(
  plan: SignalPlan,
  drawn: { ids: number[]; seqs: number[] },
  now: Date,
  checkpoint: SignalWrite['checkpoint'],
  derive: (s: LegacySignal) => Derived,
): SignalWrite {
  const occurredAt = now.toISOString();
  const events: SignalEvent[] = [];
  const inserts = plan.inserts.map((w, i) => {
    const id = drawn.ids[i]!;
    const seq = drawn.seqs[i]!;
    const s = w.signal;
    const d = derive(s);
    const at = {
      id,
      ts: s.ts,
      status: 'open',
      source: s.source,
      ingestedAt: w.ingestedAt,
      createdAt: w.createdAt,
      seq,
    };
    events.push({ seq, op: 'created', occurred_at: occurredAt, signal: view(w, d, at) });
    return {
      id,
      channel: s.channel,
      message_id: s.identity,
      ts: s.ts.toISOString(),
      raw_message: s.rawMessage,
      source: s.source,
      ingested_at: w.ingestedAt.toISOString(),
      created_at: w.createdAt.toISOString(),
      seq,
      ...fieldValues(w, d),
    };
  });
  const replaces = plan.replaces.map(({ winner, stored }, j) => {
    if (!stored) throw new Error('a replacement without its stored row can only be planned in a dry run');
    const seq = drawn.seqs[plan.inserts.length + j]!;
    const d = derive(winner.signal);
    events.push({ seq, op: 'updated', occurred_at: occurredAt, signal: view(winner, d, { ...stored, seq }) });
    return { id: stored.id, ts_text: stored.tsText, seq, ...fieldValues(winner, d) };
  });
  return { inserts, replaces, events, checkpoint };
}
