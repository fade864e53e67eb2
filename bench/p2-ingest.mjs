/**
 * P2: an ingest burst of N mixed messages (the demo feed: signals in every format, lifecycle updates,
 * commentary, photos, edits, deletions), parsed and committed through the store's applyBatch in batches
 * of 100 — the ingester's write path, one transaction per batch — against a raw multi-row INSERT of the
 * same inbox rows (read back afterwards) into a copy of the inbox table, also 100 rows per statement.
 */

import { parseMessage } from '../dist/parser/index.js';
import { createDemoFeed } from '../dist/sim/demo-feed.js';
import { createDb, createIngestRepository } from '../dist/store/index.js';
import { createBenchDatabase } from './lib/db.mjs';
import { nowMs, round } from './lib/stats.mjs';

const CHANNEL = '-1001649127710';

function toItem(post, index) {
  const content = post.text ?? post.caption;
  const telegramDate = new Date(post.telegramDate);
  const kind = post.status === 'deleted' ? 'deleted' : post.kind === 'edit' ? 'edited' : 'message';
  const message = {
    gatewayId: String(1_000_000 + index),
    channelId: CHANNEL,
    messageId: post.messageId,
    telegramDate,
    receivedAt: telegramDate,
    content,
    kind,
  };
  return { kind: 'parsed', message, result: parseMessage(content ?? '', { date: telegramDate }) };
}

const COLUMNS = [
  'channel_id',
  'message_id',
  'telegram_date',
  'received_at',
  'kind',
  'content',
  'content_hash',
  'outcome',
  'reason',
  'warnings',
  'parser_version',
  'signal_id',
];

async function rawInsert(db, rows, BATCH) {
  await db.pool.query(
    'CREATE TABLE public.bench_raw (LIKE forwarded_messages.messages INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING INDEXES)',
  );
  const client = await db.pool.connect();
  try {
    const start = nowMs();
    for (let i = 0; i < rows.length; i += BATCH) {
      const chunk = rows.slice(i, i + BATCH);
      const values = [];
      const tuples = chunk.map((row, r) => {
        for (const column of COLUMNS)
          values.push(column === 'warnings' ? JSON.stringify(row[column]) : row[column]);
        return `(${COLUMNS.map((_, c) => `$${r * COLUMNS.length + c + 1}`).join(',')})`;
      });
      await client.query(
        `INSERT INTO public.bench_raw (${COLUMNS.join(',')}) VALUES ${tuples.join(',')}`,
        values,
      );
    }
    return (rows.length / (nowMs() - start)) * 1000;
  } finally {
    client.release();
  }
}

export async function measureIngest({ count, log, batch = 100 }) {
  const BATCH = batch;
  const database = await createBenchDatabase('ingest', log);
  const db = createDb(
    {
      url: database.url,
      poolMax: 4,
      statementTimeoutMs: 60_000,
      connectTimeoutMs: 5000,
      applicationName: 'bench-p2',
    },
    log,
  );
  try {
    const feed = createDemoFeed({ seed: 7 });
    const posts = Array.from({ length: count }, () => feed.next());
    const kinds = {};
    for (const p of posts) kinds[p.kind] = (kinds[p.kind] ?? 0) + 1;
    const repo = createIngestRepository(db, { statementTimeoutMs: 60_000 });
    // Parsing is part of the ingest path: timed with the commits.
    const start = nowMs();
    let outcomes = 0;
    for (let i = 0; i < posts.length; i += BATCH) {
      const items = posts.slice(i, i + BATCH).map((p, j) => toItem(p, i + j));
      const report = await repo.applyBatch(items, {
        channelId: CHANNEL,
        cursor: String(1_000_000 + i + items.length),
      });
      outcomes += report.items.length;
    }
    const ingestRate = (count / (nowMs() - start)) * 1000;
    const { rows } = await db.pool.query(
      `SELECT ${COLUMNS.join(',')} FROM forwarded_messages.messages ORDER BY id`,
    );
    const rawRate = await rawInsert(db, rows, BATCH);
    return {
      ingest_msgs_per_s: Math.round(ingestRate),
      raw_insert_rows_per_s: Math.round(rawRate),
      ratio: round(ingestRate / rawRate, 3),
      messages: count,
      batch: BATCH,
      committed: outcomes,
      inbox_rows: rows.length,
      kinds,
    };
  } finally {
    await db.close();
    await database.drop();
  }
}
