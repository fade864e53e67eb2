/**
 * `tp-capital reprocess`: inbox rows re-parsed with the current parser and applied through the same
 * repository (same transaction rules; events only for what changed). The store re-evaluates a version
 * only when it was parsed by an older parser (PARSER_VERSION), so a run without a parser change
 * changes nothing. Rows rejected at the boundary hold an excerpt of what arrived, not the message's
 * text: re-parsing that would be wrong, so they are skipped — except `store_error`, whose content is
 * the message itself. The cursor is never touched.
 */
import type { InboxOutcome, IngestItem, IngestOutcome } from '../domain/ingest.js';
import type { Logger } from '../logger.js';
import type { IngestStore, ParseFn } from './ports.js';

export interface InboxRowLike {
  id: number;
  channelId: string;
  messageId: string;
  telegramDate: Date;
  receivedAt: Date | null;
  content: string | null;
  kind: 'message' | 'edited' | 'deleted';
  outcome: InboxOutcome;
  reason: string | null;
}

export interface InboxScanner {
  scan(q: {
    outcomes?: InboxOutcome[];
    since?: Date;
    afterId: number;
    limit: number;
  }): Promise<InboxRowLike[]>;
}

export interface ReprocessSummary {
  scanned: number;
  /** Rejected rows whose content is not the message's text. */
  skipped: number;
  /** What applying the re-parsed rows did, by outcome (unchanged = nothing to do). */
  outcomes: Partial<Record<IngestOutcome, number>>;
  /** Inbox outcome before → after, for the rows whose parse outcome changed. */
  changed: Record<string, number>;
  events: number;
}

const REPARSEABLE_REJECTIONS = new Set(['store_error']);

export async function reprocessInbox(options: {
  inbox: InboxScanner;
  store: Pick<IngestStore, 'applyBatch'>;
  parse: ParseFn;
  outcomes: InboxOutcome[] | undefined;
  since: Date | undefined;
  batchSize: number;
  log: Logger;
  signal?: AbortSignal;
}): Promise<ReprocessSummary> {
  const summary: ReprocessSummary = { scanned: 0, skipped: 0, outcomes: {}, changed: {}, events: 0 };
  let afterId = 0;
  while (!options.signal?.aborted) {
    const rows = await options.inbox.scan({
      afterId,
      limit: options.batchSize,
      ...(options.outcomes ? { outcomes: options.outcomes } : {}),
      ...(options.since ? { since: options.since } : {}),
    });
    if (rows.length === 0) break;
    afterId = rows[rows.length - 1]?.id ?? afterId;
    summary.scanned += rows.length;
    const items: IngestItem[] = [];
    const before: InboxOutcome[] = [];
    for (const row of rows) {
      if (row.outcome === 'rejected' && !REPARSEABLE_REJECTIONS.has(row.reason ?? '')) {
        summary.skipped += 1;
        continue;
      }
      const result = options.parse(row.content ?? '', { date: row.telegramDate });
      before.push(row.outcome);
      items.push({
        kind: 'parsed',
        result,
        message: {
          gatewayId: `inbox:${row.id}`,
          channelId: row.channelId,
          messageId: row.messageId,
          telegramDate: row.telegramDate,
          receivedAt: row.receivedAt,
          content: row.content,
          kind: row.kind,
        },
      });
    }
    if (items.length === 0) continue;
    const report = await options.store.applyBatch(items, null);
    summary.events += report.events.length;
    report.items.forEach((item, index) => {
      summary.outcomes[item.outcome] = (summary.outcomes[item.outcome] ?? 0) + 1;
      const parsed = items[index];
      const was = before[index];
      const now = parsed?.kind === 'parsed' ? parsed.result.kind : undefined;
      if (was && now && was !== now && item.outcome !== 'unchanged') {
        const key = `${was}→${now}`;
        summary.changed[key] = (summary.changed[key] ?? 0) + 1;
      }
    });
    options.log.debug({ afterId, scanned: summary.scanned }, 'reprocess page applied');
  }
  return summary;
}
