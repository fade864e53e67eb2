/**
 * A legacy forwarded message judged: skipped with a reason, or the inbox version it becomes. A version
 * is what the ingester calls one — (channel, message id, Telegram date, sha256 of kind + content) — so
 * that a message the new ingester has already stored is recognised, not copied twice.
 */
import { contentHash, MAX_STORED_CONTENT_CHARS } from '../ingest/entries.js';
import type { LegacyRow, MessageColumn } from './legacy-source.js';
import { isPlausiblePostTime, parseLegacyTime } from './values.js';

export const MESSAGE_SKIP_REASONS = [
  'channel_id_missing',
  'message_id_missing',
  'original_timestamp_missing',
  'original_timestamp_invalid',
  'beyond_inbox_retention',
] as const;
export type MessageSkipReason = (typeof MESSAGE_SKIP_REASONS)[number];

export interface LegacyMessage {
  channelId: string;
  messageId: string;
  telegramDate: Date;
  receivedAt: Date | null;
  /** The text as the legacy kept it (null: a post without text, e.g. photos only). */
  text: string | null;
  /** What the inbox stores: the text, cut like the ingester cuts it. */
  content: string | null;
  contentHash: string;
  hasPhotos: boolean;
  /** channel ␟ message id ␟ date ms ␟ content hash: the inbox's unique key as one string. */
  versionKey: string;
}

export type ClassifiedMessage =
  | { kind: 'skipped'; reason: MessageSkipReason }
  | { kind: 'message'; message: LegacyMessage };

const blank = (v: string | null): v is null => v === null || v.trim() === '';
const NO_PHOTOS = new Set(['', '[]', '{}', 'null']);

export function versionKey(channelId: string, messageId: string, dateMs: number, hash: string): string {
  return [channelId, messageId, String(dateMs), hash].join('\u001f');
}

export function classifyMessage(
  row: LegacyRow<MessageColumn>,
  context: { runStartedAt: Date; retentionCutoff: Date | null },
): ClassifiedMessage {
  if (blank(row.channel_id)) return { kind: 'skipped', reason: 'channel_id_missing' };
  if (blank(row.message_id)) return { kind: 'skipped', reason: 'message_id_missing' };
  if (row.original_timestamp === null) return { kind: 'skipped', reason: 'original_timestamp_missing' };
  const date = parseLegacyTime(row.original_timestamp);
  if (date === null || !isPlausiblePostTime(date.getTime(), context.runStartedAt)) {
    return { kind: 'skipped', reason: 'original_timestamp_invalid' };
  }
  if (context.retentionCutoff !== null && date < context.retentionCutoff) {
    return { kind: 'skipped', reason: 'beyond_inbox_retention' };
  }
  const channelId = row.channel_id.trim();
  const messageId = row.message_id.trim();
  const text = row.message_text;
  const hash = contentHash('message', text);
  return {
    kind: 'message',
    message: {
      channelId,
      messageId,
      telegramDate: date,
      receivedAt: parseLegacyTime(row.received_at),
      text,
      content:
        text !== null && text.length > MAX_STORED_CONTENT_CHARS
          ? text.slice(0, MAX_STORED_CONTENT_CHARS)
          : text,
      contentHash: hash,
      hasPhotos: row.photos !== null && !NO_PHOTOS.has(row.photos.trim()),
      versionKey: versionKey(channelId, messageId, date.getTime(), hash),
    },
  };
}
