/**
 * The ingestion repository: a batch of parsed messages applied in ONE transaction — inbox rows, signal
 * upserts, lifecycle updates, event-log rows, cursor — with one outcome per message, in input order.
 *
 * The transaction first takes a transaction-scoped advisory lock (PgBouncer-safe), so concurrent
 * writers (a standby taking over, `reprocess` next to the ingester) run one after the other and event
 * seqs commit in seq order: a reader that sees seq N committed can never later see a smaller one.
 * Round trips per batch: BEGIN+lock, one read (inbox versions, the messages' signals, open signals for
 * the updates), id/seq allocation (only with events), one write (signals, events, inbox, cursor,
 * statistics), COMMIT.
 */
import type { BatchReport, IngestItem } from '../domain/ingest.js';
import type { Db } from './db.js';
import { type Entry, toEntry } from './ingest/entries.js';
import { type CandidateGroup, loadBatchState } from './ingest/load.js';
import { createSignalMemory } from './ingest/memory.js';
import { type Plan, planBatch } from './ingest/plan.js';
import { allocate, writePlan } from './ingest/write.js';
import { withTransaction } from './transaction.js';

/** pg_advisory_xact_lock key of the ingest write path ("tpc-ingest"). */
export const INGEST_LOCK_KEY = 7_470_636_100;

export interface IngestRepository {
  /** ONE transaction: inbox rows, signal upserts, lifecycle updates, event-log rows, cursor. Report per item in input order. */
  applyBatch(items: IngestItem[], cursor: { channelId: string; cursor: string } | null): Promise<BatchReport>;
  getCursor(channelId: string): Promise<string | null>;
}

/**
 * Every statement of the batch looks up at most a batch's worth of keys that arrive as JSON, whose row
 * count the planner cannot see (it assumes 100): left alone it hashes whole tables (the inbox, the
 * signals) once they hold a few thousand rows, so a batch got slower as the tables grew. Keyed index
 * lookups are the right plan at any table size; this keeps them, for this transaction only.
 */
const INDEX_LOOKUPS = 'SET LOCAL enable_hashjoin = off; SET LOCAL enable_mergejoin = off';

type Parsed = Extract<Entry, { type: 'parsed' }>;

function updateGroups(parsed: Parsed[]): CandidateGroup[] {
  const groups = new Map<string, CandidateGroup>();
  for (const e of parsed) {
    if (e.result.kind !== 'update' || e.kind === 'deleted') continue;
    const asset = e.result.update.asset;
    const key = `${e.version.channelId}\u0001${asset ?? ''}\u0001${asset === null}`;
    const group = groups.get(key);
    if (!group) {
      groups.set(key, { channel: e.version.channelId, asset, maxTs: e.version.telegramDate, limit: 2 });
    } else {
      group.limit += 1;
      if (e.version.telegramDate > group.maxTs) group.maxTs = e.version.telegramDate;
    }
  }
  return [...groups.values()];
}

function statsOf(plan: Plan): { channel: string; outcome: string; count: number }[] {
  const counts = new Map<string, { channel: string; outcome: string; count: number }>();
  for (const r of plan.reports) {
    const channel = r.channelId ?? '';
    const key = `${channel}\u0001${r.outcome}`;
    const row = counts.get(key);
    if (row) row.count += 1;
    else counts.set(key, { channel, outcome: r.outcome, count: 1 });
  }
  return [...counts.values()];
}

export function createIngestRepository(db: Db, options: { statementTimeoutMs: number }): IngestRepository {
  const { statementTimeoutMs } = options;
  return {
    async applyBatch(items, cursor) {
      const entries = items.map(toEntry);
      if (entries.length === 0 && cursor === null) return { items: [], events: [] };
      const prelude = `${INDEX_LOOKUPS}; SELECT pg_advisory_xact_lock(${INGEST_LOCK_KEY}), now() AS now`;
      return withTransaction(db.pool, { statementTimeoutMs, prelude }, async (tx, first) => {
        const now = first?.now instanceof Date ? first.now : new Date();
        // Messages that may touch a signal: any parsed one, unless it turns out to be a redelivery.
        const parsed = entries.filter((e): e is Parsed => e.type === 'parsed');
        const groups = updateGroups(parsed);
        const loaded = await loadBatchState(tx, {
          versions: entries.flatMap((e) => (e.type === 'unstored' ? [] : [e.version])),
          signalKeys: parsed.map((e) => ({
            channel: e.version.channelId,
            messageId: e.version.messageId,
            ts: e.version.telegramDate,
          })),
          groups,
        });
        const stored = loaded.versions;
        const memory = createSignalMemory(tx);
        for (const row of loaded.signals) memory.add(row);
        memory.preload(groups, loaded.candidates);

        const plan = await planBatch(entries, stored, memory);
        const touched = memory.touched();
        const seqs = await allocate(tx, plan, touched);
        const events = await writePlan(tx, plan, { touched, seqs, now, cursor, stats: statsOf(plan) });
        return {
          items: plan.reports.map((r) => ({
            outcome: r.outcome,
            channelId: r.channelId,
            messageId: r.messageId,
            signalId: r.signal ? r.signal.id : r.signalId,
          })),
          events,
        };
      });
    },

    async getCursor(channelId) {
      return withTransaction(db.pool, { statementTimeoutMs, readOnly: true }, async (tx) => {
        const { rows } = await tx.query<{ cursor: string }>(
          'SELECT cursor FROM metrics.ingest_cursor WHERE channel_id = $1',
          [channelId],
        );
        return rows[0]?.cursor ?? null;
      });
    },
  };
}
