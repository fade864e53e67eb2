/**
 * What follows a label: an optional separator (`:` `=` `-` or just spaces), then a price, a range of
 * prices (SIGNAL-FORMAT.md "Ranges") or a list of prices (`Alvos: 1,2 / 1,5 / 2,0`).
 */
import { isWordChar, readPrice, skipSpaces } from './numbers.js';

/** The word of `words` standing at `i` (not followed by a letter or digit), or null. */
export function wordAt(s: string, i: number, words: readonly string[]): string | null {
  for (const word of words) {
    if (s.startsWith(word, i) && !isWordChar(s, i + word.length)) return word;
  }
  return null;
}

/** Skips spaces, at most one separator among `separators`, and spaces again. */
export function skipSeparator(s: string, i: number, separators = ':=-'): number {
  const at = skipSpaces(s, i);
  const char = s[at];
  return char !== undefined && separators.includes(char) ? skipSpaces(s, at + 1) : at;
}

/** Whether a separator that announces a value (`:` or `=`) follows `i`. */
export function colonFollows(s: string, i: number): boolean {
  const char = s[skipSpaces(s, i)];
  return char === ':' || char === '=';
}

export interface Prices {
  prices: number[];
  end: number;
}

const RANGE_WORDS = ['ate', 'a', 'e'] as const;
const LIST_WORDS = ['e'] as const;

// `0,82 até 14/11` ends the range before the date: a day/month after a word joiner is no price.
const DATE_AHEAD = /^[0-9]{1,2}\/[0-9]{1,2}(?![0-9]|[.,][0-9])/;

// Real ranges and lists hold a handful of prices; the bound keeps a 16 KiB chain cheap.
const MAX_PRICES = 20;

/**
 * Reads prices joined by `joiners` (single characters) or `words`: `1,04 a 1,06`, `1,04 – 1,06`
 * (dashes were folded to `-`), `1,04 / 1,06`, `entre 1,04 e 1,06`, `1,2; 1,5; 2,0`, `1,2, 1,5`.
 */
function readJoined(s: string, i: number, joiners: string, words: readonly string[]): Prices | null {
  const first = readPrice(s, i);
  if (first === null) return null;
  const prices = [first.value];
  let end = first.end;
  while (prices.length < MAX_PRICES) {
    let at = skipSpaces(s, end);
    const char = s[at];
    if (char !== undefined && joiners.includes(char)) at += 1;
    else {
      const word = wordAt(s, at, words);
      if (word === null) break;
      at = skipSpaces(s, at + word.length);
      if ((s[at + 1] === '/' || s[at + 2] === '/') && DATE_AHEAD.test(s.slice(at, at + 6))) break;
    }
    const next = readPrice(s, skipSpaces(s, at));
    if (next === null) break;
    prices.push(next.value);
    end = next.end;
  }
  return { prices, end };
}

/** A price or a range of prices (every price written, in order). */
export function readRange(s: string, i: number): Prices | null {
  return readJoined(s, i, '-/~', RANGE_WORDS);
}

/** A price or a list of prices. */
export function readList(s: string, i: number): Prices | null {
  return readJoined(s, i, '/;,-|', LIST_WORDS);
}
