/**
 * The gateway's message object (GATEWAY-CONTRACT.md "The message object") as the sim serves it, and the
 * partial form that feed files and the control API accept. The sim completes partial objects so that
 * every message it serves has every field of the contract.
 */
import { z } from 'zod';

export interface SimMessage {
  id: string;
  channelId: string;
  messageId: string;
  threadId: string | null;
  source: string;
  messageType: string;
  text: string | null;
  caption: string | null;
  mediaType: string | null;
  mediaRefs: unknown[];
  status: string;
  receivedAt: string;
  telegramDate: string;
  publishedAt: string | null;
  metadata: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
}

/** Ids travel as strings; feed files written by hand often carry numbers, which are accepted. */
const idLike = z.union([z.string().min(1), z.number().int()]).transform(String);

/** Any date `Date` understands, normalised to ISO so that identity keys compare exactly. */
const isoDate = z
  .string()
  .refine((s) => !Number.isNaN(Date.parse(s)), 'must be a date (ISO 8601)')
  .transform((s) => new Date(s).toISOString());

/**
 * A message as a feed line or an injection gives it. Unknown keys are refused so that a typo
 * (`message_id`) is an error instead of a silently different message.
 */
export const partialMessageSchema = z.strictObject({
  id: idLike.optional(),
  channelId: idLike.optional(),
  messageId: idLike.optional(),
  threadId: idLike.nullable().optional(),
  source: z.string().optional(),
  messageType: z.string().optional(),
  text: z.string().nullable().optional(),
  caption: z.string().nullable().optional(),
  mediaType: z.string().nullable().optional(),
  mediaRefs: z.array(z.unknown()).optional(),
  status: z.string().min(1).optional(),
  receivedAt: isoDate.optional(),
  telegramDate: isoDate.optional(),
  publishedAt: isoDate.nullable().optional(),
  metadata: z.record(z.string(), z.unknown()).optional(),
  createdAt: isoDate.optional(),
  updatedAt: isoDate.optional(),
});

/** What callers write (numbers allowed for ids); `PartialMessage` is what the sim works with. */
export type PartialMessageInput = z.input<typeof partialMessageSchema>;
export type PartialMessage = z.output<typeof partialMessageSchema>;

/** The identity of a Telegram message: (channel, message id, post date). */
export function identityKey(channelId: string, messageId: string, telegramDate: string): string {
  return `${channelId}\u0000${messageId}\u0000${telegramDate}`;
}

/** Telegram dates have second resolution. */
export function telegramDateOf(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString();
}

/**
 * Fills every missing field. `previous` is the earlier version of the same message (an edit or a
 * deletion): it keeps the gateway row's id, its receivedAt and createdAt, and its content when the
 * new version does not give one (a deletion usually carries no text).
 */
export function completeMessage(
  partial: PartialMessage & { channelId: string; messageId: string; telegramDate: string },
  fill: { id: string; nowIso: string; previous: SimMessage | undefined },
): SimMessage {
  const { previous, nowIso } = fill;
  const keepContent = partial.text === undefined && partial.caption === undefined;
  return {
    id: partial.id ?? previous?.id ?? fill.id,
    channelId: partial.channelId,
    messageId: partial.messageId,
    threadId: partial.threadId ?? previous?.threadId ?? null,
    source: partial.source ?? previous?.source ?? 'mtproto',
    messageType: partial.messageType ?? previous?.messageType ?? 'channel_post',
    text: keepContent ? (previous?.text ?? null) : (partial.text ?? null),
    caption: keepContent ? (previous?.caption ?? null) : (partial.caption ?? null),
    mediaType: partial.mediaType ?? previous?.mediaType ?? null,
    mediaRefs: partial.mediaRefs ?? previous?.mediaRefs ?? [],
    status: partial.status ?? 'received',
    receivedAt: partial.receivedAt ?? previous?.receivedAt ?? nowIso,
    telegramDate: partial.telegramDate,
    publishedAt: partial.publishedAt ?? previous?.publishedAt ?? null,
    metadata: partial.metadata ?? previous?.metadata ?? { views: 0, isForwarded: false, replyTo: null },
    createdAt: partial.createdAt ?? previous?.createdAt ?? nowIso,
    updatedAt: partial.updatedAt ?? nowIso,
  };
}
