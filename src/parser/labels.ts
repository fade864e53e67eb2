/**
 * The labelled lines of a post (SIGNAL-FORMAT.md "Labels"): a label stands anywhere in a line at a word
 * boundary and counts only when its value follows directly. One pass over the folded post (lines
 * joined by `\n`, where every value reader stops) collects what the labels say; signal.ts decides
 * what it makes.
 */
import type { Side } from '../domain/parse-result.js';
import { isDigit, readPrice, skipSpaces } from './numbers.js';
import { readTarget, type TargetCollector } from './targets.js';
import { assetLabelValue, isTickerToken, tokenAt } from './ticker.js';
import { colonFollows, readRange, skipSeparator, wordAt } from './values.js';

export interface LabelScan extends TargetCollector {
  /** The asset named by an asset label, in capitals. */
  asset: string | null;
  /** Set by the first priced buy or sell label. */
  side: Side | null;
  /** Every price of the buy (or sell) labels of `side`, pooled. */
  entries: number[];
  stop: number | null;
  /** Where (offset in the folded text) the first label with a usable price starts. */
  firstPrice: number | null;
  /** An asset label, or a price label with a `:`/`=` or a price after it (for `no_prices`). */
  labelled: boolean;
}

const LABEL =
  /\b(ativo|ativa|papel|ticker|codigo|comprar|compra|entrada|buy|vender|venda|sell|alvos|alvo|target|tp|objetivo|stoploss|stop|sl)(?![a-z])/g;

const ASSET_WORDS = new Set(['ativo', 'ativa', 'papel', 'ticker', 'codigo']);
const BUY_WORDS = new Set(['compra', 'comprar', 'entrada', 'buy']);
const SELL_WORDS = new Set(['venda', 'vender', 'sell']);
const TARGET_WORDS = new Set(['alvos', 'alvo', 'target', 'tp', 'objetivo']);
// `Compra de`, `Compra entre`, `Compra min` (and its `max` twin) are buy labels too.
const ENTRY_QUALIFIERS = ['entre', 'de', 'minima', 'minimo', 'min', 'maxima', 'maximo', 'max'] as const;
const MAX_ASSET_LENGTH = 12;
// A post is read up to its 100th label: real posts carry a dozen, and the bound keeps a 16 KiB
// storm of labels as cheap as a normal post.
const MAX_LABELS = 100;

/** Marks a priced label starting at offset `at`. */
function priced(scan: LabelScan, at: number): void {
  scan.labelled = true;
  scan.firstPrice ??= at;
}

function readAsset(scan: LabelScan, lower: string, cased: string, after: number): number {
  let at = skipSeparator(lower, after);
  if (lower[at] === '#') at += 1;
  const token = tokenAt(cased, at);
  const value = token.length <= MAX_ASSET_LENGTH ? assetLabelValue(token) : null;
  if (value === null) return after;
  scan.labelled = true;
  scan.asset ??= value;
  return at + token.length;
}

function readEntry(scan: LabelScan, lower: string, cased: string, after: number, side: Side, start: number) {
  let at = skipSpaces(lower, after);
  const qualifier = wordAt(lower, at, ENTRY_QUALIFIERS);
  if (qualifier !== null) at += qualifier.length + (lower[at + qualifier.length] === '.' ? 1 : 0);
  if (colonFollows(lower, at)) scan.labelled = true;
  at = skipSeparator(lower, at, ':=-@');
  const between = wordAt(lower, at, ['entre', 'de']);
  if (between !== null) at = skipSpaces(lower, at + between.length);
  // `COMPRA WINZ25 @ 120500`: the ticker right after the buy word, then `@` introduces the price.
  const token = tokenAt(cased, at);
  if (token !== '' && isTickerToken(token)) at = skipSeparator(lower, at + token.length, '@');
  const range = readRange(lower, at);
  if (range === null) return after;
  priced(scan, start);
  scan.side ??= side;
  if (scan.side === side) scan.entries.push(...range.prices);
  return range.end;
}

function readStop(scan: LabelScan, lower: string, after: number, start: number): number {
  let at = after;
  if ((lower[at] === ' ' || lower[at] === '-') && wordAt(lower, at + 1, ['loss']) !== null) at += 5;
  const gain = skipSeparator(lower, at, '-');
  if (wordAt(lower, gain, ['gain']) !== null) return gain; // `Stop gain` is never a stop
  if (colonFollows(lower, at)) scan.labelled = true;
  const price = readPrice(lower, skipSeparator(lower, at));
  if (price === null) return after;
  priced(scan, start);
  scan.stop ??= price.value;
  return price.end;
}

export function scanLabels(lower: string, cased: string): LabelScan {
  const scan: LabelScan = {
    asset: null,
    side: null,
    entries: [],
    stop: null,
    numbered: new Map(),
    unnumbered: [],
    finalTarget: null,
    firstPrice: null,
    labelled: false,
  };
  LABEL.lastIndex = 0;
  let labels = 0;
  for (let match = LABEL.exec(lower); match !== null && labels < MAX_LABELS; match = LABEL.exec(lower)) {
    const word = match[1]!;
    const start = match.index;
    const after = start + word.length;
    // Only target labels take a number glued to them (`TP1`, `Alvo2`).
    if (isDigit(lower.charCodeAt(after)) && !TARGET_WORDS.has(word)) continue;
    labels++;
    let end = after;
    if (ASSET_WORDS.has(word)) end = readAsset(scan, lower, cased, after);
    else if (BUY_WORDS.has(word)) end = readEntry(scan, lower, cased, after, 'buy', start);
    else if (SELL_WORDS.has(word)) end = readEntry(scan, lower, cased, after, 'sell', start);
    else if (TARGET_WORDS.has(word)) {
      const read = readTarget(scan, lower, word, after);
      if (read.colon) scan.labelled = true;
      if (read.priced) priced(scan, start);
      end = read.end;
    } else end = readStop(scan, lower, after, start);
    LABEL.lastIndex = Math.max(end, after);
  }
  return scan;
}
