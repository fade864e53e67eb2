/**
 * The dedicated side of the forwarded-messages migration: the inbox's retention horizon, which legacy
 * versions the inbox already holds, and the batch's one write statement (inbox rows + checkpoint).
 * The inbox's unique key makes the insert idempotent by itself; no lock is needed (no seqs are drawn).
 */
import { PARSER_VERSION, type SignalWarning } from '../../domain/parse-result.js';
import type { Tx } from '../transaction.js';
import { checkpointCte } from './checkpoint.js';
import { type LegacyMessage, versionKey } from './message-rows.js';

/**
 * Under TimescaleDB the inbox drops chunks older than its retention policy: a legacy message older than
 * that (plus a day, so it is not dropped right after the copy) would vanish again and fail the next
 * verification. Null on plain PostgreSQL, which keeps everything.
 */
export async function inboxRetentionCutoff(tx: Tx): Promise<Date | null> {
  const { rows } = await tx.query<{ present: boolean }>(
    "SELECT to_regclass('timescaledb_information.jobs') IS NOT NULL AS present",
  );
  if (!rows[0]?.present) return null;
  const policy = await tx.query<{ cutoff: Date | null }>(
    `SELECT min(now() - (config->>'drop_after')::interval + interval '1 day') AS cutoff
     FROM timescaledb_information.jobs
     WHERE proc_name = 'policy_retention' AND hypertable_schema = 'forwarded_messages' AND hypertable_name = 'messages'`,
  );
  return policy.rows[0]?.cutoff ?? null;
}

/** The version keys (message-rows.ts) among `messages` that the inbox holds, as stored there. */
export async function lookupMessages(tx: Tx, messages: LegacyMessage[]): Promise<Set<string>> {
  const found = new Set<string>();
  if (messages.length === 0) return found;
  const { rows } = await tx.query<{
    channel_id: string;
    message_id: string;
    telegram_date: Date;
    content_hash: string;
  }>(
    `SELECT m.channel_id, m.message_id, m.telegram_date, m.content_hash
     FROM json_to_recordset($1::json) AS k(channel_id text, message_id text, telegram_date timestamptz, content_hash text)
     JOIN forwarded_messages.messages m ON m.channel_id = k.channel_id AND m.message_id = k.message_id
      AND m.telegram_date = k.telegram_date AND m.content_hash = k.content_hash`,
    [
      JSON.stringify(
        messages.map((m) => ({
          channel_id: m.channelId,
          message_id: m.messageId,
          telegram_date: m.telegramDate.toISOString(),
          content_hash: m.contentHash,
        })),
      ),
    ],
  );
  for (const r of rows)
    found.add(versionKey(r.channel_id, r.message_id, r.telegram_date.getTime(), r.content_hash));
  return found;
}

export interface InboxRecord {
  message: LegacyMessage;
  outcome: 'signal' | 'update' | 'ignored';
  reason: string | null;
  warnings: SignalWarning[];
  /** The parser's raw_message, to find the migrated signal a `signal` message is. */
  raw: string;
}

const WRITE_SQL = `
WITH inbox AS (
  INSERT INTO forwarded_messages.messages (channel_id, message_id, telegram_date, received_at, kind, content,
    content_hash, outcome, reason, warnings, parser_version, signal_id, processed_at)
  SELECT x.channel_id, x.message_id, x.telegram_date, x.received_at, 'message', x.content, x.content_hash, x.outcome,
    x.reason, x.warnings, x.parser_version,
    CASE WHEN x.outcome = 'signal' THEN (
      SELECT s.id FROM signals.tp_capital_signals s WHERE s.ts = x.telegram_date AND s.raw_message = x.raw
      ORDER BY (s.channel = x.channel_id) DESC, s.id LIMIT 1) END,
    now()
  FROM json_to_recordset($1::json) AS x(channel_id text, message_id text, telegram_date timestamptz,
    received_at timestamptz, content text, content_hash text, outcome text, reason text, warnings jsonb,
    parser_version int, raw text)
  ON CONFLICT (channel_id, message_id, telegram_date, content_hash) DO NOTHING
  RETURNING outcome, signal_id
), ${checkpointCte('$2', '$3')}
SELECT outcome, count(*)::int AS inserted, count(signal_id)::int AS linked FROM inbox GROUP BY outcome`;

export interface MessagesWritten {
  inserted: number;
  /** Inserted `signal` rows that found the migrated signal they are. */
  linked: number;
  /** Inserted rows by parse outcome. */
  outcomes: Record<string, number>;
}

/** Inserts what the inbox lacks (the checkpoint moves even when that is nothing). */
export async function writeMessages(
  tx: Tx,
  records: InboxRecord[],
  checkpoint: { key: string; cursor: string },
): Promise<MessagesWritten> {
  const { rows } = await tx.query<{ outcome: string; inserted: number; linked: number }>(WRITE_SQL, [
    JSON.stringify(
      records.map((r) => ({
        channel_id: r.message.channelId,
        message_id: r.message.messageId,
        telegram_date: r.message.telegramDate.toISOString(),
        received_at: r.message.receivedAt?.toISOString() ?? null,
        content: r.message.content,
        content_hash: r.message.contentHash,
        outcome: r.outcome,
        reason: r.reason,
        warnings: r.warnings,
        parser_version: PARSER_VERSION,
        raw: r.raw,
      })),
    ),
    checkpoint.key,
    checkpoint.cursor,
  ]);
  const written: MessagesWritten = { inserted: 0, linked: 0, outcomes: {} };
  for (const r of rows) {
    written.inserted += r.inserted;
    written.linked += r.linked;
    written.outcomes[r.outcome] = r.inserted;
  }
  return written;
}
