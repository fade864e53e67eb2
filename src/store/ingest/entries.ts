/**
 * IngestItems → the inbox versions they are. A version is (channel, message id, Telegram date,
 * sha256 of kind + content): "every message once per version". Text is made storable here, dates that
 * PostgreSQL cannot hold turn the item into a rejection, and a rejection without a message id is not
 * stored at all (it is only reported).
 */
import { createHash } from 'node:crypto';
import type { MessageEventKind } from '../../domain/gateway-message.js';
import type { IngestItem } from '../../domain/ingest.js';
import type { ParseResult } from '../../domain/parse-result.js';
import { isStorableDate, storableText } from '../text.js';

/** Longer contents are kept truncated (the hash covers all of it); the parser ignores them anyway. */
export const MAX_STORED_CONTENT_CHARS = 65_536;
const EPOCH = new Date(0);

export interface Version {
  channelId: string;
  messageId: string;
  telegramDate: Date;
  contentHash: string;
  /** One string for the whole key, for maps. */
  key: string;
  /** The message regardless of version, for "is there a newer version of this message?". */
  messageKey: string;
}

interface Common {
  index: number;
  reportChannelId: string | null;
  reportMessageId: string | null;
}

export type Entry =
  | (Common & { type: 'unstored' })
  | (Common & {
      type: 'rejected';
      version: Version;
      kind: MessageEventKind;
      content: string | null;
      receivedAt: Date | null;
      reason: string;
    })
  | (Common & {
      type: 'parsed';
      version: Version;
      kind: MessageEventKind;
      content: string | null;
      receivedAt: Date | null;
      result: ParseResult;
    });

export function contentHash(kind: MessageEventKind, content: string | null): string {
  return createHash('sha256')
    .update(JSON.stringify([kind, content]))
    .digest('hex');
}

function version(channelId: string, messageId: string, telegramDate: Date, hash: string): Version {
  const messageKey = `${channelId}\u0001${messageId}\u0001${telegramDate.getTime()}`;
  return {
    channelId,
    messageId,
    telegramDate,
    contentHash: hash,
    messageKey,
    key: `${messageKey}\u0001${hash}`,
  };
}

function storedContent(content: string | null): string | null {
  if (content === null) return null;
  return storableText(
    content.length > MAX_STORED_CONTENT_CHARS ? content.slice(0, MAX_STORED_CONTENT_CHARS) : content,
  );
}

export function toEntry(item: IngestItem, index: number): Entry {
  if (item.kind === 'rejected') {
    const d = item.delivery;
    const common = { index, reportChannelId: d.channelId, reportMessageId: d.messageId };
    if (d.messageId === null) return { ...common, type: 'unstored' };
    const date = isStorableDate(d.telegramDate) ? d.telegramDate : EPOCH;
    const channelId = storableText(d.channelId ?? '');
    return {
      ...common,
      type: 'rejected',
      version: version(
        channelId,
        storableText(d.messageId),
        date,
        contentHash(d.kind ?? 'message', d.excerpt),
      ),
      kind: d.kind ?? 'message',
      content: storedContent(d.excerpt),
      receivedAt: null,
      reason: storableText(d.reason),
    };
  }
  const m = item.message;
  const common = { index, reportChannelId: m.channelId, reportMessageId: m.messageId };
  const channelId = storableText(m.channelId);
  const messageId = storableText(m.messageId);
  const hash = contentHash(m.kind, m.content);
  const receivedAt = isStorableDate(m.receivedAt) ? m.receivedAt : null;
  if (!isStorableDate(m.telegramDate)) {
    return {
      ...common,
      type: 'rejected',
      version: version(channelId, messageId, EPOCH, hash),
      kind: m.kind,
      content: storedContent(m.content),
      receivedAt,
      reason: 'telegram_date_out_of_range',
    };
  }
  return {
    ...common,
    type: 'parsed',
    version: version(channelId, messageId, m.telegramDate, hash),
    kind: m.kind,
    content: storedContent(m.content),
    receivedAt,
    result: { ...item.result, raw_message: storableText(item.result.raw_message) },
  };
}
