/**
 * The trade type (SIGNAL-FORMAT.md "Labels"): `Swing Trade`, `Day Trade`, `Scalping`, `Position`
 * anywhere before the first labelled price, in any case, with or without an emoji or a `TIPO` label.
 */
import type { Position } from './labels.js';

export const DEFAULT_SIGNAL_TYPE = 'Swing Trade';

const TRADE_TYPE = /(?<![\p{L}\p{N}])(swing ?-?trade|day ?-?trade|scalping|position)(?![\p{L}\p{N}])/u;

function canonical(found: string): string {
  if (found.startsWith('swing')) return 'Swing Trade';
  if (found.startsWith('day')) return 'Day Trade';
  return found === 'scalping' ? 'Scalping' : 'Position';
}

/** The first trade type written before `before` (all lines when null), else the default. */
export function detectSignalType(lowerLines: readonly string[], before: Position | null): string {
  const lastLine = before === null ? lowerLines.length - 1 : before.line;
  for (let line = 0; line <= lastLine && line < lowerLines.length; line++) {
    const text = lowerLines[line]!;
    const match = TRADE_TYPE.exec(before !== null && line === before.line ? text.slice(0, before.col) : text);
    if (match !== null) return canonical(match[1]!);
  }
  return DEFAULT_SIGNAL_TYPE;
}
