/**
 * A legacy signal row judged: a `__checkpoint__` pseudo-row, a bad row with the reason it cannot be a
 * signal, or a signal with its identity and the rank that decides which of its duplicates is kept.
 */
import type { LegacyRow, SignalColumn } from './legacy-source.js';
import {
  canonicalPrice,
  epochMsText,
  isPlausiblePostTime,
  legacyIdentity,
  normaliseRaw,
  parseLegacyTime,
  sha256Hex,
} from './values.js';

export const CHECKPOINT_ASSET = '__checkpoint__';
export const PRICE_COLUMNS = ['buy_min', 'buy_max', 'target_1', 'target_2', 'target_final', 'stop'] as const;
export type PriceColumn = (typeof PRICE_COLUMNS)[number];
export type Prices = Record<PriceColumn, string | null>;

/** Checked in this order; a row is skipped for the first that applies. */
export const SIGNAL_SKIP_REASONS = [
  'channel_missing',
  'asset_missing',
  'raw_message_missing',
  'ts_missing',
  'ts_invalid',
  'ts_out_of_range',
  'signal_type_missing',
  'price_invalid',
] as const;
export type SignalSkipReason = (typeof SIGNAL_SKIP_REASONS)[number];

/** Which duplicate wins: the later stamp, then the more complete row; a tie keeps the one read first. */
export interface Rank {
  stampMs: number;
  completeness: number;
}

export interface LegacySignal {
  legacyId: string;
  identity: string;
  channel: string;
  ts: Date;
  asset: string;
  signalType: string;
  prices: Prices;
  rawMessage: string;
  rawDigest: string;
  source: string;
  ingestedAt: Date;
  createdAt: Date;
  /** updated_at, else ingested_at, else created_at, else ts: the row's last word. */
  stamp: Date;
  rank: Rank;
}

export type ClassifiedSignal =
  | { kind: 'checkpoint' }
  | { kind: 'skipped'; reason: SignalSkipReason }
  | { kind: 'signal'; signal: LegacySignal };

const blank = (v: string | null): v is null => v === null || v.trim() === '';

export function completeness(prices: Prices): number {
  return PRICE_COLUMNS.reduce((n, c) => n + (prices[c] === null ? 0 : 1), 0);
}

export function outranks(a: Rank, b: Rank): boolean {
  return a.stampMs !== b.stampMs ? a.stampMs > b.stampMs : a.completeness > b.completeness;
}

/** The source of a legacy row where it names none. */
export const DEFAULT_LEGACY_SOURCE = 'legacy';

export function classifySignal(row: LegacyRow<SignalColumn>, runStartedAt: Date): ClassifiedSignal {
  if (row.asset?.trim() === CHECKPOINT_ASSET) return { kind: 'checkpoint' };
  if (blank(row.channel)) return { kind: 'skipped', reason: 'channel_missing' };
  if (blank(row.asset)) return { kind: 'skipped', reason: 'asset_missing' };
  if (blank(row.raw_message)) return { kind: 'skipped', reason: 'raw_message_missing' };
  if (row.ts === null) return { kind: 'skipped', reason: 'ts_missing' };
  const tsMs = epochMsText(row.ts);
  if (tsMs === undefined) return { kind: 'skipped', reason: 'ts_invalid' };
  const ts = new Date(Number(tsMs));
  if (!isPlausiblePostTime(ts.getTime(), runStartedAt)) return { kind: 'skipped', reason: 'ts_out_of_range' };
  if (blank(row.signal_type)) return { kind: 'skipped', reason: 'signal_type_missing' };
  const prices = {} as Prices;
  for (const column of PRICE_COLUMNS) {
    const price = canonicalPrice(row[column]);
    if (price === undefined) return { kind: 'skipped', reason: 'price_invalid' };
    prices[column] = price;
  }
  const rawMessage = normaliseRaw(row.raw_message);
  const ingested = parseLegacyTime(row.ingested_at);
  const created = parseLegacyTime(row.created_at);
  const updated = parseLegacyTime(row.updated_at);
  const stamp = updated ?? ingested ?? created ?? ts;
  return {
    kind: 'signal',
    signal: {
      legacyId: row.id ?? '',
      identity: legacyIdentity(row.channel, tsMs, rawMessage),
      channel: row.channel,
      ts,
      asset: row.asset.trim(),
      signalType: row.signal_type.trim(),
      prices,
      rawMessage,
      rawDigest: sha256Hex(rawMessage),
      source: blank(row.source) ? DEFAULT_LEGACY_SOURCE : row.source,
      ingestedAt: ingested ?? created ?? ts,
      createdAt: created ?? ingested ?? ts,
      stamp,
      rank: { stampMs: stamp.getTime(), completeness: completeness(prices) },
    },
  };
}

/** The key under which the verification compares what the legacy says with what was stored. */
export function fieldsKey(asset: string, signalType: string, prices: Prices): string {
  return [asset, signalType, ...PRICE_COLUMNS.map((c) => prices[c] ?? '∅')].join('|');
}
