/**
 * What makes a signal (SIGNAL-FORMAT.md): a ticker AND a buy (or sell) price, or a ticker AND a target
 * AND a stop. `buy_min` is the lowest and `buy_max` the highest entry written, whatever the order.
 */
import type { ParsedSignal } from '../domain/parse-result.js';
import type { LabelScan } from './labels.js';
import { collectTargets } from './targets.js';
import { detectSignalType } from './trade-type.js';
import { resolveValidUntil } from './valid-until.js';

export function hasTarget(scan: LabelScan): boolean {
  return scan.numbered.size > 0 || scan.unnumbered.length > 0 || scan.finalTarget !== null;
}

export function isSignal(scan: LabelScan, asset: string | null): asset is string {
  return asset !== null && (scan.entries.length > 0 || (hasTarget(scan) && scan.stop !== null));
}

export function buildSignal(
  scan: LabelScan,
  asset: string,
  lower: string,
  date: Date | null | undefined,
): ParsedSignal {
  const targets = collectTargets(scan);
  const priceOf = (index: number) => targets.find((t) => t.index === index)?.price ?? null;
  const hasEntry = scan.entries.length > 0;
  return {
    asset,
    signal_type: detectSignalType(lower, scan.firstPrice),
    side: scan.side ?? 'buy',
    buy_min: hasEntry ? Math.min(...scan.entries) : null,
    buy_max: hasEntry ? Math.max(...scan.entries) : null,
    targets,
    target_1: priceOf(1),
    target_2: priceOf(2),
    target_final: scan.finalTarget ?? targets.at(-1)?.price ?? null,
    stop: scan.stop,
    valid_until: resolveValidUntil(lower, date),
  };
}
