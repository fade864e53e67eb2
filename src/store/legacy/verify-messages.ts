/**
 * The verification of the forwarded messages: the whole legacy table judged again, every version
 * looked up in the inbox by its unique key, and a checksum over the version keys as each side holds
 * them (the dedicated side's built from the stored columns, not from what was sent).
 */
import { withTransaction } from '../transaction.js';
import { type Checksum, checksumOf, chunks, pushExample } from './checksum.js';
import { addCount, type MigrationContext } from './context.js';
import type { LegacyRow, MessageColumn } from './legacy-source.js';
import { classifyMessage, type LegacyMessage } from './message-rows.js';
import { lookupMessages } from './message-store.js';

export interface MessageVerification {
  rowsRead: number;
  skipped: Record<string, number>;
  duplicates: number;
  /** Distinct inbox versions the legacy rows make. */
  versions: number;
  found: number;
  pending: number;
  missing: number;
  checksum: { legacy: Checksum; dedicated: Checksum; match: boolean };
  examples: { missing: string[] };
  seconds: number;
}

const LOOKUP_CHUNK = 2000;

export async function verifyMessages(
  ctx: MigrationContext,
  pending: Set<string>,
  retentionCutoff: Date | null,
): Promise<MessageVerification | null> {
  const table = ctx.source.layout.messages;
  if (!table) return null;
  const started = performance.now();
  const v: MessageVerification = {
    rowsRead: 0,
    skipped: {},
    duplicates: 0,
    versions: 0,
    found: 0,
    pending: 0,
    missing: 0,
    checksum: { legacy: checksumOf([]), dedicated: checksumOf([]), match: true },
    examples: { missing: [] },
    seconds: 0,
  };
  for (const [reason, n] of Object.entries(await ctx.source.nullKeyRows(table))) {
    addCount(v.skipped, reason, n);
    v.rowsRead += n;
  }
  const total = v.rowsRead + (await ctx.source.count(table, null));
  const versions = new Map<string, LegacyMessage>();
  let cursor: string[] | null = null;
  let batches = 0;
  for (;;) {
    const rows: LegacyRow<MessageColumn>[] = await ctx.source.page<MessageColumn>(
      table,
      cursor,
      ctx.batchSize,
    );
    const last = rows.at(-1);
    if (!last) break;
    for (const row of rows) {
      const judged = classifyMessage(row, { runStartedAt: ctx.runStartedAt, retentionCutoff });
      if (judged.kind === 'skipped') addCount(v.skipped, judged.reason);
      else if (versions.has(judged.message.versionKey)) v.duplicates += 1;
      else versions.set(judged.message.versionKey, { ...judged.message, text: null, content: null });
    }
    v.rowsRead += rows.length;
    batches += 1;
    cursor = last.key;
    ctx.onProgress?.({ phase: 'verify messages', done: v.rowsRead, total, batches });
  }
  v.versions = versions.size;

  const legacyLines: string[] = [];
  const dedicatedLines: string[] = [];
  for (const part of chunks([...versions.values()], LOOKUP_CHUNK)) {
    const stored = await withTransaction(
      ctx.db.pool,
      { statementTimeoutMs: ctx.statementTimeoutMs, readOnly: true },
      (tx) => lookupMessages(tx, part),
    );
    for (const m of part) {
      if (pending.has(m.versionKey)) {
        v.pending += 1;
        continue;
      }
      legacyLines.push(m.versionKey);
      if (stored.has(m.versionKey)) v.found += 1;
      else {
        v.missing += 1;
        pushExample(v.examples.missing, m.versionKey.replaceAll('\u001f', ' '));
      }
    }
    for (const key of stored) if (!pending.has(key)) dedicatedLines.push(key);
  }
  v.checksum.legacy = checksumOf(legacyLines);
  v.checksum.dedicated = checksumOf(dedicatedLines);
  v.checksum.match = v.checksum.legacy.sha256 === v.checksum.dedicated.sha256;
  v.seconds = (performance.now() - started) / 1000;
  return v;
}
