/**
 * One `migrate-legacy` run: copy the signals, then the forwarded messages (so that a `signal` message
 * can point at its migrated signal), then verify both against the same legacy snapshot, and judge.
 * A dry run plans the same writes without making them, and verifies what is there plus the plan.
 */
import type { Db } from '../db.js';
import { withTransaction } from '../transaction.js';
import type { MigrationContext } from './context.js';
import { copyMessages, type MessageCopyReport } from './copy-messages.js';
import { copySignals, type SignalCopyReport } from './copy-signals.js';
import { inboxRetentionCutoff } from './message-store.js';
import type { ParseMessage } from './signal-plan.js';
import { messageProblems, signalProblems } from './verdict.js';
import { type MessageVerification, verifyMessages } from './verify-messages.js';
import { type SignalVerification, verifySignals } from './verify-signals.js';

export interface LegacyMigrationReport {
  version: 1;
  schema: string;
  dryRun: boolean;
  startedAt: string;
  finishedAt: string;
  seconds: number;
  /** False when the run was stopped before the end of the copy: no verification then. */
  completed: boolean;
  legacy: {
    optionalSignalColumns: { created_at: boolean; updated_at: boolean };
    /** null: the legacy has no forwarded_messages table. */
    messagesTable: { keys: string[]; photos: boolean; received_at: boolean } | null;
  };
  inboxRetentionCutoff: string | null;
  signals: { copy: SignalCopyReport; verification: SignalVerification | null; rowsPerSecond: number };
  messages: { copy: MessageCopyReport | null; verification: MessageVerification | null };
  ok: boolean;
  problems: string[];
}

export class DedicatedSchemaError extends Error {
  override readonly name = 'DedicatedSchemaError';
}

async function requireDedicatedSchema(db: Db, statementTimeoutMs: number): Promise<void> {
  const ok = await withTransaction(db.pool, { statementTimeoutMs, readOnly: true }, async (tx) => {
    const { rows } = await tx.query<{ ok: boolean }>(
      `SELECT to_regclass('signals.tp_capital_signals') IS NOT NULL AND to_regclass('signals.signal_events') IS NOT NULL
        AND to_regclass('forwarded_messages.messages') IS NOT NULL AND to_regclass('metrics.ingest_cursor') IS NOT NULL AS ok`,
    );
    return rows[0]?.ok === true;
  });
  if (!ok)
    throw new DedicatedSchemaError(
      'the dedicated database has no TP-Capital schema: run `tp-capital migrate` first',
    );
}

export async function runLegacyMigration(
  options: Omit<MigrationContext, 'runStartedAt'> & { parse: ParseMessage; now?: () => Date },
): Promise<LegacyMigrationReport> {
  const startedAt = options.now?.() ?? new Date();
  const started = performance.now();
  const ctx: MigrationContext = { ...options, runStartedAt: startedAt };
  await requireDedicatedSchema(ctx.db, ctx.statementTimeoutMs);
  const retentionCutoff = await withTransaction(
    ctx.db.pool,
    { statementTimeoutMs: ctx.statementTimeoutMs, readOnly: true },
    inboxRetentionCutoff,
  );
  const layout = ctx.source.layout;

  const signals = await copySignals(ctx, options.parse);
  const messages = signals.report.completed
    ? await copyMessages(ctx, options.parse, retentionCutoff)
    : { report: null, pending: new Set<string>() };
  const completed = signals.report.completed && (messages.report?.completed ?? false);
  const signalCheck = completed ? await verifySignals(ctx, signals.pending) : null;
  const messageCheck = completed ? await verifyMessages(ctx, messages.pending, retentionCutoff) : null;

  const problems = [
    ...signalProblems(signals.report, signalCheck, signals.pending.size),
    ...messageProblems(messages.report, messageCheck, messages.pending.size),
  ];
  if (!completed) problems.push('the run was stopped before the end of the copy: run it again to finish');
  const copy = signals.report;
  return {
    version: 1,
    schema: layout.schema,
    dryRun: ctx.dryRun,
    startedAt: startedAt.toISOString(),
    finishedAt: new Date(startedAt.getTime() + (performance.now() - started)).toISOString(),
    seconds: (performance.now() - started) / 1000,
    completed,
    legacy: {
      optionalSignalColumns: {
        created_at: layout.signals.columns.has('created_at'),
        updated_at: layout.signals.columns.has('updated_at'),
      },
      messagesTable: layout.messages
        ? {
            keys: layout.messages.keys,
            photos: layout.messages.columns.has('photos'),
            received_at: layout.messages.columns.has('received_at'),
          }
        : null,
    },
    inboxRetentionCutoff: retentionCutoff?.toISOString() ?? null,
    signals: {
      copy,
      verification: signalCheck,
      rowsPerSecond: copy.seconds > 0 ? Math.round(copy.rowsRead / copy.seconds) : 0,
    },
    messages: { copy: messages.report, verification: messageCheck },
    ok: problems.length === 0,
    problems,
  };
}
