/**
 * The one read of the ingest transaction, in one statement: which versions the inbox already has, the
 * signals the batch's messages are (for edits and deletions), and the latest open signals its
 * lifecycle updates may apply to. Keys go in as JSON arrays, results come back as JSON arrays.
 */
import type { SignalRow } from '../signal-row.js';
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

export interface CandidateGroup {
  channel: string;
  asset: string | null;
  /** The latest date of the batch's updates in this group. */
  maxTs: Date;
  /** How many open signals to preload, latest first. */
  limit: number;
}

export type CandidateRow = SignalRow & { group_channel: string; group_asset: string | null };

export interface LoadedState {
  versions: Map<string, StoredVersion>;
  signals: SignalRow[];
  candidates: CandidateRow[];
}

/** Same text as the partial indexes' predicate, so the planner can use them. */
const OPEN = "s.status NOT IN ('target_final_hit', 'stopped', 'cancelled', 'closed')";

/** Signal columns as JSON-safe text: exact numerics, bigints and the stored ts as strings. */
const SIGNAL_JSON = `s.id::text AS id, s.channel, s.message_id, s.ts, s.ts::text AS ts_text, s.signal_type, s.asset,
  s.side, s.buy_min::text AS buy_min, s.buy_max::text AS buy_max, s.target_1::text AS target_1,
  s.target_2::text AS target_2, s.target_final::text AS target_final, s.stop::text AS stop, s.targets, s.status,
  s.valid_until::text AS valid_until, s.raw_message, s.source, s.seq::text AS seq, s.warnings, s.ingested_at,
  s.created_at, s.updated_at`;

const candidates = (assetCondition: string, groupCondition: string, param: string) => `
  SELECT g.channel AS group_channel, g.asset AS group_asset, c.*
  FROM json_to_recordset(${param}::json) AS g(channel text, asset text, max_ts timestamptz, k int)
  CROSS JOIN LATERAL (
    SELECT ${SIGNAL_JSON} FROM signals.tp_capital_signals s
    WHERE s.channel = g.channel ${assetCondition} AND s.ts <= g.max_ts AND ${OPEN}
    ORDER BY s.ts DESC, s.id DESC LIMIT g.k) c
  WHERE ${groupCondition}`;

const VERSIONS_CTE = `versions AS (
  SELECT k.i, m.id, m.parser_version, m.outcome, m.signal_id,
    (SELECT max(o.id) FROM forwarded_messages.messages o
      WHERE o.channel_id = k.channel_id AND o.message_id = k.message_id
        AND o.telegram_date = k.telegram_date) AS latest_id
  FROM json_to_recordset($1::json)
    AS k(i int, channel_id text, message_id text, telegram_date timestamptz, content_hash text)
  JOIN forwarded_messages.messages m
    ON m.channel_id = k.channel_id AND m.message_id = k.message_id
   AND m.telegram_date = k.telegram_date AND m.content_hash = k.content_hash
)`;

const ownCte = (param: string) => `own AS (
  SELECT ${SIGNAL_JSON}
  FROM json_to_recordset(${param}::json) AS k(channel text, message_id text, ts timestamptz)
  JOIN signals.tp_capital_signals s ON s.channel = k.channel AND s.message_id = k.message_id AND s.ts = k.ts
)`;

const candidatesCte = (param: string) => `candidates AS (
  ${candidates('AND s.asset = g.asset', 'g.asset IS NOT NULL', param)}
  UNION ALL
  ${candidates('', 'g.asset IS NULL', param)}
)`;

/** Parts with no keys are left out of the statement: less to plan (every statement is planned anew). */
function loadSql(withOwn: boolean, withCandidates: boolean): string {
  const ctes = [VERSIONS_CTE];
  if (withOwn) ctes.push(ownCte('$2'));
  if (withCandidates) ctes.push(candidatesCte(withOwn ? '$3' : '$2'));
  return `WITH ${ctes.join(', ')}
SELECT (SELECT coalesce(json_agg(versions), '[]') FROM versions) AS versions,
  ${withOwn ? "(SELECT coalesce(json_agg(own), '[]') FROM own)" : "'[]'::json"} AS signals,
  ${withCandidates ? "(SELECT coalesce(json_agg(candidates), '[]') FROM candidates)" : "'[]'::json"} AS candidates`;
}

