/**
 * The writes of the ingest transaction, in two statements: one allocates the ids of new signals and
 * the seqs of new events (in batch order, under the batch lock, so seq order is commit order); one
 * writes everything else — signals, events, inbox rows, per-minute statistics and the cursor — as
 * data-modifying CTEs over JSON arrays.
 */
import type { SignalEvent } from '../../domain/events.js';
import { PARSER_VERSION } from '../../domain/parse-result.js';
import { AppError } from '../../errors.js';
import type { Tx } from '../transaction.js';
import type { Plan } from './plan.js';
import { type SignalState, stateView } from './signal-state.js';

/** Gives new signals their ids and every event its seq (also the state's: its latest event's). */
export async function allocate(tx: Tx, plan: Plan, touched: SignalState[]): Promise<number[]> {
  const fresh = touched.filter((s) => s.isNew).sort((a, b) => a.order - b.order);
  if (fresh.length === 0 && plan.events.length === 0) return [];
  const { rows } = await tx.query<{ ids: string[]; seqs: string[] }>(
    `SELECT ARRAY(SELECT nextval('signals.tp_capital_signals_id_seq') FROM generate_series(1, $1::int)) AS ids,
            ARRAY(SELECT nextval('signals.signal_events_seq_seq') FROM generate_series(1, $2::int)) AS seqs`,
    [fresh.length, plan.events.length],
  );
  const ids = rows[0]?.ids ?? [];
  const seqs = rows[0]?.seqs ?? [];
  fresh.forEach((s, i) => {
    s.id = Number(ids[i]);
  });
  // nextval in a single scan is ascending, and the batch lock keeps other writers out until COMMIT.
  const sorted = seqs.map(Number).sort((a, b) => a - b);
  plan.events.forEach((e, i) => {
    e.state.seq = sorted[i]!;
  });
  return sorted;
}

const SIGNAL_FIELDS = `signal_type text, asset text, side text, buy_min numeric, buy_max numeric, target_1 numeric,
  target_2 numeric, target_final numeric, stop numeric, targets jsonb, status text, valid_until date,
  raw_message text, seq bigint, warnings jsonb`;

const WRITE_SQL = `
WITH new_signals AS (
  INSERT INTO signals.tp_capital_signals (id, channel, message_id, ts, signal_type, asset, side, buy_min, buy_max,
    target_1, target_2, target_final, stop, targets, status, valid_until, raw_message, source, seq, warnings,
    ingested_at, created_at, updated_at)
  SELECT id, channel, message_id, ts, signal_type, asset, side, buy_min, buy_max, target_1, target_2, target_final,
    stop, targets, status, valid_until, raw_message, source, seq, warnings, now(), now(), now()
  FROM json_to_recordset($1::json) AS x(id bigint, channel text, message_id text, ts timestamptz, source text,
    ${SIGNAL_FIELDS})
  RETURNING 1
), changed_signals AS (
  UPDATE signals.tp_capital_signals s SET signal_type = x.signal_type, asset = x.asset, side = x.side,
    buy_min = x.buy_min, buy_max = x.buy_max, target_1 = x.target_1, target_2 = x.target_2,
    target_final = x.target_final, stop = x.stop, targets = x.targets, status = x.status,
    valid_until = x.valid_until, raw_message = x.raw_message, seq = x.seq, warnings = x.warnings, updated_at = now()
  FROM json_to_recordset($2::json) AS x(id bigint, ts_text text, ${SIGNAL_FIELDS})
  WHERE s.id = x.id AND s.ts = x.ts_text::timestamptz
  RETURNING 1
), new_events AS (
  INSERT INTO signals.signal_events (seq, occurred_at, signal_id, op, payload)
  SELECT seq, now(), signal_id, op, payload
  FROM json_to_recordset($3::json) AS x(seq bigint, signal_id bigint, op text, payload jsonb)
  RETURNING 1
), inbox AS (
  INSERT INTO forwarded_messages.messages (channel_id, message_id, telegram_date, received_at, kind, content,
    content_hash, outcome, reason, warnings, parser_version, signal_id, processed_at)
  SELECT channel_id, message_id, telegram_date, received_at, kind, content, content_hash, outcome, reason, warnings,
    parser_version, signal_id, now()
  FROM json_to_recordset($4::json) AS x(channel_id text, message_id text, telegram_date timestamptz,
    received_at timestamptz, kind text, content text, content_hash text, outcome text, reason text, warnings jsonb,
    parser_version int, signal_id bigint)
  ON CONFLICT (channel_id, message_id, telegram_date, content_hash) DO UPDATE SET outcome = EXCLUDED.outcome,
    reason = EXCLUDED.reason, warnings = EXCLUDED.warnings, parser_version = EXCLUDED.parser_version,
    signal_id = EXCLUDED.signal_id, processed_at = EXCLUDED.processed_at
  RETURNING 1
), stats AS (
  INSERT INTO metrics.processing_stats (bucket, channel, outcome, count)
  SELECT date_trunc('minute', now()), channel, outcome, count
  FROM json_to_recordset($5::json) AS x(channel text, outcome text, count bigint)
  ON CONFLICT (bucket, channel, outcome) DO UPDATE SET count = processing_stats.count + EXCLUDED.count
  RETURNING 1
), moved_cursor AS (
  INSERT INTO metrics.ingest_cursor (channel_id, cursor, updated_at)
  SELECT channel_id, cursor, now() FROM json_to_recordset($6::json) AS x(channel_id text, cursor text)
  ON CONFLICT (channel_id) DO UPDATE SET cursor = EXCLUDED.cursor, updated_at = EXCLUDED.updated_at
  RETURNING 1
)
SELECT (SELECT count(*) FROM new_signals)::int AS inserted, (SELECT count(*) FROM changed_signals)::int AS updated,
  (SELECT count(*) FROM new_events)::int AS events, (SELECT count(*) FROM inbox)::int AS inbox`;

