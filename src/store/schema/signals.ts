/**
 * schema `signals`: one row per signal message, and the append-only event log (the outbox).
 * Both are time-keyed (hypertables under TimescaleDB), so every primary key and unique constraint
 * carries the time column, and the event log has no foreign key to the signals table.
 */
import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  check,
  date,
  index,
  jsonb,
  numeric,
  pgSchema,
  primaryKey,
  text,
  timestamp,
  unique,
} from 'drizzle-orm/pg-core';
import type { SignalWarning, Target } from '../../domain/parse-result.js';
import type { SignalView } from '../../domain/signal.js';

export const signalsSchema = pgSchema('signals');

const tstz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/** A status that still takes lifecycle updates; the partial indexes below use the same predicate. */
export const OPEN_STATUS_SQL = "status NOT IN ('target_final_hit', 'stopped', 'cancelled', 'closed')";

export const tpCapitalSignals = signalsSchema.table(
  'tp_capital_signals',
  {
    id: bigserial('id', { mode: 'number' }).notNull(),
    channel: text('channel').notNull(),
    messageId: text('message_id').notNull(),
    /** The Telegram date of the post. */
    ts: tstz('ts').notNull(),
    signalType: text('signal_type').notNull(),
    asset: text('asset').notNull(),
    side: text('side').notNull(),
    // Unconstrained numeric: exact decimals, no rounding to 2 places (SIGNAL-FORMAT.md "Numbers").
    buyMin: numeric('buy_min'),
    buyMax: numeric('buy_max'),
    target1: numeric('target_1'),
    target2: numeric('target_2'),
    targetFinal: numeric('target_final'),
    stop: numeric('stop'),
    targets: jsonb('targets').$type<Target[]>().notNull().default([]),
    status: text('status').notNull().default('open'),
    validUntil: date('valid_until', { mode: 'string' }),
    rawMessage: text('raw_message').notNull(),
    source: text('source').notNull().default('telegram-gateway'),
    /** The seq of the latest event that changed this signal. */
    seq: bigint('seq', { mode: 'number' }).notNull(),
    warnings: jsonb('warnings').$type<SignalWarning[]>().notNull().default([]),
    ingestedAt: tstz('ingested_at').notNull().defaultNow(),
    createdAt: tstz('created_at').notNull().defaultNow(),
    updatedAt: tstz('updated_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ name: 'tp_capital_signals_pkey', columns: [t.id, t.ts] }),
    unique('tp_capital_signals_message_key').on(t.channel, t.messageId, t.ts),
    // GET /signals: newest first, keyset paging on (ts, id).
    index('tp_capital_signals_ts_idx').on(t.ts.desc().nullsFirst(), t.id.desc().nullsFirst()),
    index('tp_capital_signals_asset_ts_idx').on(t.asset, t.ts.desc().nullsFirst()),
    index('tp_capital_signals_channel_status_ts_idx').on(t.channel, t.status, t.ts.desc().nullsFirst()),
    // Lifecycle updates look for the latest open signal of an asset (or of the channel).
    index('tp_capital_signals_open_asset_idx')
      .on(t.channel, t.asset, t.ts.desc().nullsFirst(), t.id.desc().nullsFirst())
      .where(sql.raw(OPEN_STATUS_SQL)),
    index('tp_capital_signals_open_channel_idx')
      .on(t.channel, t.ts.desc().nullsFirst(), t.id.desc().nullsFirst())
      .where(sql.raw(OPEN_STATUS_SQL)),
    check('tp_capital_signals_side_check', sql`${t.side} IN ('buy', 'sell')`),
    check(
      'tp_capital_signals_status_check',
      sql`${t.status} ~ '^(open|target_([0-9]{1,3}|final)_hit|stopped|cancelled|closed)$'`,
    ),
  ],
);

export const signalEvents = signalsSchema.table(
  'signal_events',
  {
    seq: bigserial('seq', { mode: 'number' }).notNull(),
    occurredAt: tstz('occurred_at').notNull().defaultNow(),
    signalId: bigint('signal_id', { mode: 'number' }).notNull(),
    op: text('op').notNull(),
    /** The SignalView right after the change, its `seq` being this event's. */
    payload: jsonb('payload').$type<SignalView>().notNull(),
  },
  (t) => [
    primaryKey({ name: 'signal_events_pkey', columns: [t.seq, t.occurredAt] }),
    index('signal_events_signal_idx').on(t.signalId, t.seq),
    check(
      'signal_events_op_check',
      sql`${t.op} IN ('created', 'updated', 'target_hit', 'stopped', 'cancelled', 'closed')`,
    ),
  ],
);
