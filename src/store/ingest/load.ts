/**
 * The reads of the ingest transaction: which versions the inbox already has, the signals the batch's
 * messages are (edits, deletions), and the open signals its lifecycle updates may apply to. Each is
 * one multi-row statement over a JSON array of keys.
 */
import { SIGNAL_COLUMNS, type SignalRow } from '../signal-row.js';
import type { Tx } from '../transaction.js';
import type { Version } from './entries.js';

export interface StoredVersion {
  id: number;
  parserVersion: number;
  outcome: string;
  signalId: number | null;
  /** The newest inbox row of the same message (any version). */
  latestId: number;
}

export async function loadVersions(tx: Tx, versions: Version[]): Promise<Map<string, StoredVersion>> {
  const found = new Map<string, StoredVersion>();
  if (versions.length === 0) return found;
  const keys = versions.map((v, i) => ({
    i,
    channel_id: v.channelId,
    message_id: v.messageId,
    telegram_date: v.telegramDate.toISOString(),
    content_hash: v.contentHash,
  }));
  const { rows } = await tx.query<{
    i: number;
    id: string;
    parser_version: number;
    outcome: string;
    signal_id: string | null;
    latest_id: string;
  }>(
    `SELECT k.i, m.id, m.parser_version, m.outcome, m.signal_id,
       (SELECT max(o.id) FROM forwarded_messages.messages o
         WHERE o.channel_id = k.channel_id AND o.message_id = k.message_id
           AND o.telegram_date = k.telegram_date) AS latest_id
     FROM jsonb_to_recordset($1::jsonb)
       AS k(i int, channel_id text, message_id text, telegram_date timestamptz, content_hash text)
     JOIN forwarded_messages.messages m
       ON m.channel_id = k.channel_id AND m.message_id = k.message_id
      AND m.telegram_date = k.telegram_date AND m.content_hash = k.content_hash`,
    [JSON.stringify(keys)],
  );
  for (const row of rows) {
    const v = versions[row.i];
    if (!v) continue;
    found.set(v.key, {
      id: Number(row.id),
      parserVersion: row.parser_version,
      outcome: row.outcome,
      signalId: row.signal_id === null ? null : Number(row.signal_id),
      latestId: Number(row.latest_id),
    });
  }
  return found;
}

export async function loadSignalsByMessage(
  tx: Tx,
  keys: { channel: string; messageId: string; ts: Date }[],
): Promise<SignalRow[]> {
  if (keys.length === 0) return [];
  const json = JSON.stringify(
    keys.map((k) => ({ channel: k.channel, message_id: k.messageId, ts: k.ts.toISOString() })),
  );
  const { rows } = await tx.query<SignalRow>(
    `SELECT ${SIGNAL_COLUMNS}
     FROM jsonb_to_recordset($1::jsonb) AS k(channel text, message_id text, ts timestamptz)
     JOIN signals.tp_capital_signals s ON s.channel = k.channel AND s.message_id = k.message_id AND s.ts = k.ts`,
    [json],
  );
  return rows;
}

/** Same text as the partial indexes' predicate, so the planner can use them. */
const OPEN = "s.status NOT IN ('target_final_hit', 'stopped', 'cancelled', 'closed')";

export interface CandidateGroup {
  channel: string;
  asset: string | null;
  /** The latest date of the batch's updates in this group. */
  maxTs: Date;
  /** How many open signals to preload, latest first. */
  limit: number;
}

/** The latest open signals per (channel, asset) group — or per channel when asset is null. */
export async function loadOpenCandidates(
  tx: Tx,
  groups: CandidateGroup[],
): Promise<(SignalRow & { group_channel: string; group_asset: string | null })[]> {
  if (groups.length === 0) return [];
  const json = JSON.stringify(
    groups.map((g) => ({ channel: g.channel, asset: g.asset, max_ts: g.maxTs.toISOString(), k: g.limit })),
  );
  const lateral = (assetCondition: string) => `
    SELECT g.channel AS group_channel, g.asset AS group_asset, c.*
    FROM jsonb_to_recordset($1::jsonb) AS g(channel text, asset text, max_ts timestamptz, k int)
    CROSS JOIN LATERAL (
      SELECT ${SIGNAL_COLUMNS} FROM signals.tp_capital_signals s
      WHERE s.channel = g.channel ${assetCondition} AND s.ts <= g.max_ts AND ${OPEN}
      ORDER BY s.ts DESC, s.id DESC LIMIT g.k) c`;
  const { rows } = await tx.query<SignalRow & { group_channel: string; group_asset: string | null }>(
    `${lateral('AND s.asset = g.asset')} WHERE g.asset IS NOT NULL
     UNION ALL
     ${lateral('')} WHERE g.asset IS NULL`,
    [json],
  );
  return rows;
}

/** The latest open signal matching, leaving out the ones the batch already holds in memory. */
export async function loadOpenSignal(
  tx: Tx,
  q: { channel: string; asset: string | null; at: Date; excludeIds: number[] },
): Promise<SignalRow | undefined> {
  const { rows } = await tx.query<SignalRow>(
    `SELECT ${SIGNAL_COLUMNS} FROM signals.tp_capital_signals s
     WHERE s.channel = $1 AND ($2::text IS NULL OR s.asset = $2) AND s.ts <= $3 AND ${OPEN}
       AND NOT (s.id = ANY ($4::bigint[]))
     ORDER BY s.ts DESC, s.id DESC LIMIT 1`,
    [q.channel, q.asset, q.at.toISOString(), q.excludeIds],
  );
  return rows[0];
}
