/**
 * Plausibility (SIGNAL-FORMAT.md): prices that contradict each other keep the signal a signal, with
 * warnings. On a buy the stop must lie below the whole entry range and every target above it; on a
 * sell, the other way round. A price equal to the edge of the range is not a contradiction.
 */
import type { ParsedSignal, SignalWarning } from '../domain/parse-result.js';

export function plausibilityWarnings(signal: ParsedSignal): SignalWarning[] {
  const { buy_min: min, buy_max: max, stop } = signal;
  if (min === null || max === null) return [];
  const targets = signal.targets.map((t) => t.price);
  if (signal.target_final !== null) targets.push(signal.target_final);
  const warnings: SignalWarning[] = [];
  if (signal.side === 'buy') {
    if (stop !== null && stop > min) warnings.push('stop_above_entry');
    if (targets.some((t) => t < max)) warnings.push('target_below_entry');
  } else {
    if (stop !== null && stop < max) warnings.push('stop_below_entry');
    if (targets.some((t) => t > min)) warnings.push('target_above_entry');
  }
  return warnings;
}
