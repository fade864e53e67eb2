/**
 * The verification of the signals: the whole legacy table read again and judged as the copy judges it,
 * each identity's kept row looked up in the dedicated database. Every legacy row must be accounted
 * for (checkpoint, skipped, duplicate, or its identity's kept row), every identity found — under its
 * legacy id with the same fields and raw text, or as the signal the new ingester stored for the post —
 * and the raw-message checksums of both sides must agree.
 */
import { withTransaction } from '../transaction.js';
import { type Checksum, checksumOf, chunks, pushExample } from './checksum.js';
import { addCount, type MigrationContext } from './context.js';
import type { LegacyRow, SignalColumn } from './legacy-source.js';
import { classifySignal, fieldsKey, type LegacySignal, outranks } from './signal-rows.js';
import { countLegacyRows, lookupSignals, type StoredSignal } from './signal-store.js';

export interface SignalVerification {
  rowsRead: number;
  checkpoints: number;
  skipped: Record<string, number>;
  duplicates: number;
  /** Distinct signals the legacy holds (one kept row each). */
  identities: number;
  /** Stored under their legacy identity. */
  found: number;
  /** Stored by the new ingester under the post's real message id (same ts and raw_message). */
  matchedIngested: number;
  /** …of which the new parser read another asset than the legacy did (explained: not our row). */
  matchedAssetDiffers: number;
  /** Dry run: identities the copy would write (insert or replace), so not (yet) as expected. */
  pending: number;
  missing: number;
  /** Stored under the legacy identity, but not with the kept row's asset, type, prices or raw text. */
  fieldMismatches: number;
  /** Dedicated rows with a `legacy:` id that no legacy row explains (deleted from the legacy since?). */
  extraInDedicated: number;
  checksum: { legacy: Checksum; dedicated: Checksum; match: boolean };
  perAsset: { asset: string; legacy: number; dedicated: number }[];
  examples: { missing: string[]; fieldMismatches: string[] };
  seconds: number;
}

type Expected = Pick<LegacySignal, 'identity' | 'channel' | 'ts' | 'rawDigest' | 'asset' | 'rank'> & {
  fields: string;
};

const LOOKUP_CHUNK = 2000;

function storedFields(row: StoredSignal): string | null {
  return row.kind === 'legacy' ? fieldsKey(row.asset, row.signalType, row.prices) : null;
}

export async function verifySignals(
  ctx: MigrationContext,
  pending: Set<string>,
): Promise<SignalVerification> {
  const started = performance.now();
  const table = ctx.source.layout.signals;
  const v: SignalVerification = {
    rowsRead: 0,
    checkpoints: 0,
    skipped: {},
    duplicates: 0,
    identities: 0,
    found: 0,
    matchedIngested: 0,
    matchedAssetDiffers: 0,
    pending: 0,
    missing: 0,
    fieldMismatches: 0,
    extraInDedicated: 0,
    checksum: { legacy: checksumOf([]), dedicated: checksumOf([]), match: true },
    perAsset: [],
    examples: { missing: [], fieldMismatches: [] },
    seconds: 0,
  };
  for (const [reason, n] of Object.entries(await ctx.source.nullKeyRows(table))) {
    addCount(v.skipped, reason, n);
    v.rowsRead += n;
  }
  const total = v.rowsRead + (await ctx.source.count(table, null));
  const expected = new Map<string, Expected>();
  let cursor: string[] | null = null;
  let batches = 0;
  for (;;) {
    const rows: LegacyRow<SignalColumn>[] = await ctx.source.page<SignalColumn>(table, cursor, ctx.batchSize);
    const last = rows.at(-1);
    if (!last) break;
    for (const row of rows) {
      const judged = classifySignal(row, ctx.runStartedAt);
      if (judged.kind === 'checkpoint') v.checkpoints += 1;
      else if (judged.kind === 'skipped') addCount(v.skipped, judged.reason);
      else {
        const s = judged.signal;
        const kept = expected.get(s.identity);
        if (kept) v.duplicates += 1;
        // The copy's rule, over the whole table: the later stamp, then completeness; ties keep the first.
        if (!kept || outranks(s.rank, kept.rank)) {
          expected.set(s.identity, {
            identity: s.identity,
            channel: s.channel,
            ts: s.ts,
            rawDigest: s.rawDigest,
            asset: s.asset,
            rank: s.rank,
            fields: fieldsKey(s.asset, s.signalType, s.prices),
          });
        }
      }
    }
    v.rowsRead += rows.length;
    batches += 1;
    cursor = last.key;
    ctx.onProgress?.({ phase: 'verify signals', done: v.rowsRead, total, batches });
  }
  v.identities = expected.size;

  const legacyLines: string[] = [];
  const dedicatedLines: string[] = [];
  const legacyAssets = new Map<string, number>();
  const dedicatedAssets = new Map<string, number>();
  const bump = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);
  let pendingStored = 0;
  for (const part of chunks([...expected.values()], LOOKUP_CHUNK)) {
    const stored = await withTransaction(
      ctx.db.pool,
      { statementTimeoutMs: ctx.statementTimeoutMs, readOnly: true },
      (tx) => lookupSignals(tx, part),
    );
    part.forEach((e, i) => {
      bump(legacyAssets, e.asset);
      const row = stored.get(i);
      const isPending = pending.has(e.identity);
      if (row) bump(dedicatedAssets, row.asset);
      if (isPending) {
        v.pending += 1;
        if (row?.kind === 'legacy') pendingStored += 1;
        return;
      }
      legacyLines.push(`${e.identity} ${e.rawDigest}`);
      if (!row) {
        v.missing += 1;
        pushExample(v.examples.missing, e.identity);
        return;
      }
      dedicatedLines.push(`${e.identity} ${row.rawDigest}`);
      if (row.kind === 'matched') {
        v.matchedIngested += 1;
        if (row.asset !== e.asset) v.matchedAssetDiffers += 1;
        return;
      }
      v.found += 1;
      if (storedFields(row) !== e.fields || row.rawDigest !== e.rawDigest) {
        v.fieldMismatches += 1;
        pushExample(v.examples.fieldMismatches, e.identity);
      }
    });
  }
  const storedLegacy = await withTransaction(
    ctx.db.pool,
    { statementTimeoutMs: ctx.statementTimeoutMs, readOnly: true },
    countLegacyRows,
  );
  // Found rows plus the ones a dry run would replace are in the table already; the rest is unexplained.
  v.extraInDedicated = storedLegacy - v.found - pendingStored;
  v.checksum.legacy = checksumOf(legacyLines);
  v.checksum.dedicated = checksumOf(dedicatedLines);
  v.checksum.match = v.checksum.legacy.sha256 === v.checksum.dedicated.sha256;
  const assets = new Set([...legacyAssets.keys(), ...dedicatedAssets.keys()]);
  v.perAsset = [...assets].sort().map((asset) => ({
    asset,
    legacy: legacyAssets.get(asset) ?? 0,
    dedicated: dedicatedAssets.get(asset) ?? 0,
  }));
  v.seconds = (performance.now() - started) / 1000;
  return v;
}
