/**
 * The trade type (SIGNAL-FORMAT.md "Labels"): `Swing Trade`, `Day Trade`, `Scalping`, `Position`
 * anywhere before the first labelled price, in any case, with or without an emoji or a `TIPO` label.
 */
export const DEFAULT_SIGNAL_TYPE = 'Swing Trade';

const TRADE_TYPE = /\b(swing ?-?trade|day ?-?trade|scalping|position)\b/;

function canonical(found: string): string {
  if (found.startsWith('swing')) return 'Swing Trade';
  if (found.startsWith('day')) return 'Day Trade';
  return found === 'scalping' ? 'Scalping' : 'Position';
}

/** The first trade type written before offset `before` of the folded text, else the default. */
export function detectSignalType(lower: string, before: number | null): string {
  const match = TRADE_TYPE.exec(before === null ? lower : lower.slice(0, before));
  return match === null ? DEFAULT_SIGNAL_TYPE : canonical(match[1]!);
}
