/** Reading the inbox back, page by page in id order, for `tp-capital reprocess`. */
import type { MessageEventKind } from '../domain/gateway-message.js';
import type { InboxOutcome } from '../domain/ingest.js';
import type { Db } from './db.js';
import { withTransaction } from './transaction.js';

export interface InboxRow {
  id: number;
  channelId: string;
  messageId: string;
  telegramDate: Date;
  receivedAt: Date | null;
  content: string | null;
  kind: MessageEventKind;
  outcome: InboxOutcome;
  reason: string | null;
}

export interface InboxRepository {
  /** Rows with id > afterId (and the given outcomes, Telegram date >= since), in id order. */
  scan(q: { outcomes?: InboxOutcome[]; since?: Date; afterId: number; limit: number }): Promise<InboxRow[]>;
}

export function createInboxRepository(db: Db, options: { statementTimeoutMs: number }): InboxRepository {
  return {
    async scan(q) {
      const values: unknown[] = [q.afterId, Math.max(1, Math.floor(q.limit))];
      const clauses = ['m.id > $1'];
      if (q.outcomes && q.outcomes.length > 0) {
        values.push(q.outcomes);
        clauses.push(`m.outcome = ANY ($${values.length}::text[])`);
      }
      if (q.since) {
        values.push(q.since.toISOString());
        clauses.push(`m.telegram_date >= $${values.length}::timestamptz`);
      }
      const rows = await withTransaction(
        db.pool,
        { statementTimeoutMs: options.statementTimeoutMs, readOnly: true },
        async (tx) =>
          (
            await tx.query<{
              id: string;
              channel_id: string;
              message_id: string;
              telegram_date: Date;
              received_at: Date | null;
              content: string | null;
              kind: MessageEventKind;
              outcome: InboxOutcome;
              reason: string | null;
            }>(
              `SELECT m.id, m.channel_id, m.message_id, m.telegram_date, m.received_at, m.content, m.kind, m.outcome,
                 m.reason
               FROM forwarded_messages.messages m WHERE ${clauses.join(' AND ')} ORDER BY m.id LIMIT $2`,
              values,
            )
          ).rows,
      );
      return rows.map((r) => ({
        id: Number(r.id),
        channelId: r.channel_id,
        messageId: r.message_id,
        telegramDate: r.telegram_date,
        receivedAt: r.received_at,
        content: r.content,
        kind: r.kind,
        outcome: r.outcome,
        reason: r.reason,
      }));
    },
  };
}
