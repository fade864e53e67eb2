/**
 * Text folding for keyword matching (SIGNAL-FORMAT.md "Normalisation"). The parser reads two parallel
 * views of the post, of identical length: `cased` (accents and decorations gone, case kept — tickers
 * are recognised by their capitals) and `lower` (the same, lower-cased — keywords are matched there).
 * Lines stay joined by `\n`: every reader stops at `\n` as at the end of a line, and one regex pass
 * over the whole post is far cheaper than one per line.
 */
import { MAX_MESSAGE_BYTES } from '../domain/parse-result.js';

/** Two views of the folded post, position for position; lines are joined by `\n`. */
export interface FoldedText {
  cased: string;
  lower: string;
}

// Each code point after NFKD (which also folds the "fancy" letters of Telegram posts — 𝗔𝗧𝗜𝗩𝗢, ＰＥＴＲ４,
// ª/º — to plain ASCII) falls in one class. One pass over the text applies them; a chain of regex
// replacements did the same at ten times the cost on accented text.
const UNKNOWN = 0;
const KEEP = 1;
/** Combining marks (the accents NFKD split off) and `\r`. */
const DROP = 2;
/** Decoration: emojis, symbols, bullets, invisible format and control characters, lone surrogates. */
const SPACE = 3;
/** Every dash and the minus sign become `-`. */
const DASH = 4;
const NEWLINE = 5;

const MARK = /\p{M}/u;
const DASH_CHAR = /[\p{Pd}\u2212]/u;
const BULLET = /[\u00b7\u2022\u2023\u2043\u25e6\u2219]/u;
const LINE_BREAK = /[\n\v\f\u0085\u2028\u2029]/u;
const KEPT = /[\p{L}\p{N}\p{P}]/u;

function classify(cp: number): number {
  if (cp === 0x0d) return DROP;
  const char = String.fromCodePoint(cp);
  if (MARK.test(char)) return DROP;
  if (DASH_CHAR.test(char)) return DASH;
  if (BULLET.test(char)) return SPACE;
  if (LINE_BREAK.test(char)) return NEWLINE;
  if (cp === 0x20) return SPACE;
  return KEPT.test(char) || (cp > 0x20 && cp < 0x7f) ? KEEP : SPACE;
}

const ASCII_CLASSES = Uint8Array.from({ length: 0x80 }, (_, cp) => classify(cp));
let otherClasses: Uint8Array | null = null;

function classOf(cp: number): number {
  if (cp < 0x80) return ASCII_CLASSES[cp]!;
  otherClasses ??= new Uint8Array(0x110000);
  let found = otherClasses[cp]!;
  if (found === UNKNOWN) {
    found = classify(cp);
    otherClasses[cp] = found;
  }
  return found;
}

// Scratch buffer for one fold, reused: the parser is synchronous, and allocating a typed array on
// every call made the garbage collector the biggest cost of a short post.
let scratch = new Uint16Array(1024);

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const UTF16 = LITTLE_ENDIAN ? new TextDecoder('utf-16le') : null;
const CHUNK = 8192;

function decode(units: Uint16Array): string {
  if (UTF16 !== null) return UTF16.decode(units);
  let text = '';
  for (let from = 0; from < units.length; from += CHUNK) {
    text += String.fromCharCode.apply(null, units.subarray(from, from + CHUNK) as unknown as number[]);
  }
  return text;
}

/**
 * Folds `text` in one pass over its NFKD form into trimmed, non-empty lines with single spaces,
 * joined by `\n`, case kept.
 */
function foldJoined(text: string): string {
  const s = text.normalize('NFKD');
  const n = s.length;
  // Output is never longer than the input: every kept unit replaces one, spaces collapse.
  if (scratch.length < n) scratch = new Uint16Array(Math.max(n, scratch.length * 2));
  const out = scratch;
  let k = 0;
  let lineStart = 0;
  let pendingSpace = false;
  for (let i = 0; i < n; i++) {
    const unit = s.charCodeAt(i);
    if (unit > 0x20 && unit < 0x7f) {
      // Printable ASCII, the bulk of any post.
      if (pendingSpace) out[k++] = 32;
      pendingSpace = false;
      out[k++] = unit;
      continue;
    }
    let kind: number;
    let width = 1;
    if (unit < 0x80) kind = ASCII_CLASSES[unit]!;
    else if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < n && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      kind = classOf(0x10000 + ((unit - 0xd800) << 10) + (s.charCodeAt(i + 1) - 0xdc00));
      width = 2;
    } else kind = classOf(unit);
    if (kind === KEEP || kind === DASH) {
      if (pendingSpace) out[k++] = 32;
      pendingSpace = false;
      if (kind === DASH) out[k++] = 45;
      else {
        out[k++] = unit;
        if (width === 2) out[k++] = s.charCodeAt(i + 1);
      }
    } else if (kind === SPACE) pendingSpace = k > lineStart;
    else if (kind === NEWLINE) {
      if (k > lineStart) {
        out[k++] = 10;
        lineStart = k;
      }
      pendingSpace = false;
    }
    i += width - 1;
  }
  if (k > 0 && out[k - 1] === 10) k--;
  return k === 0 ? '' : decode(out.subarray(0, k));
}

export function foldText(text: string): FoldedText {
  const cased = foldJoined(text);
  // Lower-casing never changes the length of NFKD-folded, mark-free text (checked over every code
  // point in the tests), so positions found in `lower` index `cased` too.
  return { cased, lower: cased.toLowerCase() };
}

/**
 * The keyword-matching normalisation: case and accents folded, emojis/bullets/decoration dropped,
 * dashes unified to `-`, spaces collapsed, blank lines removed. Idempotent.
 */
export function normalizeText(text: string): string {
  return foldJoined(text).toLowerCase();
}

/** `raw_message`: the original text minus `\r`, trimmed. */
export function rawMessage(text: string): string {
  return (text.includes('\r') ? text.replace(/\r/g, '') : text).trim();
}

// Room for one byte past the limit: encodeInto stops at the first character that does not fit.
const ENCODED = new Uint8Array(MAX_MESSAGE_BYTES + 4);
const UTF8 = new TextEncoder();

/**
 * Whether `text` is longer than `limit` bytes in UTF-8 (a lone surrogate counts as U+FFFD, three
 * bytes), checked before any other work: a UTF-16 unit takes one to three bytes, so most texts are
 * decided by their length alone, the rest by one native encodeInto into a fixed buffer.
 */
export function exceedsMaxBytes(text: string, limit: number = MAX_MESSAGE_BYTES): boolean {
  if (text.length > limit) return true;
  if (text.length * 3 <= limit) return false;
  const buffer = limit + 4 <= ENCODED.length ? ENCODED.subarray(0, limit + 1) : new Uint8Array(limit + 1);
  const { read, written } = UTF8.encodeInto(text, buffer);
  return read < text.length || written > limit;
}
