/**
 * What PostgreSQL cannot store as text: NUL, and lone UTF-16 surrogates (JSON transport escapes them
 * as `\uD800`, which jsonb rejects). Both become U+FFFD so that a hostile message is kept, not fatal
 * to its batch. Hashes are computed before this, over what was received.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching NUL is the point
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function storableText(value: string): string {
  return value.replace(UNSTORABLE, '\uFFFD');
}

export function storableTextOrNull(value: string | null): string | null {
  return value === null ? null : storableText(value);
}

// PostgreSQL's timestamptz spans 4713 BC .. 294276 AD; JS dates go further. Keep to years 1..9999.
const FIRST_MS = -62_135_596_800_000; // 0001-01-01T00:00:00Z
const LAST_MS = 253_402_300_799_999; // 9999-12-31T23:59:59.999Z

export function isStorableDate(date: Date | null | undefined): date is Date {
  if (!(date instanceof Date)) return false;
  const ms = date.getTime();
  return Number.isFinite(ms) && ms >= FIRST_MS && ms <= LAST_MS;
}
