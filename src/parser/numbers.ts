/**
 * Numbers as the channel writes them (SIGNAL-FORMAT.md "Numbers"): Brazilian `1.250,50` and English
 * `25.50`, `R$` prefixes, percentages that are never prices. Values come from Number() over a
 * normalised decimal string, so `1,04` is exactly the double nearest 1.04 (no arithmetic, no rounding).
 */

export interface NumberToken {
  /** null when the text is number-shaped but not a valid number (`1,2,3`, `1.25.5`). */
  value: number | null;
  end: number;
}

export function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

/** A letter or digit of any script: what a word is made of. */
export function isWordChar(s: string, i: number): boolean {
  if (i < 0 || i >= s.length) return false;
  const code = s.charCodeAt(i);
  if (code < 0x80) return isDigit(code) || (code >= 97 && code <= 122) || (code >= 65 && code <= 90);
  return /[\p{L}\p{N}]/u.test(s[i]!);
}

function finite(text: string): number | null {
  const value = Number(text);
  return Number.isFinite(value) ? value : null;
}

/**
 * Reads the number-shaped token starting at `start` (which must be a digit): digit groups joined by
 * single `.` or `,`. A separator not followed by a digit (`1,2, 1,5`, `0,55.`) ends the token. One
 * pass, no allocation but the final string: long price lists must stay cheap.
 *
 * Dots only: `120.500`, `1.250.000` are thousands (`.` + exactly three digits, integer part not 0);
 * `25.50`, `0.125`, `1.2345` are decimals. One comma: the decimal comma (`1,04`, `1,250` = 1.25).
 * Both: the last separator is the decimal one and the others group thousands (`1.250,50`; `1,250.50`
 * the English way). Anything else (`1,2,3`, `1.25.5`) is number-shaped but no number.
 */
export function readNumber(s: string, start: number): NumberToken {
  let i = start;
  while (i < s.length && isDigit(s.charCodeAt(i))) i++;
  const integerEnd = i;
  let seps = 0;
  let commas = 0;
  let changes = 0; // times the separator kind changed (`.` → `,` or back)
  let last = '';
  let lastAt = -1;
  let middleGroupsOfThree = true; // every group between two separators has three digits
  while (i + 1 < s.length && (s[i] === '.' || s[i] === ',') && isDigit(s.charCodeAt(i + 1))) {
    const sep = s[i]!;
    if (seps > 0) {
      if (sep !== last) changes++;
      if (i - lastAt - 1 !== 3) middleGroupsOfThree = false;
    }
    last = sep;
    lastAt = i;
    seps++;
    if (sep === ',') commas++;
    i++;
    while (i < s.length && isDigit(s.charCodeAt(i))) i++;
  }
  const end = i;
  if (seps === 0) return { value: finite(s.slice(start, end)), end };
  const lastGroup = end - lastAt - 1;
  const fraction = s.slice(lastAt + 1, end);
  let value: number | null = null;
  if (commas === 0) {
    const integerIsZero = !/[1-9]/.test(s.slice(start, integerEnd));
    if (seps === 1 && (lastGroup !== 3 || integerIsZero)) value = finite(s.slice(start, end));
    else if (middleGroupsOfThree && lastGroup === 3) value = finite(s.slice(start, end).replace(/\./g, ''));
  } else if (seps === 1) {
    value = finite(`${s.slice(start, integerEnd)}.${fraction}`);
  } else if (changes === 1 && (last === ',' ? commas === 1 : commas === seps - 1) && middleGroupsOfThree) {
    // Only the last separator differs: thousands separators, then the decimal one.
    value = finite(`${s.slice(start, lastAt).replace(/[.,]/g, '')}.${fraction}`);
  }
  return { value, end };
}

export function skipSpaces(s: string, i: number): number {
  while (s[i] === ' ') i++;
  return i;
}

/** Whether a `%` follows position `i` (spaces allowed): the number before it is a percentage. */
export function percentFollows(s: string, i: number): boolean {
  return s[skipSpaces(s, i)] === '%';
}

export interface PriceToken {
  value: number;
  start: number;
  end: number;
}

/**
 * Reads a price at `i` in a lower-cased line: an optional `r$`, then a valid number that does not run
 * into a letter or digit and is not a percentage. Returns null otherwise.
 */
export function readPrice(s: string, i: number): PriceToken | null {
  let at = i;
  if (s.startsWith('r$', at)) at = skipSpaces(s, at + 2);
  if (!isDigit(s.charCodeAt(at)) || isWordChar(s, at - 1)) return null;
  const token = readNumber(s, at);
  if (token.value === null || isWordChar(s, token.end) || percentFollows(s, token.end)) return null;
  return { value: token.value, start: at, end: token.end };
}

/**
 * The first percentage of the text (`+17,02%`, `-25%`, `8%`), signed, or null. Found from each `%`
 * backwards, so text without `%` costs one indexOf.
 */
export function firstPercentage(text: string): number | null {
  for (let pct = text.indexOf('%'); pct >= 0; pct = text.indexOf('%', pct + 1)) {
    let end = pct;
    while (text[end - 1] === ' ') end--;
    let start = end;
    while (
      start > 0 &&
      (isDigit(text.charCodeAt(start - 1)) || text[start - 1] === '.' || text[start - 1] === ',')
    ) {
      start--;
    }
    while (start < end && !isDigit(text.charCodeAt(start))) start++;
    if (start === end || isWordChar(text, start - 1)) continue;
    const token = readNumber(text, start);
    if (token.value === null || token.end !== end) continue;
    const negative = text[start - 1] === '-' && !isWordChar(text, start - 2) && token.value !== 0;
    return negative ? -token.value : token.value;
  }
  return null;
}