const LOAD_SQL = [loadSql(false, false), loadSql(false, true), loadSql(true, false), loadSql(true, true)];

type JsonSignal = Omit<SignalRow, 'ts' | 'ingested_at' | 'created_at' | 'updated_at'> & {
  ts: string;
  ingested_at: string;
  created_at: string;
  updated_at: string;
};

function signalFromJson<T extends JsonSignal>(row: T): Omit<T, keyof JsonSignal> & SignalRow {
  return {
    ...row,
    ts: new Date(row.ts),
    ingested_at: new Date(row.ingested_at),
    created_at: new Date(row.created_at),
    updated_at: new Date(row.updated_at),
  };
}

export async function loadBatchState(
  tx: Tx,
  input: {
    versions: Version[];
    signalKeys: { channel: string; messageId: string; ts: Date }[];
    groups: CandidateGroup[];
  },
): Promise<LoadedState> {
  const withOwn = input.signalKeys.length > 0;
  const withCandidates = input.groups.length > 0;
  const values: string[] = [
    JSON.stringify(
      input.versions.map((v, i) => ({
        i,
        channel_id: v.channelId,
        message_id: v.messageId,
        telegram_date: v.telegramDate.toISOString(),
        content_hash: v.contentHash,
      })),
    ),
  ];
  if (withOwn) {
    values.push(
      JSON.stringify(
        input.signalKeys.map((k) => ({
          channel: k.channel,
          message_id: k.messageId,
          ts: k.ts.toISOString(),
        })),
      ),
    );
  }
  if (withCandidates) {
    values.push(
      JSON.stringify(
        input.groups.map((g) => ({
          channel: g.channel,
          asset: g.asset,
          max_ts: g.maxTs.toISOString(),
          k: g.limit,
        })),
      ),
    );
  }
  const { rows } = await tx.query<{
    versions: {
      i: number;
      id: number;
      parser_version: number;
      outcome: string;
      signal_id: number | null;
      latest_id: number;
    }[];
    signals: JsonSignal[];
    candidates: (JsonSignal & { group_channel: string; group_asset: string | null })[];
  }>(LOAD_SQL[(withOwn ? 2 : 0) + (withCandidates ? 1 : 0)]!, values);
  const row = rows[0];
  const versions = new Map<string, StoredVersion>();
  for (const v of row?.versions ?? []) {
    const version = input.versions[v.i];
    if (!version) continue;
    versions.set(version.key, {
      id: v.id,
      parserVersion: v.parser_version,
      outcome: v.outcome,
      signalId: v.signal_id,
      latestId: v.latest_id,
    });
  }
  return {
    versions,
    signals: (row?.signals ?? []).map(signalFromJson),
    candidates: (row?.candidates ?? []).map(signalFromJson),
  };
}

/** The latest open signal matching, leaving out the ones the batch already holds in memory. */
export async function loadOpenSignal(
  tx: Tx,
  q: { channel: string; asset: string | null; at: Date; excludeIds: number[] },
): Promise<SignalRow | undefined> {
  const { rows } = await tx.query<SignalRow>(
    `SELECT ${SIGNAL_JSON} FROM signals.tp_capital_signals s
     WHERE s.channel = $1 AND ($2::text IS NULL OR s.asset = $2) AND s.ts <= $3 AND ${OPEN}
       AND NOT (s.id = ANY ($4::bigint[]))
     ORDER BY s.ts DESC, s.id DESC LIMIT 1`,
    [q.channel, q.asset, q.at.toISOString(), q.excludeIds],
  );
  return rows[0];
}
