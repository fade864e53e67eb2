/**
 * The dedicated side of the signal migration, in SQL: what the dedicated database holds for a set of
 * legacy identities (one statement), id/seq allocation, and the batch's one write statement (signals,
 * their events, the checkpoint).
 */
import type { SignalEvent } from '../../domain/events.js';
import { AppError } from '../../errors.js';
import type { Tx } from '../transaction.js';
import { checkpointCte } from './checkpoint.js';
import { PRICE_COLUMNS, type Prices } from './signal-rows.js';

export interface LookupKey {
  channel: string;
  identity: string;
  ts: Date;
  rawDigest: string;
}

/** The row stored under a legacy identity. */
export interface StoredLegacySignal {
  kind: 'legacy';
  id: number;
  ts: Date;
  tsText: string;
  status: string;
  source: string;
  asset: string;
  signalType: string;
  prices: Prices;
  rawDigest: string;
  ingestedAt: Date;
  createdAt: Date;
  updatedAt: Date;
}

/** No legacy row, but a signal the new ingester stored for the same post (same ts and raw_message). */
export interface MatchedIngestedSignal {
  kind: 'matched';
  id: number;
  messageId: string;
  asset: string;
  rawDigest: string;
}

export type StoredSignal = StoredLegacySignal | MatchedIngestedSignal;

const DIGEST = (column: string) => `encode(sha256(convert_to(${column}, 'UTF8')), 'hex')`;

const LOOKUP_SQL = `
SELECT k.i, s.id::text AS id, s.ts, s.ts::text AS ts_text, s.status, s.source, s.asset, s.signal_type,
  ${PRICE_COLUMNS.map((c) => `s.${c}::text AS ${c}`).join(', ')}, ${DIGEST('s.raw_message')} AS raw_digest,
  s.ingested_at, s.created_at, s.updated_at,
  m.id::text AS matched_id, m.message_id AS matched_message_id, m.asset AS matched_asset
FROM json_to_recordset($1::json) AS k(i int, channel text, message_id text, ts timestamptz, raw_digest text)
LEFT JOIN signals.tp_capital_signals s ON s.channel = k.channel AND s.message_id = k.message_id AND s.ts = k.ts
LEFT JOIN LATERAL (
  SELECT m.id, m.message_id, m.asset FROM signals.tp_capital_signals m
  WHERE s.id IS NULL AND m.ts = k.ts AND m.message_id NOT LIKE 'legacy:%'
    AND ${DIGEST('m.raw_message')} = k.raw_digest
  ORDER BY m.id LIMIT 1) m ON true
WHERE s.id IS NOT NULL OR m.id IS NOT NULL`;

type LookupRow = Record<string, string | null> & {
  i: number;
  ts: Date | null;
  ingested_at: Date | null;
  created_at: Date | null;
  updated_at: Date | null;
};

/** What the dedicated database holds for each key (by index into `keys`); absent keys are missing. */
export async function lookupSignals(tx: Tx, keys: LookupKey[]): Promise<Map<number, StoredSignal>> {
  const found = new Map<number, StoredSignal>();
  if (keys.length === 0) return found;
  const { rows } = await tx.query<LookupRow>(LOOKUP_SQL, [
    JSON.stringify(
      keys.map((k, i) => ({
        i,
        channel: k.channel,
        message_id: k.identity,
        ts: k.ts.toISOString(),
        raw_digest: k.rawDigest,
      })),
    ),
  ]);
  for (const r of rows) {
    if (r.id !== null && r.ts && r.ingested_at && r.created_at && r.updated_at) {
      const prices = {} as Prices;
      for (const c of PRICE_COLUMNS) prices[c] = r[c] ?? null;
      found.set(r.i, {
        kind: 'legacy',
        id: Number(r.id),
        ts: r.ts,
        tsText: r.ts_text ?? '',
        status: r.status ?? 'open',
        source: r.source ?? '',
        asset: r.asset ?? '',
        signalType: r.signal_type ?? '',
        prices,
        rawDigest: r.raw_digest ?? '',
        ingestedAt: r.ingested_at,
        createdAt: r.created_at,
        updatedAt: r.updated_at,
      });
    } else if (r.matched_id !== null) {
      found.set(r.i, {
        kind: 'matched',
        id: Number(r.matched_id),
        messageId: r.matched_message_id ?? '',
        asset: r.matched_asset ?? '',
        rawDigest: keys[r.i]?.rawDigest ?? '',
      });
    }
  }
  return found;
}

