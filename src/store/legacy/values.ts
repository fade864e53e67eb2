/**
 * Pure helpers over legacy values: the signal identity, raw-message normalisation, digests, prices and
 * timestamps as the legacy stored them (any column type, read as text so that no SQL cast can fail).
 */
import { createHash } from 'node:crypto';

/** Telegram's launch: no post is older. Anything earlier is a unit mistake (seconds for ms) or junk. */
export const EARLIEST_POST_MS = Date.UTC(2013, 7, 1);
/** A post may be at most this far in the future of the run (clock skew), not more. */
export const FUTURE_SLACK_MS = 24 * 3600 * 1000;
export const IDENTITY_PREFIX = 'legacy:';
/** U+001F (unit separator) between the identity's parts: it appears in no channel, digit string or post. */
const SEPARATOR = '\u001f';

/** raw_message as the ingester stores it (SIGNAL-FORMAT.md: the original minus `\r`, trimmed). */
export function normaliseRaw(raw: string): string {
  return (raw.includes('\r') ? raw.replace(/\r/g, '') : raw).trim();
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/**
 * The message id of a legacy signal, whose Telegram message id the legacy never kept:
 * `legacy:` + the first 16 hex digits of sha256(channel ␟ ts ␟ normalised raw_message), ts being the
 * epoch-ms integer in decimal. Same post, same id, on every run and in SQL (docs/migrate-legacy.md).
 */
export function legacyIdentity(channel: string, tsMs: string, normalisedRaw: string): string {
  return `${IDENTITY_PREFIX}${sha256Hex([channel, tsMs, normalisedRaw].join(SEPARATOR)).slice(0, 16)}`;
}

const PRICE = /^\d+(\.\d+)?$/;

/**
 * A legacy price: null when absent (NULL or blank), undefined when it is not a non-negative decimal
 * (`1,50`, `N/A`, `NaN`, `-1`), else the decimal text without leading zeros — exactly what NUMERIC
 * gives back for it, so the verification can compare texts.
 */
export function canonicalPrice(text: string | null): string | null | undefined {
  if (text === null) return null;
  const t = text.trim();
  if (t === '') return null;
  if (!PRICE.test(t)) return undefined;
  return t.replace(/^0+(?=\d)/, '');
}

const DIGITS = /^\d+$/;
const NUMBER = /^\d+(\.\d+)?$/;
const HAS_ZONE = /(Z|[+-]\d{2}(:?\d{2})?)$/;

/** An epoch-ms integer text (the legacy `ts`), canonical (no leading zeros), or undefined. */
export function epochMsText(text: string): string | undefined {
  const t = text.trim();
  if (!DIGITS.test(t)) return undefined;
  return BigInt(t).toString();
}

/**
 * A time the legacy stored in any type, read as JSON text: an ISO timestamp (naive ones are UTC), or
 * a number of epoch milliseconds — or of seconds when it is below 10^11 (before 1973 in ms). Null when
 * it is none of these.
 */
export function parseLegacyTime(text: string | null): Date | null {
  if (text === null) return null;
  const t = text.trim();
  if (NUMBER.test(t)) {
    const n = Number(t);
    const date = new Date(Math.floor(n < 1e11 ? n * 1000 : n));
    return Number.isFinite(date.getTime()) ? date : null;
  }
  const ms = Date.parse(HAS_ZONE.test(t) ? t : `${t}Z`);
  return Number.isFinite(ms) ? new Date(ms) : null;
}

export function isPlausiblePostTime(ms: number, runStartedAt: Date): boolean {
  return ms >= EARLIEST_POST_MS && ms <= runStartedAt.getTime() + FUTURE_SLACK_MS;
}
