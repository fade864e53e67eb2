/**
 * The report's verdict: every difference between the legacy and the dedicated database must be
 * explained by a count (skipped with a reason, duplicate, checkpoint, matched, pending in a dry run).
 * Anything else is a problem, and any problem makes the command exit non-zero.
 */
import type { MessageCopyReport } from './copy-messages.js';
import type { SignalCopyReport } from './copy-signals.js';
import type { MessageVerification } from './verify-messages.js';
import type { SignalVerification } from './verify-signals.js';

const sum = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);

function sameCounts(a: Record<string, number>, b: Record<string, number>): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].every((k) => (a[k] ?? 0) === (b[k] ?? 0));
}

export function signalProblems(
  copy: SignalCopyReport,
  verification: SignalVerification | null,
  pendingPlanned: number,
): string[] {
  const problems: string[] = [];
  const accounted =
    copy.inserted +
    copy.replaced +
    copy.unchanged +
    copy.matchedIngested +
    copy.duplicates +
    copy.checkpoints +
    sum(copy.skipped);
  if (accounted !== copy.rowsRead) {
    problems.push(`signals copy: ${copy.rowsRead} rows read, ${accounted} accounted for`);
  }
  if (!verification) return problems;
  const v = verification;
  const legacyAccounted = v.checkpoints + sum(v.skipped) + v.duplicates + v.identities;
  if (legacyAccounted !== v.rowsRead) {
    problems.push(`signals: ${v.rowsRead} legacy rows, ${legacyAccounted} accounted for`);
  }
  const identitiesAccounted = v.found + v.matchedIngested + v.pending + v.missing;
  if (identitiesAccounted !== v.identities) {
    problems.push(`signals: ${v.identities} identities, ${identitiesAccounted} accounted for`);
  }
  if (copy.resumedFrom === null && copy.completed) {
    if (
      copy.rowsRead !== v.rowsRead ||
      copy.checkpoints !== v.checkpoints ||
      !sameCounts(copy.skipped, v.skipped)
    ) {
      problems.push('signals: the copy and the verification judged the legacy rows differently');
    }
  }
  if (v.missing > 0) {
    problems.push(
      `signals: ${v.missing} legacy signal(s) missing from the dedicated database (${v.examples.missing.join(', ')})`,
    );
  }
  if (v.fieldMismatches > 0) {
    problems.push(
      `signals: ${v.fieldMismatches} stored signal(s) differ from their legacy row (${v.examples.fieldMismatches.join(', ')})`,
    );
  }
  if (v.extraInDedicated !== 0) {
    problems.push(
      `signals: ${v.extraInDedicated} dedicated row(s) with a legacy: id that no legacy row explains`,
    );
  }
  if (v.pending !== pendingPlanned) {
    problems.push(
      `signals: the dry run planned ${pendingPlanned} write(s) but ${v.pending} identities await one`,
    );
  }
  if (!v.checksum.match) problems.push('signals: the raw-message checksums differ');
  return problems;
}

export function messageProblems(
  copy: MessageCopyReport | null,
  verification: MessageVerification | null,
  pendingPlanned: number,
): string[] {
  if (!copy) return [];
  const problems: string[] = [];
  const accounted = copy.inserted + copy.unchanged + copy.duplicates + sum(copy.skipped);
  if (accounted !== copy.rowsRead) {
    problems.push(`messages copy: ${copy.rowsRead} rows read, ${accounted} accounted for`);
  }
  if (!verification) return problems;
  const v = verification;
  const legacyAccounted = sum(v.skipped) + v.duplicates + v.versions;
  if (legacyAccounted !== v.rowsRead) {
    problems.push(`messages: ${v.rowsRead} legacy rows, ${legacyAccounted} accounted for`);
  }
  if (v.found + v.pending + v.missing !== v.versions) {
    problems.push(`messages: ${v.versions} versions, ${v.found + v.pending + v.missing} accounted for`);
  }
  if (copy.resumedFrom === null && copy.completed) {
    if (
      copy.rowsRead !== v.rowsRead ||
      !sameCounts(copy.skipped, v.skipped) ||
      copy.duplicates !== v.duplicates
    ) {
      problems.push('messages: the copy and the verification judged the legacy rows differently');
    }
  }
  if (v.missing > 0) {
    problems.push(
      `messages: ${v.missing} legacy message(s) missing from the inbox (${v.examples.missing.join('; ')})`,
    );
  }
  if (v.pending !== pendingPlanned) {
    problems.push(
      `messages: the dry run planned ${pendingPlanned} insert(s) but ${v.pending} versions await one`,
    );
  }
  if (!v.checksum.match) problems.push('messages: the checksums differ');
  return problems;
}
