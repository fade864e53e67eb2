/**
 * Text that may travel to PostgreSQL. A `text` column cannot hold U+0000, and a lone UTF-16 surrogate
 * would be silently replaced on the way in, so what we parse would differ from what we store.
 */

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding U+0000 is the point
const NUL = /\u0000/g;

export const EXCERPT_CHARS = 512;

export function hasNul(text: string): boolean {
  return text.includes('\u0000');
}

/** Replaces lone surrogates with U+FFFD (what the database would store anyway). */
export function wellFormed(text: string): string {
  return text.replace(LONE_SURROGATE, '\uFFFD');
}

/** A bounded, storable excerpt of untrusted input for the inbox and the logs. */
export function excerptOf(raw: string, max = EXCERPT_CHARS): string {
  const cut = raw.length > max ? `${raw.slice(0, max)}…` : raw;
  return wellFormed(cut).replace(NUL, '\uFFFD');
}

/** UTF-8 length without allocating a buffer. */
export function utf8Bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}
