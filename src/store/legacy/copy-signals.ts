/**
 * Copies `<schema>.tp_capital_signals` batch by batch in legacy key order. A batch is one transaction
 * on the dedicated database, under the ingester's lock (so event seqs stay in commit order next to a
 * running ingester): look up what is there, plan, draw ids and seqs, write signals, their events and
 * the checkpoint in one statement. Every legacy row read lands in exactly one count.
 */
import { INGEST_LOCK_KEY } from '../ingest-repository.js';
import { withTransaction } from '../transaction.js';
import { checkpointKey, inProgress, markComplete, readCheckpoint, resumeCursor } from './checkpoint.js';
import { addCount, type MigrationContext } from './context.js';
import { SIGNALS_TABLE, type SignalColumn } from './legacy-source.js';
import {
  buildWrite,
  deriveFields,
  type ParseMessage,
  planSignals,
  type RunMemory,
  remember,
  type SignalPlan,
  type Winner,
} from './signal-plan.js';
import { classifySignal, outranks } from './signal-rows.js';
import { allocate, lookupSignals, writeSignals } from './signal-store.js';

export interface SignalCopyReport {
  /** The key after which this run started (an interrupted run's checkpoint), or null: from the start. */
  resumedFrom: string[] | null;
  completed: boolean;
  batches: number;
  rowsRead: number;
  inserted: number;
  replaced: number;
  /** Already in the dedicated database from an earlier run, and not outranked. */
  unchanged: number;
  /** Already stored by the new ingester under the post's real message id. */
  matchedIngested: number;
  /** Lost to a row of the same identity read earlier in this run. */
  duplicates: number;
  checkpoints: number;
  skipped: Record<string, number>;
  events: number;
  seconds: number;
}

export async function copySignals(
  ctx: MigrationContext,
  parse: ParseMessage,
): Promise<{ report: SignalCopyReport; pending: Set<string> }> {
  const started = performance.now();
  const table = ctx.source.layout.signals;
  const key = checkpointKey(ctx.source.layout.schema, SIGNALS_TABLE);
  let cursor = resumeCursor(await readCheckpoint(ctx.db, key, ctx.statementTimeoutMs));
  const report: SignalCopyReport = {
    resumedFrom: cursor,
    completed: true,
    batches: 0,
    rowsRead: 0,
    inserted: 0,
    replaced: 0,
    unchanged: 0,
    matchedIngested: 0,
    duplicates: 0,
    checkpoints: 0,
    skipped: {},
    events: 0,
    seconds: 0,
  };
  /** Identities a dry run would write: the verification expects them missing. */
  const pending = new Set<string>();
  const memory: RunMemory = new Map();
  const derive = (s: Winner['signal']) => deriveFields(s, parse);
  let total = await ctx.source.count(table, cursor);
  if (cursor === null) {
    // Rows without a key have no place in the key order: counted once, when a run starts afresh.
    for (const [reason, n] of Object.entries(await ctx.source.nullKeyRows(table))) {
      addCount(report.skipped, reason, n);
      report.rowsRead += n;
      total += n;
    }
  }
  ctx.onProgress?.({ phase: 'copy signals', done: report.rowsRead, total, batches: 0 });

  for (;;) {
    if (ctx.signal?.aborted) {
      report.completed = false;
      break;
    }
    const rows = await ctx.source.page<SignalColumn>(table, cursor, ctx.batchSize);
    const last = rows.at(-1);
    if (!last) break;
    const groups = new Map<string, Winner>();
    for (const row of rows) {
      const judged = classifySignal(row, ctx.runStartedAt);
      if (judged.kind === 'checkpoint') report.checkpoints += 1;
      else if (judged.kind === 'skipped') addCount(report.skipped, judged.reason);
      else {
        const s = judged.signal;
        const group = groups.get(s.identity);
        if (!group) {
          groups.set(s.identity, { signal: s, ingestedAt: s.ingestedAt, createdAt: s.createdAt });
          continue;
        }
        report.duplicates += 1;
        if (outranks(s.rank, group.signal.rank)) group.signal = s;
        if (s.ingestedAt < group.ingestedAt) group.ingestedAt = s.ingestedAt;
        if (s.createdAt < group.createdAt) group.createdAt = s.createdAt;
      }
    }
    const winners = [...groups.values()];
    const keys = winners.map((w) => ({
      channel: w.signal.channel,
      identity: w.signal.identity,
      ts: w.signal.ts,
      rawDigest: w.signal.rawDigest,
    }));
    let plan: SignalPlan;
    if (ctx.dryRun) {
      plan = await withTransaction(
        ctx.db.pool,
        { statementTimeoutMs: ctx.statementTimeoutMs, readOnly: true },
        async (tx) => planSignals(winners, await lookupSignals(tx, keys), memory),
      );
      for (const w of [...plan.inserts, ...plan.replaces.map((r) => r.winner)])
        pending.add(w.signal.identity);
    } else {
      const prelude = `SELECT pg_advisory_xact_lock(${INGEST_LOCK_KEY}), now() AS now`;
      plan = await withTransaction(
        ctx.db.pool,
        { statementTimeoutMs: ctx.statementTimeoutMs, prelude },
        async (tx, first) => {
          const now = first?.now instanceof Date ? first.now : new Date();
          const planned = planSignals(winners, await lookupSignals(tx, keys), memory);
          const writes = planned.inserts.length + planned.replaces.length;
          const drawn = await allocate(tx, planned.inserts.length, writes);
          const write = buildWrite(planned, drawn, now, { key, cursor: inProgress(last.key) }, derive);
          await writeSignals(tx, write);
          report.events += write.events.length;
          return planned;
        },
      );
    }
    remember(memory, winners, plan);
    for (const d of plan.dispositions) {
      if (d === 'inserted') report.inserted += 1;
      else if (d === 'replaced') report.replaced += 1;
      else if (d === 'unchanged') report.unchanged += 1;
      else if (d === 'matched_ingested') report.matchedIngested += 1;
      else report.duplicates += 1;
    }
    report.rowsRead += rows.length;
    report.batches += 1;
    cursor = last.key;
    ctx.onProgress?.({ phase: 'copy signals', done: report.rowsRead, total, batches: report.batches });
  }
  if (report.completed && !ctx.dryRun) await markComplete(ctx.db, key, ctx.statementTimeoutMs);
  report.seconds = (performance.now() - started) / 1000;
  return { report, pending };
}
