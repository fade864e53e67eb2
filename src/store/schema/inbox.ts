/**
 * schema `forwarded_messages`: the inbox. Every gateway message is kept once per version — a version is
 * (channel, message id, Telegram date, hash of kind + content) — with what the parser made of it.
 */
import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  check,
  integer,
  jsonb,
  pgSchema,
  primaryKey,
  text,
  timestamp,
  unique,
} from 'drizzle-orm/pg-core';
import type { SignalWarning } from '../../domain/parse-result.js';

export const forwardedMessagesSchema = pgSchema('forwarded_messages');

const tstz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const messages = forwardedMessagesSchema.table(
  'messages',
  {
    id: bigserial('id', { mode: 'number' }).notNull(),
    /** '' when a rejected delivery named no channel. */
    channelId: text('channel_id').notNull(),
    messageId: text('message_id').notNull(),
    /** Epoch 0 for rejected deliveries without a valid date. */
    telegramDate: tstz('telegram_date').notNull(),
    receivedAt: tstz('received_at'),
    kind: text('kind').notNull(),
    content: text('content'),
    contentHash: text('content_hash').notNull(),
    outcome: text('outcome').notNull(),
    reason: text('reason'),
    warnings: jsonb('warnings').$type<SignalWarning[]>().notNull().default([]),
    parserVersion: integer('parser_version').notNull(),
    signalId: bigint('signal_id', { mode: 'number' }),
    processedAt: tstz('processed_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ name: 'messages_pkey', columns: [t.id, t.telegramDate] }),
    unique('messages_version_key').on(t.channelId, t.messageId, t.telegramDate, t.contentHash),
    check('messages_kind_check', sql`${t.kind} IN ('message', 'edited', 'deleted')`),
    check('messages_outcome_check', sql`${t.outcome} IN ('signal', 'update', 'ignored', 'rejected')`),
  ],
);
