/**
 * The batch as one transaction: concurrent writers serialise (every row once, seqs contiguous and in
 * commit order), a failure anywhere leaves nothing behind and the cursor where it was, and the
 * statement timeout fires (SET LOCAL) and is reported as STATEMENT_TIMEOUT.
 */
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BatchReport, IngestItem } from '../../../src/domain/ingest.js';
import { AppError } from '../../../src/errors.js';
import { INGEST_LOCK_KEY } from '../../../src/store/index.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/test-database.js';
import {
  at,
  CHANNEL,
  count,
  ignoredResult,
  openStore,
  post,
  signalResult,
  sqlClient,
  updateResult,
} from './fixtures.js';

let database: TestDatabase;
let sql: pg.Client;

beforeAll(async () => {
  database = await createTestDatabase();
  sql = await sqlClient(database.url);
});

afterAll(async () => {
  await sql?.end();
  await database?.drop();
});

function chunks<T>(list: T[], size: number): T[][] {
  return Array.from({ length: Math.ceil(list.length / size) }, (_, i) =>
    list.slice(i * size, (i + 1) * size),
  );
}

describe('two concurrent writers', () => {
  it('apply the same messages at once: every row once, seqs contiguous, commit order = seq order', async () => {
    const channel = '-1005500000001';
    const items: IngestItem[] = Array.from({ length: 160 }, (_, i) => {
      const date = { channelId: channel, telegramDate: at(i) };
      // Stops for CONC0 and CONC4, each finding an open signal posted just before it.
      if (i % 4 === 3) return post(updateResult(`CONC${(i - 3) % 8}`, 'stop_hit'), date);
      if (i % 4 === 2) return post(ignoredResult(), date);
      return post(signalResult(`CONC${i % 8}`), date);
    });
    const a = openStore(database.url);
    const b = openStore(database.url);
    const seqBefore = await a.read.latestSeq();
    try {
      // Both writers apply every item at the same time, in differently cut batches: each message
      // reaches the store twice, concurrently.
      const run = async (store: typeof a, size: number) => {
        const reports: BatchReport[] = [];
        for (const batch of chunks(items, size)) reports.push(await store.ingest.applyBatch(batch, null));
        return reports;
      };
      const [ra, rb] = await Promise.all([run(a, 20), run(b, 16)]);
      const all = [...ra, ...rb];

      expect(await count(sql, 'forwarded_messages.messages', `channel_id = '${channel}'`)).toBe(160);
      expect(await count(sql, 'signals.tp_capital_signals', `channel = '${channel}'`)).toBe(80);
      const outcomes = all.flatMap((r) => r.items.map((i) => i.outcome));
      expect(outcomes.filter((o) => o === 'inserted')).toHaveLength(80);
      expect(outcomes.filter((o) => o === 'ignored')).toHaveLength(40);
      expect(outcomes.filter((o) => o === 'update_applied')).toHaveLength(40);
      expect(outcomes.filter((o) => o === 'unchanged')).toHaveLength(160);
      expect(
        await count(sql, 'signals.tp_capital_signals', `channel = '${channel}' AND status = 'stopped'`),
      ).toBe(40);

      // Each batch's events are one contiguous run of seqs, and together they are gapless.
      const seqs = all.flatMap((r) => r.events.map((e) => e.seq)).sort((x, y) => x - y);
      expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => seqBefore + 1 + i));
      for (const r of all) {
        const s = r.events.map((e) => e.seq);
        expect(s).toEqual(Array.from({ length: s.length }, (_, i) => (s[0] ?? 0) + i));
      }
      // Transaction ids are assigned at the first write, under the lock: ordered like the seqs.
      const { rows } = await sql.query<{ x: string }>(
        `SELECT xmin::text AS x FROM signals.signal_events WHERE seq > $1 ORDER BY seq`,
        [seqBefore],
      );
      const xids = rows.map((r) => Number(r.x));
      expect(xids).toEqual([...xids].sort((x, y) => x - y));
      expect(new Set(xids).size).toBeGreaterThan(1);
    } finally {
      await a.close();
      await b.close();
    }
  });
});

