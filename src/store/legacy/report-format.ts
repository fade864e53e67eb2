/** The report as a table for people (the JSON form is the report object itself). */
import type { LegacyMigrationReport } from './run.js';

const ASSETS_SHOWN = 40;

const LABEL_WIDTH = 40;

function rows(lines: [string, string | number][]): string[] {
  return lines.map(([label, value]) => `  ${label.padEnd(LABEL_WIDTH)}${String(value).padStart(10)}`);
}

function reasons(counts: Record<string, number>): [string, number][] {
  return Object.entries(counts)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([reason, n]) => [`  skipped: ${reason}`, n]);
}

const sum = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);

function perAsset(report: LegacyMigrationReport): string[] {
  const v = report.signals.verification;
  if (!v || v.perAsset.length === 0) return [];
  const differing = v.perAsset.filter((a) => a.legacy !== a.dedicated);
  const shown =
    v.perAsset.length <= ASSETS_SHOWN
      ? v.perAsset
      : [
          ...differing,
          ...[...v.perAsset]
            .filter((a) => a.legacy === a.dedicated)
            .sort((a, b) => b.legacy - a.legacy)
            .slice(0, Math.max(0, ASSETS_SHOWN - differing.length)),
        ];
  const width = Math.max(5, ...shown.map((a) => a.asset.length));
  const out = [`Signals per asset${differing.length > 0 ? ` (${differing.length} differ)` : ''}`];
  out.push(`  ${'asset'.padEnd(width)}  ${'legacy'.padStart(10)}  ${'dedicated'.padStart(10)}`);
  for (const a of shown) {
    const mark = a.legacy === a.dedicated ? '' : '  ≠';
    out.push(
      `  ${a.asset.padEnd(width)}  ${String(a.legacy).padStart(10)}  ${String(a.dedicated).padStart(10)}${mark}`,
    );
  }
  if (shown.length < v.perAsset.length) {
    out.push(
      `  … ${v.perAsset.length - shown.length} more asset(s), all equal (the JSON report lists every one)`,
    );
  }
  return out;
}

export function formatReport(report: LegacyMigrationReport): string {
  const out: string[] = [];
  const cols = report.legacy.optionalSignalColumns;
  out.push(
    `tp-capital migrate-legacy: schema ${report.schema}${report.dryRun ? ' — DRY RUN, nothing written' : ''}`,
    `legacy columns: created_at ${cols.created_at ? 'yes' : 'no'}, updated_at ${cols.updated_at ? 'yes' : 'no'}; ` +
      `forwarded_messages ${report.legacy.messagesTable ? `keyed by ${report.legacy.messagesTable.keys.join(', ')}` : 'absent'}`,
    '',
  );
  const c = report.signals.copy;
  out.push(
    `Signals copied (this run${c.resumedFrom ? `, resumed after key ${c.resumedFrom.join(', ')}` : ''}${report.dryRun ? ', planned' : ''})`,
    ...rows([
      ['rows read', c.rowsRead],
      ['inserted', c.inserted],
      ['replaced by a later duplicate', c.replaced],
      ['already there (unchanged)', c.unchanged],
      ['already stored by the new ingester', c.matchedIngested],
      ['duplicates collapsed', c.duplicates],
      ['__checkpoint__ rows', c.checkpoints],
      ...reasons(c.skipped),
      ['events appended', c.events],
      ['batches', c.batches],
      ['rows/s', report.signals.rowsPerSecond],
    ]),
    '',
  );
  const v = report.signals.verification;
  if (v) {
    out.push(
      'Signals verified (the whole legacy table)',
      ...rows([
        ['legacy rows', v.rowsRead],
        ['  __checkpoint__ rows', v.checkpoints],
        ['  skipped (all reasons)', sum(v.skipped)],
        ['  duplicates', v.duplicates],
        ['  distinct signals', v.identities],
        ['found under their legacy id', v.found],
        ['stored by the new ingester', v.matchedIngested],
        ['  of which another asset was read', v.matchedAssetDiffers],
        ...(report.dryRun ? ([['pending (the copy would write)', v.pending]] as [string, number][]) : []),
        ['missing', v.missing],
        ['stored with other fields', v.fieldMismatches],
        ['legacy: rows nothing explains', v.extraInDedicated],
      ]),
      `  raw-message checksum  legacy    ${v.checksum.legacy.sha256} (${v.checksum.legacy.rows})`,
      `                        dedicated ${v.checksum.dedicated.sha256} (${v.checksum.dedicated.rows})  ${v.checksum.match ? 'match' : 'MISMATCH'}`,
      '',
      ...perAsset(report),
      '',
    );
  }
  const mc = report.messages.copy;
  if (mc && report.legacy.messagesTable) {
    out.push(
      `Forwarded messages copied (this run${mc.resumedFrom ? ', resumed' : ''}${report.dryRun ? ', planned' : ''})`,
      ...rows([
        ['rows read', mc.rowsRead],
        ['inserted into the inbox', mc.inserted],
        ...Object.entries(mc.outcomes).map(([o, n]): [string, number] => [`  outcome ${o}`, n]),
        ['  signal rows linked to their signal', mc.linkedToSignals],
        ['already in the inbox', mc.unchanged],
        ['duplicates collapsed', mc.duplicates],
        ...reasons(mc.skipped),
        ['with photos (text only kept)', mc.withPhotos],
      ]),
      '',
    );
  }
  const mv = report.messages.verification;
  if (mv) {
    out.push(
      'Forwarded messages verified (the whole legacy table)',
      ...rows([
        ['legacy rows', mv.rowsRead],
        ['  skipped (all reasons)', sum(mv.skipped)],
        ['  duplicates', mv.duplicates],
        ['  distinct versions', mv.versions],
        ['found in the inbox', mv.found],
        ...(report.dryRun ? ([['pending (the copy would insert)', mv.pending]] as [string, number][]) : []),
        ['missing', mv.missing],
      ]),
      `  checksum  legacy    ${mv.checksum.legacy.sha256} (${mv.checksum.legacy.rows})`,
      `            dedicated ${mv.checksum.dedicated.sha256} (${mv.checksum.dedicated.rows})  ${mv.checksum.match ? 'match' : 'MISMATCH'}`,
      '',
    );
  }
  out.push(
    `Result: ${report.ok ? 'OK — every legacy row is accounted for' : 'FAILED'} (${report.seconds.toFixed(1)} s)`,
  );
  for (const p of report.problems) out.push(`  - ${p}`);
  return `${out.join('\n')}\n`;
}
