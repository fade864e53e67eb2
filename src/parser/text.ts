/**
 * Text folding for keyword matching (SIGNAL-FORMAT.md "Normalisation"). The parser reads two parallel
 * views of every line, of identical length: `cased` (accents and decorations gone, case kept — tickers
 * are recognised by their capitals) and `lower` (the same, lower-cased — keywords are matched there).
 */
import { MAX_MESSAGE_BYTES } from '../domain/parse-result.js';

export interface FoldedText {
  cased: string[];
  lower: string[];
}

// NFKD also folds the "fancy" letters of Telegram posts (𝗔𝗧𝗜𝗩𝗢, ＰＥＴＲ４, ª/º) to plain ASCII.
const MARKS = /\p{M}+/gu;
const DASHES = /[\p{Pd}\u2212]/gu;
const BULLETS = /[\u00b7\u2022\u2023\u2043\u25e6\u2219]/g;
const LINE_BREAKS = /[\v\f\u0085\u2028\u2029]/g;
// Anything that is not a letter, a number, punctuation, printable ASCII or a newline is decoration
// (emojis, symbols, invisible format characters, control characters, lone surrogates).
const DECORATION = /[^\p{L}\p{N}\p{P}\n -~]/gu;
const SPACES = / {2,}/g;

/** Folds `text` into trimmed, non-empty lines with case kept. */
function foldCased(text: string): string[] {
  const folded = text
    .replace(/\r/g, '')
    .normalize('NFKD')
    .replace(MARKS, '')
    .replace(DASHES, '-')
    .replace(BULLETS, ' ')
    .replace(LINE_BREAKS, '\n')
    .replace(DECORATION, ' ')
    .replace(SPACES, ' ');
  const lines: string[] = [];
  for (const line of folded.split('\n')) {
    const trimmed = line.trim();
    if (trimmed !== '') lines.push(trimmed);
  }
  return lines;
}

export function foldText(text: string): FoldedText {
  const cased = foldCased(text);
  // Lower-casing never changes the length of NFKD-folded, mark-free text (checked over every code
  // point in the tests), so positions found in `lower` index `cased` too.
  return { cased, lower: cased.map((line) => line.toLowerCase()) };
}

/**
 * The keyword-matching normalisation: case and accents folded, emojis/bullets/decoration dropped,
 * dashes unified to `-`, spaces collapsed, blank lines removed. Idempotent.
 */
export function normalizeText(text: string): string {
  return foldCased(text)
    .map((line) => line.toLowerCase())
    .join('\n');
}

/** `raw_message`: the original text minus `\r`, trimmed. */
export function rawMessage(text: string): string {
  return (text.includes('\r') ? text.replace(/\r/g, '') : text).trim();
}

/**
 * Whether `text` is longer than MAX_MESSAGE_BYTES in UTF-8, without encoding it: a UTF-16 code unit
 * takes at least one byte and at most three (a surrogate pair, two units, takes four; a lone surrogate
 * is encoded as U+FFFD, three bytes), so most answers need no loop at all.
 */
export function exceedsMaxBytes(text: string, limit: number = MAX_MESSAGE_BYTES): boolean {
  if (text.length > limit) return true;
  if (text.length * 3 <= limit) return false;
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i++;
      } else bytes += 3;
    } else bytes += 3;
    if (bytes > limit) return true;
  }
  return false;
}
