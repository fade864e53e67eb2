/**
 * The boundary: whatever the gateway sends (an SSE event, or one object of a polling answer) becomes a
 * GatewayMessage, a RejectedDelivery, a foreign-channel notice or a ping. Everything is untrusted; nothing
 * here throws. Decisions (documented in src/gateway/README.md):
 *  - content over MAX_CONTENT_BYTES (256 KiB) is `content_too_large` (the parser ignores > 16 KiB as too_long);
 *  - U+0000 in the content is `nul_byte` (PostgreSQL text cannot hold it; stripping would store a text the
 *    channel never posted); lone surrogates become U+FFFD (what the database would store anyway);
 *  - a delivery whose channel could not be read is attributed to the channel asked for (the stream and the
 *    poll are per channel) but is never acknowledged, since the real gateway acks by message id alone;
 *  - an invalid `receivedAt` becomes null (it is not part of the identity); telegramDate must be an ISO 8601
 *    date between 1970 and 2100.
 */
import { z } from 'zod';
import type { GatewayMessage, MessageEventKind, RejectedDelivery } from '../domain/gateway-message.js';
import { excerptOf, hasNul, utf8Bytes, wellFormed } from './safe-text.js';

export const MAX_CONTENT_BYTES = 256 * 1024;
/** Bigger events are not even parsed as JSON: they cannot be attributed and are only counted. */
export const MAX_EVENT_CHARS = 8 * 1024 * 1024;

export const STREAM_EVENT_KINDS: ReadonlyMap<string, MessageEventKind> = new Map([
  ['message', 'message'],
  ['message.edited', 'edited'],
  ['message.deleted', 'deleted'],
]);

export type Decoded =
  | {
      type: 'message';
      message: GatewayMessage;
      /**
       * The gateway's `updatedAt`: when this version was written (null when unreadable). Polling returns
       * only a message's latest version; this lets the ingester tell a replayed older version from it.
       */
      versionAt: Date | null;
    }
  | { type: 'rejected'; delivery: RejectedDelivery; ackable: boolean }
  | { type: 'foreign'; channelId: string }
  | { type: 'ping' };

export interface BoundaryOptions {
  /** The configured channel: anything else is foreign (ignored, counted, never stored or acked). */
  channelId: string;
}

const CHANNEL_ID = /^-?\d{1,20}$/;
const MESSAGE_ID = /^[0-9A-Za-z_.:-]{1,64}$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;
const MIN_DATE_MS = Date.UTC(1970, 0, 1);
const MAX_DATE_MS = Date.UTC(2100, 0, 1);

const messageObject = z.object({
  id: z.string().min(1).max(128),
  channelId: z.string().regex(CHANNEL_ID),
  messageId: z.string().regex(MESSAGE_ID),
  telegramDate: z.string().max(64),
  text: z.string().nullish(),
  caption: z.string().nullish(),
  status: z.string().max(64).nullish(),
  // Optional and only read leniently: neither is part of the message's identity.
  receivedAt: z.unknown().optional(),
  updatedAt: z.unknown().optional(),
  createdAt: z.unknown().optional(),
});

function dateOf(value: unknown): Date | null {
  if (typeof value !== 'string' || value.length > 64 || !ISO_DATE.test(value)) return null;
  const ms = Date.parse(value);
  return Number.isFinite(ms) && ms >= MIN_DATE_MS && ms < MAX_DATE_MS ? new Date(ms) : null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function unattributable(reason: string, excerpt: string): Decoded {
  return {
    type: 'rejected',
    ackable: false,
    delivery: { channelId: null, messageId: null, telegramDate: null, reason, excerpt },
  };
}

/** Excerpt of an already-parsed object; a pathologically deep one cannot be stringified. */
function excerptOfValue(value: unknown): string {
  try {
    return excerptOf(JSON.stringify(value) ?? String(value));
  } catch {
    return '[unprintable]';
  }
}

/**
 * One message object (a stream event's data, or an element of a polling answer). `kind` is what the
 * event name said; null for polling, where `status: "deleted"` tells a deletion and `updatedAt` after
 * `createdAt` an edit.
 */
export function decodeMessageObject(
  value: unknown,
  kind: MessageEventKind | null,
  options: BoundaryOptions,
  rawExcerpt?: string,
  forcedReason?: string,
): Decoded {
  const excerpt = () => rawExcerpt ?? excerptOfValue(value);
  if (!isRecord(value)) return unattributable('not_an_object', excerpt());

  const channelRaw = value.channelId;
  const channelReadable = typeof channelRaw === 'string' && CHANNEL_ID.test(channelRaw);
  if (channelReadable && channelRaw !== options.channelId) return { type: 'foreign', channelId: channelRaw };

  const messageIdRaw = value.messageId;
  if (typeof messageIdRaw !== 'string' || !MESSAGE_ID.test(messageIdRaw)) {
    const reason = messageIdRaw === undefined ? 'missing_field:messageId' : 'invalid_field:messageId';
    return unattributable(forcedReason ?? reason, excerpt());
  }

  const telegramDate = dateOf(value.telegramDate);
  const reject = (reason: string): Decoded => ({
    type: 'rejected',
    ackable: channelReadable,
    delivery: {
      channelId: options.channelId,
      messageId: messageIdRaw,
      telegramDate,
      reason,
      excerpt: excerpt(),
    },
  });
  if (forcedReason !== undefined) return reject(forcedReason);

  const parsed = messageObject.safeParse(value);
  if (!parsed.success) {
    const field = String(parsed.error.issues[0]?.path[0] ?? 'object');
    return reject(value[field] === undefined ? `missing_field:${field}` : `invalid_field:${field}`);
  }
  const data = parsed.data;
  if (telegramDate === null) return reject('invalid_telegram_date');

  const rawContent =
    typeof data.text === 'string' ? data.text : typeof data.caption === 'string' ? data.caption : null;
  if (rawContent !== null && utf8Bytes(rawContent) > MAX_CONTENT_BYTES) return reject('content_too_large');
  if (rawContent !== null && hasNul(rawContent)) return reject('nul_byte');

  const versionAt = dateOf(data.updatedAt);
  const createdAt = dateOf(data.createdAt);
  // Polling does not say "edited"; a row updated after it was created is an edit, so that the version
  // polling hands over is the same version (same kind) the stream delivers for it.
  const polledKind = versionAt && createdAt && versionAt > createdAt ? 'edited' : 'message';
  const deleted = data.status === 'deleted' || kind === 'deleted';
  return {
    type: 'message',
    versionAt,
    message: {
      gatewayId: data.id,
      channelId: data.channelId,
      messageId: data.messageId,
      telegramDate,
      receivedAt: dateOf(data.receivedAt),
      content: rawContent === null ? null : wellFormed(rawContent),
      kind: deleted ? 'deleted' : (kind ?? polledKind),
    },
  };
}

/** One SSE event as the stream delivered it: its name and its `data:` string. */
export function decodeStreamEvent(event: string, data: string, options: BoundaryOptions): Decoded {
  if (event === 'ping') return { type: 'ping' };
  const head = excerptOf(`event ${excerptOf(event, 64)}: ${data.slice(0, 1024)}`);
  if (data.length > MAX_EVENT_CHARS) return unattributable('payload_too_large', head);
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    return unattributable('invalid_json', head);
  }
  const kind = STREAM_EVENT_KINDS.get(event);
  if (kind === undefined) return decodeMessageObject(value, null, options, head, 'unknown_event');
  return decodeMessageObject(value, kind, options, head);
}
