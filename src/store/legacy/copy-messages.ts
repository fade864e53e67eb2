/**
 * Copies `<schema>.forwarded_messages` into the inbox, batch by batch in legacy key order, each batch
 * one transaction with its checkpoint. Every message is parsed with the current parser and kept with
 * that outcome and parser version — never applied: the legacy's signals are migrated from its own
 * table, and `tp-capital reprocess` re-parses these rows after a parser change like any other.
 */
import { withTransaction } from '../transaction.js';
import { checkpointKey, inProgress, markComplete, readCheckpoint, resumeCursor } from './checkpoint.js';
import { addCount, type MigrationContext } from './context.js';
import { MESSAGES_TABLE, type MessageColumn } from './legacy-source.js';
import { classifyMessage, type LegacyMessage } from './message-rows.js';
import { type InboxRecord, lookupMessages, writeMessages } from './message-store.js';
import type { ParseMessage } from './signal-plan.js';

export interface MessageCopyReport {
  resumedFrom: string[] | null;
  completed: boolean;
  batches: number;
  rowsRead: number;
  inserted: number;
  /** Already in the inbox (an earlier run, or the new ingester stored the same version). */
  unchanged: number;
  /** Same version as a row read earlier in this run. */
  duplicates: number;
  skipped: Record<string, number>;
  /** Of the rows inserted: the parse outcome, and how many `signal` rows found their migrated signal. */
  outcomes: Record<string, number>;
  linkedToSignals: number;
  /** Rows with photos: only their text (if any) is migrated, the inbox keeps no media. */
  withPhotos: number;
  seconds: number;
}

export const LEGACY_IMPORT_REASON = 'legacy_import';

function record(message: LegacyMessage, parse: ParseMessage): InboxRecord {
  const result = parse(message.text ?? '', { date: message.telegramDate });
  return {
    message,
    outcome: result.kind,
    // The reason says why a signal or update was not applied here: it came from the legacy.
    reason: result.kind === 'ignored' ? result.reason : LEGACY_IMPORT_REASON,
    warnings: [...result.warnings],
    raw: result.raw_message,
  };
}

export async function copyMessages(
  ctx: MigrationContext,
  parse: ParseMessage,
  retentionCutoff: Date | null,
): Promise<{ report: MessageCopyReport; pending: Set<string> }> {
  const started = performance.now();
  const table = ctx.source.layout.messages;
  const pending = new Set<string>();
  const report: MessageCopyReport = {
    resumedFrom: null,
    completed: true,
    batches: 0,
    rowsRead: 0,
    inserted: 0,
    unchanged: 0,
    duplicates: 0,
    skipped: {},
    outcomes: {},
    linkedToSignals: 0,
    withPhotos: 0,
    seconds: 0,
  };
  if (!table) return { report, pending };
  const key = checkpointKey(ctx.source.layout.schema, MESSAGES_TABLE);
  let cursor = resumeCursor(await readCheckpoint(ctx.db, key, ctx.statementTimeoutMs));
  report.resumedFrom = cursor;
  let total = await ctx.source.count(table, cursor);
  if (cursor === null) {
    for (const [reason, n] of Object.entries(await ctx.source.nullKeyRows(table))) {
      addCount(report.skipped, reason, n);
      report.rowsRead += n;
      total += n;
    }
  }
  ctx.onProgress?.({ phase: 'copy messages', done: report.rowsRead, total, batches: 0 });
  const seen = new Set<string>();

  for (;;) {
    if (ctx.signal?.aborted) {
      report.completed = false;
      break;
    }
    const rows = await ctx.source.page<MessageColumn>(table, cursor, ctx.batchSize);
    const last = rows.at(-1);
    if (!last) break;
    const firsts: LegacyMessage[] = [];
    for (const row of rows) {
      const judged = classifyMessage(row, { runStartedAt: ctx.runStartedAt, retentionCutoff });
      if (judged.kind === 'skipped') {
        addCount(report.skipped, judged.reason);
        continue;
      }
      if (seen.has(judged.message.versionKey)) {
        report.duplicates += 1;
        continue;
      }
      seen.add(judged.message.versionKey);
      firsts.push(judged.message);
      if (judged.message.hasPhotos) report.withPhotos += 1;
    }
    if (ctx.dryRun) {
      const stored = await withTransaction(
        ctx.db.pool,
        { statementTimeoutMs: ctx.statementTimeoutMs, readOnly: true },
        (tx) => lookupMessages(tx, firsts),
      );
      for (const m of firsts) {
        if (stored.has(m.versionKey)) report.unchanged += 1;
        else {
          report.inserted += 1;
          pending.add(m.versionKey);
          addCount(report.outcomes, parse(m.text ?? '', { date: m.telegramDate }).kind);
        }
      }
    } else {
      const records = firsts.map((m) => record(m, parse));
      const written = await withTransaction(
        ctx.db.pool,
        { statementTimeoutMs: ctx.statementTimeoutMs },
        (tx) => writeMessages(tx, records, { key, cursor: inProgress(last.key) }),
      );
      report.inserted += written.inserted;
      report.unchanged += firsts.length - written.inserted;
      report.linkedToSignals += written.linked;
      for (const [outcome, n] of Object.entries(written.outcomes)) addCount(report.outcomes, outcome, n);
    }
    report.rowsRead += rows.length;
    report.batches += 1;
    cursor = last.key;
    ctx.onProgress?.({ phase: 'copy messages', done: report.rowsRead, total, batches: report.batches });
  }
  if (report.completed && !ctx.dryRun) await markComplete(ctx.db, key, ctx.statementTimeoutMs);
  report.seconds = (performance.now() - started) / 1000;
  return { report, pending };
}