describe('a failing batch', () => {
  it('a statement timeout while writing rolls back everything and keeps the cursor', async () => {
    const store = openStore(database.url, { statementTimeoutMs: 200 });
    const blocker = await sqlClient(database.url);
    try {
      await store.ingest.applyBatch([], { channelId: CHANNEL, cursor: 'before' });
      const before = {
        inbox: await count(sql, 'forwarded_messages.messages'),
        signals: await count(sql, 'signals.tp_capital_signals'),
        events: await count(sql, 'signals.signal_events'),
      };
      // Another session holds the cursor row: the batch's write waits on it until the timeout fires.
      await blocker.query('BEGIN');
      await blocker.query('SELECT * FROM metrics.ingest_cursor WHERE channel_id = $1 FOR UPDATE', [CHANNEL]);
      const batch = [
        post(signalResult('FAIL3'), { telegramDate: at(1) }),
        post(ignoredResult(), { telegramDate: at(1) }),
        post(updateResult('FAIL3', 'stop_hit'), { telegramDate: at(2) }),
      ];
      const error = await store.ingest
        .applyBatch(batch, { channelId: CHANNEL, cursor: 'after' })
        .catch((e) => e);
      expect(error).toBeInstanceOf(AppError);
      expect(error).toMatchObject({ code: 'STATEMENT_TIMEOUT', statusCode: 503 });
      await blocker.query('ROLLBACK');

      expect(await count(sql, 'forwarded_messages.messages')).toBe(before.inbox);
      expect(await count(sql, 'signals.tp_capital_signals')).toBe(before.signals);
      expect(await count(sql, 'signals.signal_events')).toBe(before.events);
      expect(await store.ingest.getCursor(CHANNEL)).toBe('before');

      // Retried once the lock is gone, the same batch goes through whole.
      const report = await store.ingest.applyBatch(batch, { channelId: CHANNEL, cursor: 'after' });
      expect(report.items.map((i) => i.outcome)).toEqual(['inserted', 'ignored', 'update_applied']);
      expect(await store.ingest.getCursor(CHANNEL)).toBe('after');
    } finally {
      await blocker.end();
      await store.close();
    }
  });

  it('a statement error in the write (an unstorable cursor) leaves no partial rows', async () => {
    const store = openStore(database.url);
    try {
      const before = await count(sql, 'forwarded_messages.messages');
      const cursorBefore = await store.ingest.getCursor(CHANNEL);
      const error = await store.ingest
        .applyBatch([post(signalResult('HALF3'), { telegramDate: at(3) })], {
          channelId: CHANNEL,
          cursor: 'x\u0000y',
        })
        .catch((e) => e);
      expect(error).toBeInstanceOf(AppError);
      expect(error.code).toBe('INTERNAL');
      expect(await count(sql, 'forwarded_messages.messages')).toBe(before);
      expect(await count(sql, 'signals.tp_capital_signals', `asset = 'HALF3'`)).toBe(0);
      expect(await store.ingest.getCursor(CHANNEL)).toBe(cursorBefore);
      // The pool is still healthy afterwards.
      await store.read.ping();
    } finally {
      await store.close();
    }
  });

  it('a writer waiting for the batch lock longer than the timeout gets STATEMENT_TIMEOUT', async () => {
    const store = openStore(database.url, { statementTimeoutMs: 200 });
    const holder = await sqlClient(database.url);
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT pg_advisory_xact_lock($1)', [INGEST_LOCK_KEY]);
      const error = await store.ingest
        .applyBatch([post(ignoredResult(), { telegramDate: at(4) })], null)
        .catch((e) => e);
      expect(error).toMatchObject({ code: 'STATEMENT_TIMEOUT', statusCode: 503 });
    } finally {
      await holder.query('ROLLBACK');
      await holder.end();
      await store.close();
    }
  });

  it('reads time out too (SET LOCAL in the read transaction)', async () => {
    const store = openStore(database.url, { statementTimeoutMs: 200 });
    const holder = await sqlClient(database.url);
    try {
      await holder.query('BEGIN');
      await holder.query('LOCK TABLE signals.tp_capital_signals IN ACCESS EXCLUSIVE MODE');
      const error = await store.read.list({ limit: 10 }).catch((e) => e);
      expect(error).toMatchObject({ code: 'STATEMENT_TIMEOUT', statusCode: 503 });
      expect(pgCodeOf(error)).toBe('57014');
    } finally {
      await holder.query('ROLLBACK');
      await holder.end();
      await store.close();
    }
  });
});

function pgCodeOf(error: unknown): unknown {
  return error instanceof Error && error.cause && typeof error.cause === 'object' && 'code' in error.cause
    ? error.cause.code
    : undefined;
}
