/** schema `metrics`: the gateway cursor, the ingester lease and per-minute processing statistics. */
import { bigint, pgSchema, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

export const metricsSchema = pgSchema('metrics');

const tstz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/** The gateway's opaque cursor per channel, written in the same transaction as the rows it covers. */
export const ingestCursor = metricsSchema.table('ingest_cursor', {
  channelId: text('channel_id').primaryKey(),
  cursor: text('cursor').notNull(),
  updatedAt: tstz('updated_at').notNull().defaultNow(),
});

/** One row per lease: whoever holds an unexpired row is the active ingester. */
export const ingesterLease = metricsSchema.table('ingester_lease', {
  name: text('name').primaryKey(),
  holder: text('holder').notNull(),
  expiresAt: tstz('expires_at').notNull(),
});

/** Messages applied per minute, channel and IngestOutcome; upserted once per batch. */
export const processingStats = metricsSchema.table(
  'processing_stats',
  {
    bucket: tstz('bucket').notNull(),
    channel: text('channel').notNull(),
    outcome: text('outcome').notNull(),
    count: bigint('count', { mode: 'number' }).notNull().default(0),
  },
  (t) => [primaryKey({ name: 'processing_stats_pkey', columns: [t.bucket, t.channel, t.outcome] })],
);
