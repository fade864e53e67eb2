/**
 * Target labels (SIGNAL-FORMAT.md "Labels" and "Targets"): `Alvo N`, `Alvo N°`, `TP N`, `TPN`,
 * `Target N`; `N` is an index only when a price follows it (`Alvo 32` alone is a target at 32).
 * Unnumbered targets take the free indices from 1 once the whole post is read; `Alvo final`,
 * `Alvo geral`, `Objetivo`, `TP final` are the final target; `Alvos:` lists targets 1, 2, 3…
 */
import type { Target } from '../domain/parse-result.js';
import { isDigit, isWordChar, readNumber, readPrice, skipSpaces } from './numbers.js';
import { colonFollows, readList, skipSeparator, wordAt } from './values.js';

export interface TargetCollector {
  /** Numbered targets, index → price; the first written wins. */
  numbered: Map<number, number>;
  /** Prices of unnumbered targets, in order of appearance. */
  unnumbered: number[];
  finalTarget: number | null;
}

export interface TargetRead {
  end: number;
  priced: boolean;
  colon: boolean;
}

const MAX_INDEX_DIGITS = 2;

/** Whether nothing that would make `N` an index follows (end of line, or punctuation such as `(`). */
function standsAlone(s: string, i: number): boolean {
  const at = skipSpaces(s, i);
  const char = s[at];
  return char === undefined || !(isWordChar(s, at) || ':=%-'.includes(char));
}

function readUnnumbered(into: TargetCollector, s: string, at: number, after: number): TargetRead {
  const colon = colonFollows(s, after);
  const list = readList(s, skipSeparator(s, at));
  if (list === null) return { end: after, priced: false, colon };
  into.unnumbered.push(...list.prices);
  return { end: list.end, priced: true, colon };
}

function readFinal(into: TargetCollector, s: string, at: number): TargetRead {
  const colon = colonFollows(s, at);
  const price = readPrice(s, skipSeparator(s, at));
  if (price === null) return { end: at, priced: false, colon };
  into.finalTarget ??= price.value;
  return { end: price.end, priced: true, colon };
}

/** Reads the value of the target label `word` that ends at `after`. */
export function readTarget(into: TargetCollector, s: string, word: string, after: number): TargetRead {
  if (word === 'objetivo') {
    const final = wordAt(s, skipSpaces(s, after), ['final']);
    return readFinal(into, s, final === null ? after : skipSpaces(s, after) + final.length);
  }
  if (word === 'alvos') return readUnnumbered(into, s, after, after);
  let at = skipSpaces(s, after);
  const final = wordAt(s, at, ['final', 'geral']);
  if (final !== null) return readFinal(into, s, at + final.length);
  // `Alvo nº 1` folds to `alvo no 1`.
  const marker = wordAt(s, at, ['no', 'n']);
  if (marker !== null) {
    const digit = skipSpaces(s, at + marker.length + (s[at + marker.length] === '.' ? 1 : 0));
    if (isDigit(s.charCodeAt(digit))) at = digit;
  }
  if (!isDigit(s.charCodeAt(at))) return readUnnumbered(into, s, after, after);
  const token = readNumber(s, at);
  const digits = s.slice(at, token.end);
  if (!/^[0-9]+$/.test(digits) || digits.length > MAX_INDEX_DIGITS) {
    return readUnnumbered(into, s, at, after);
  }
  let end = token.end;
  // `1º`/`1ª` fold to `1o`/`1a`; `1°` became a space.
  const ordinal = (s[end] === 'o' || s[end] === 'a') && !isWordChar(s, end + 1);
  if (ordinal) end += 1;
  const colon = colonFollows(s, end);
  const price = readPrice(s, skipSeparator(s, end));
  const index = token.value!;
  if (price !== null) {
    // `Alvo 0: 1,20` names no target: there is no target 0.
    if (index === 0) return { end: price.end, priced: false, colon };
    if (!into.numbered.has(index)) into.numbered.set(index, price.value);
    return { end: price.end, priced: true, colon };
  }
  if (!ordinal && standsAlone(s, token.end)) return readUnnumbered(into, s, at, after);
  return { end, priced: false, colon };
}

/** Numbered targets plus the unnumbered ones placed at the free indices from 1, ordered by index. */
export function collectTargets(from: TargetCollector): Target[] {
  const byIndex = new Map(from.numbered);
  let next = 1;
  for (const price of from.unnumbered) {
    while (byIndex.has(next)) next++;
    byIndex.set(next, price);
  }
  return [...byIndex.entries()].sort((a, b) => a[0] - b[0]).map(([index, price]) => ({ index, price }));
}
