/** What the parser says a message is (SIGNAL-FORMAT.md "Output"). Pure types, shared by every layer. */

export type Side = 'buy' | 'sell';

export interface Target {
  index: number;
  price: number;
}

export interface ParsedSignal {
  asset: string;
  signal_type: string;
  side: Side;
  buy_min: number | null;
  buy_max: number | null;
  targets: Target[];
  target_1: number | null;
  target_2: number | null;
  target_final: number | null;
  stop: number | null;
  /** ISO date (YYYY-MM-DD), resolved against the post's date; null when absent or no date was given. */
  valid_until: string | null;
}

export const UPDATE_EVENTS = ['target_hit', 'stop_hit', 'cancelled', 'closed'] as const;
export type UpdateEvent = (typeof UPDATE_EVENTS)[number];

export interface ParsedUpdate {
  /** The post's ticker, or null ("ignore o sinal anterior" applies to the channel's latest open signal). */
  asset: string | null;
  event: UpdateEvent;
  /** Only for target_hit: the target number, or "final". */
  target: number | 'final' | null;
  pct: number | null;
}

export const IGNORED_REASONS = ['empty', 'too_long', 'no_asset', 'no_prices', 'commentary'] as const;
export type IgnoredReason = (typeof IGNORED_REASONS)[number];

export const SIGNAL_WARNINGS = [
  'stop_above_entry',
  'target_below_entry',
  'stop_below_entry',
  'target_above_entry',
] as const;
export type SignalWarning = (typeof SIGNAL_WARNINGS)[number];

interface ResultBase {
  /** The original text, minus `\r`, trimmed. */
  raw_message: string;
  /** Plausibility warnings; always present, possibly empty. */
  warnings: SignalWarning[];
}

export type ParseResult =
  | (ResultBase & { kind: 'signal'; signal: ParsedSignal })
  | (ResultBase & { kind: 'update'; update: ParsedUpdate })
  | (ResultBase & { kind: 'ignored'; reason: IgnoredReason });

/** Bumped whenever the parser's output for some input changes; stored with every inbox row. */
export const PARSER_VERSION = 1;

/** Messages longer than this many UTF-8 bytes are `ignored` / `too_long`. */
export const MAX_MESSAGE_BYTES = 16_384;
