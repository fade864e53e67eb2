/**
 * parseMessage: message text (and optionally the post's date) in, one ParseResult out. Pure and total:
 * never throws, never does IO. The byte limit is checked before any folding or matching.
 */
import type { IgnoredReason, ParseResult } from '../domain/parse-result.js';
import { scanLabels } from './labels.js';
import { buildSignal, isSignal } from './signal.js';
import { exceedsMaxBytes, foldText, rawMessage } from './text.js';
import { findTicker } from './ticker.js';
import { detectUpdate } from './updates.js';
import { plausibilityWarnings } from './warnings.js';

export interface ParseOptions {
  /** The post's date: resolves `até dia 14/11`. Without it `valid_until` is null. */
  date?: Date | null;
}

function ignored(raw: string, reason: IgnoredReason): ParseResult {
  return { kind: 'ignored', reason, raw_message: raw, warnings: [] };
}

/** The parser without its safety net: the tests run this one, so that a bug fails them. */
export function parseUnguarded(text: string, options: ParseOptions = {}): ParseResult {
  const raw = rawMessage(text);
  if (raw === '') return ignored(raw, 'empty');
  if (exceedsMaxBytes(raw)) return ignored(raw, 'too_long');
  const { lower, cased } = foldText(raw);
  const scan = scanLabels(lower, cased);
  const asset = scan.asset ?? findTicker(cased);
  if (isSignal(scan, asset)) {
    const signal = buildSignal(scan, asset, lower, options.date);
    return { kind: 'signal', signal, raw_message: raw, warnings: plausibilityWarnings(signal) };
  }
  const update = detectUpdate(lower, cased, asset);
  if (update !== null) return { kind: 'update', update, raw_message: raw, warnings: [] };
  if (scan.firstPrice !== null && asset === null) return ignored(raw, 'no_asset');
  if (scan.labelled && asset !== null) return ignored(raw, 'no_prices');
  return ignored(raw, 'commentary');
}

export function parseMessage(text: string, options: ParseOptions = {}): ParseResult {
  // Belt and braces for "never throws": a bug must not take the ingester down with it. A non-string
  // from an untyped caller is treated as an empty message.
  if (typeof text !== 'string') return ignored('', 'empty');
  try {
    return parseUnguarded(text, options ?? {});
  } catch {
    return ignored(rawMessage(text), 'commentary');
  }
}