function signalRecord(s: SignalState) {
  const f = s.fields;
  return {
    signal_type: f.signal_type,
    asset: f.asset,
    side: f.side,
    buy_min: f.buy_min,
    buy_max: f.buy_max,
    target_1: f.target_1,
    target_2: f.target_2,
    target_final: f.target_final,
    stop: f.stop,
    targets: f.targets,
    status: s.status,
    valid_until: f.valid_until,
    raw_message: f.raw_message,
    seq: s.seq,
    warnings: f.warnings,
  };
}

/** Writes the plan; returns the appended events as every reader will see them. */
export async function writePlan(
  tx: Tx,
  plan: Plan,
  batch: {
    touched: SignalState[];
    seqs: number[];
    now: Date;
    cursor: { channelId: string; cursor: string } | null;
    stats: { channel: string; outcome: string; count: number }[];
  },
): Promise<SignalEvent[]> {
  const { touched, seqs, now } = batch;
  const fresh = touched.filter((s) => s.isNew);
  const changed = touched.filter((s) => !s.isNew);
  const occurredAt = now.toISOString();
  const events: SignalEvent[] = plan.events.map((e, i) => {
    const seq = seqs[i]!;
    return {
      seq,
      op: e.op,
      occurred_at: occurredAt,
      signal: stateView(e.state, { fields: e.fields, status: e.status, seq, changedNow: true }, now),
    };
  });
  const inbox = plan.inbox.map((row) => ({
    channel_id: row.entry.version.channelId,
    message_id: row.entry.version.messageId,
    telegram_date: row.entry.version.telegramDate.toISOString(),
    received_at: row.entry.receivedAt?.toISOString() ?? null,
    kind: row.entry.kind,
    content: row.entry.content,
    content_hash: row.entry.version.contentHash,
    outcome: row.outcome,
    reason: row.reason,
    warnings: row.warnings,
    parser_version: PARSER_VERSION,
    signal_id: row.signal ? row.signal.id : row.signalId,
  }));
  const nothing = fresh.length + changed.length + events.length + inbox.length + batch.stats.length === 0;
  if (nothing && !batch.cursor) return events;
  const { rows } = await tx.query<{ inserted: number; updated: number; events: number; inbox: number }>(
    WRITE_SQL,
    [
      JSON.stringify(
        fresh.map((s) => ({
          id: s.id,
          channel: s.channel,
          message_id: s.message_id,
          ts: s.ts.toISOString(),
          source: s.source,
          ...signalRecord(s),
        })),
      ),
      JSON.stringify(changed.map((s) => ({ id: s.id, ts_text: s.tsText, ...signalRecord(s) }))),
      JSON.stringify(
        events.map((e) => ({ seq: e.seq, signal_id: e.signal.id, op: e.op, payload: e.signal })),
      ),
      JSON.stringify(inbox),
      JSON.stringify(batch.stats),
      JSON.stringify(
        batch.cursor ? [{ channel_id: batch.cursor.channelId, cursor: batch.cursor.cursor }] : [],
      ),
    ],
  );
  const counts = rows[0];
  if (!counts || counts.updated !== changed.length || counts.inserted !== fresh.length) {
    // A loaded row vanished under us: never commit a batch whose effects are not all there.
    throw new AppError('INTERNAL', 'ingest batch wrote an unexpected number of signal rows', 500);
  }
  return events;
}
