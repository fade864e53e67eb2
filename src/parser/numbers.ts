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

function allThreeDigits(groups: string[], from: number, to: number): boolean {
  for (let g = from; g < to; g++) if (groups[g]!.length !== 3) return false;
  return true;
}

function toNumber(integer: string, fraction: string): number | null {
  const value = Number(fraction === '' ? integer : `${integer}.${fraction}`);
  return Number.isFinite(value) ? value : null;
}

/** Interprets digit groups and the separators between them (`.` or `,`). */
function interpret(groups: string[], seps: string[]): number | null {
  const first = groups[0]!;
  if (seps.length === 0) return toNumber(first, '');
  const last = seps.length - 1;
  const commas = seps.filter((s) => s === ',').length;
  if (commas === 0) {
    // Dots only: `120.500` and `1.250.000` are thousands; `25.50`, `0.125` and `1.2345` are decimals.
    if (seps.length === 1) {
      const fraction = groups[1]!;
      if (fraction.length === 3 && Number(first) !== 0) return toNumber(first + fraction, '');
      return toNumber(first, fraction);
    }
    return allThreeDigits(groups, 1, groups.length) ? toNumber(groups.join(''), '') : null;
  }
  if (seps[last] === ',') {
    // `1,04`, `1,250` (the comma before digits is always decimal), `1.250,50` (dots group thousands).
    if (commas !== 1 || !allThreeDigits(groups, 1, last + 1)) return null;
    return toNumber(groups.slice(0, last + 1).join(''), groups[last + 1]!);
  }
  // `1,250.50`: commas grouping thousands before a decimal point, the English way.
  if (seps.slice(0, last).some((s) => s !== ',') || !allThreeDigits(groups, 1, last + 1)) return null;
  return toNumber(groups.slice(0, last + 1).join(''), groups[last + 1]!);
}

/**
 * Reads the number-shaped token starting at `start` (which must be a digit): digit groups joined by
 * single `.` or `,`. A separator not followed by a digit (`1,2, 1,5`, `0,55.`) ends the token.
 */
export function readNumber(s: string, start: number): NumberToken {
  const groups: string[] = [];
  const seps: string[] = [];
  let i = start;
  while (i < s.length && isDigit(s.charCodeAt(i))) i++;
  groups.push(s.slice(start, i));
  while (i + 1 < s.length && (s[i] === '.' || s[i] === ',') && isDigit(s.charCodeAt(i + 1))) {
    seps.push(s[i]!);
    const from = ++i;
    while (i < s.length && isDigit(s.charCodeAt(i))) i++;
    groups.push(s.slice(from, i));
  }
  return { value: interpret(groups, seps), end: i };
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

/** The first percentage of the lines (`+17,02%`, `-25%`, `8%`), signed, or null. */
export function firstPercentage(lines: readonly string[]): number | null {
  for (const line of lines) {
    for (let i = 0; i < line.length; i++) {
      if (!isDigit(line.charCodeAt(i)) || isWordChar(line, i - 1)) continue;
      const token = readNumber(line, i);
      if (token.value !== null && percentFollows(line, token.end)) {
        const sign = line[i - 1];
        const signed = (sign === '-' || sign === '+') && !isWordChar(line, i - 2);
        return signed && sign === '-' && token.value !== 0 ? -token.value : token.value;
      }
      i = token.end;
    }
  }
  return null;
}