/** How many dedicated rows carry a legacy identity: compared with how many the legacy explains. */
export async function countLegacyRows(tx: Tx): Promise<number> {
  const { rows } = await tx.query<{ n: string }>(
    "SELECT count(*) AS n FROM signals.tp_capital_signals WHERE message_id LIKE 'legacy:%'",
  );
  return Number(rows[0]?.n ?? 0);
}

export async function allocate(
  tx: Tx,
  ids: number,
  seqs: number,
): Promise<{ ids: number[]; seqs: number[] }> {
  if (ids === 0 && seqs === 0) return { ids: [], seqs: [] };
  const { rows } = await tx.query<{ ids: string[]; seqs: string[] }>(
    `SELECT ARRAY(SELECT nextval('signals.tp_capital_signals_id_seq') FROM generate_series(1, $1::int)) AS ids,
            ARRAY(SELECT nextval('signals.signal_events_seq_seq') FROM generate_series(1, $2::int)) AS seqs`,
    [ids, seqs],
  );
  return {
    ids: (rows[0]?.ids ?? []).map(Number),
    // Under the ingest lock nobody else draws seqs before COMMIT: ascending seqs are commit order.
    seqs: (rows[0]?.seqs ?? []).map(Number).sort((a, b) => a - b),
  };
}

const FIELDS = `signal_type text, asset text, side text, ${PRICE_COLUMNS.map((c) => `${c} numeric`).join(', ')},
  targets jsonb, valid_until date, seq bigint, warnings jsonb, updated_at timestamptz`;

const WRITE_SQL = `
WITH new_signals AS (
  INSERT INTO signals.tp_capital_signals (id, channel, message_id, ts, signal_type, asset, side, buy_min, buy_max,
    target_1, target_2, target_final, stop, targets, status, valid_until, raw_message, source, seq, warnings,
    ingested_at, created_at, updated_at)
  SELECT id, channel, message_id, ts, signal_type, asset, side, buy_min, buy_max, target_1, target_2, target_final,
    stop, targets, 'open', valid_until, raw_message, source, seq, warnings, ingested_at, created_at, updated_at
  FROM json_to_recordset($1::json) AS x(id bigint, channel text, message_id text, ts timestamptz, raw_message text,
    source text, ingested_at timestamptz, created_at timestamptz, ${FIELDS})
  ON CONFLICT (channel, message_id, ts) DO NOTHING
  RETURNING 1
), replaced AS (
  UPDATE signals.tp_capital_signals s SET signal_type = x.signal_type, asset = x.asset, side = x.side,
    buy_min = x.buy_min, buy_max = x.buy_max, target_1 = x.target_1, target_2 = x.target_2,
    target_final = x.target_final, stop = x.stop, targets = x.targets, valid_until = x.valid_until, seq = x.seq,
    warnings = x.warnings, updated_at = x.updated_at
  FROM json_to_recordset($2::json) AS x(id bigint, ts_text text, ${FIELDS})
  WHERE s.id = x.id AND s.ts = x.ts_text::timestamptz
  RETURNING 1
), new_events AS (
  INSERT INTO signals.signal_events (seq, occurred_at, signal_id, op, payload)
  SELECT seq, now(), signal_id, op, payload
  FROM json_to_recordset($3::json) AS x(seq bigint, signal_id bigint, op text, payload jsonb)
  RETURNING 1
), ${checkpointCte('$4', '$5')}
SELECT (SELECT count(*) FROM new_signals)::int AS inserted, (SELECT count(*) FROM replaced)::int AS replaced,
  (SELECT count(*) FROM new_events)::int AS events`;

export interface SignalWrite {
  /** Rows for json_to_recordset, shaped as WRITE_SQL's inserts and updates. */
  inserts: Record<string, unknown>[];
  replaces: Record<string, unknown>[];
  events: SignalEvent[];
  checkpoint: { key: string; cursor: string };
}

/** One statement; a batch whose effects are not all there is never committed. */
export async function writeSignals(tx: Tx, write: SignalWrite): Promise<void> {
  const { rows } = await tx.query<{ inserted: number; replaced: number; events: number }>(WRITE_SQL, [
    JSON.stringify(write.inserts),
    JSON.stringify(write.replaces),
    JSON.stringify(
      write.events.map((e) => ({ seq: e.seq, signal_id: e.signal.id, op: e.op, payload: e.signal })),
    ),
    write.checkpoint.key,
    write.checkpoint.cursor,
  ]);
  const counts = rows[0];
  if (
    !counts ||
    counts.inserted !== write.inserts.length ||
    counts.replaced !== write.replaces.length ||
    counts.events !== write.events.length
  ) {
    throw new AppError('INTERNAL', 'legacy migration batch wrote an unexpected number of rows', 500);
  }
}
