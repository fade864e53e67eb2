/**
 * The `pgbouncer` project runs the store and ingestion integration tests through a real PgBouncer in
 * transaction mode (global-setup.ts, TEST_VIA_PGBOUNCER=1). These tests prove the setup is what it
 * claims — the app's traffic really passes PgBouncer, whose few server connections really are shared
 * — and show why the app keeps no session state: in transaction mode a session-level SET stays on the
 * server connection and reaches whichever client gets it next, while SET LOCAL ends with its transaction.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { withTransaction } from '../../src/store/index.js';
import { type PgBouncer, startPgBouncer, upstreamOf } from '../helpers/pgbouncer.js';
import { withDatabase } from '../helpers/postgres.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';
import { at, ignoredResult, openStore, post, signalResult } from '../integration/store/fixtures.js';

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  await database?.drop();
});

async function connect(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return client;
}

/** One admin-console command (simple protocol only: no parameters). */
async function adminShow(command: string): Promise<Record<string, unknown>[]> {
  const client = await connect(inject('pgBouncerAdminUrl'));
  try {
    return (await client.query(command)).rows;
  } finally {
    await client.end();
  }
}

async function xactCount(dbName: string): Promise<number> {
  const row = (await adminShow('SHOW STATS')).find((r) => r.database === dbName);
  return Number(row?.total_xact_count ?? 0);
}

describe('the pgbouncer project', () => {
  it('hands the tests a database URL that points at PgBouncer, not at PostgreSQL', () => {
    const admin = inject('pgBouncerAdminUrl');
    expect(admin).not.toBe('');
    const app = new URL(database.url);
    expect(app.port).toBe(new URL(admin).port);
    expect(app.port).not.toBe(new URL(inject('pgAdminUrl')).port || '5432');
  });

  it("counts the store's transactions in PgBouncer's statistics for the test database", async () => {
    const before = await xactCount(database.name);
    const store = openStore(database.url);
    try {
      for (let i = 0; i < 5; i++) {
        await store.ingest.applyBatch(
          [
            post(signalResult(`PGB${i}`), { telegramDate: at(i) }),
            post(ignoredResult(), { telegramDate: at(i) }),
          ],
          null,
        );
      }
      expect((await store.read.list({ limit: 10 })).data).toHaveLength(5);
    } finally {
      await store.close();
    }
    // Six transactions at least (five batches and a read); PgBouncer counts them per database.
    expect((await xactCount(database.name)) - before).toBeGreaterThanOrEqual(6);
    const pool = (await adminShow('SHOW POOLS')).find((r) => r.database === database.name);
    expect(pool).toMatchObject({ pool_mode: 'transaction' });
  });

  it('serves many client connections with the few server connections of its pool', async () => {
    const clients = await Promise.all(Array.from({ length: 8 }, () => connect(database.url)));
    try {
      // Eight clients, each in its own transaction at a different moment: their statements run on
      // at most default_pool_size (3) PostgreSQL backends.
      const pids = new Set<number>();
      for (let round = 0; round < 3; round++) {
        for (const client of clients) {
          const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
          pids.add(Number(rows[0]?.pid));
        }
      }
      expect(pids.size).toBeGreaterThanOrEqual(1);
      expect(pids.size).toBeLessThanOrEqual(3);
    } finally {
      await Promise.all(clients.map((c) => c.end()));
    }
  });
});

/** The session's statement_timeout and the backend that answered. */
async function show(client: pg.Client) {
  const { rows } = await client.query<{ v: string; pid: number }>(
    'SELECT current_setting($1) AS v, pg_backend_pid() AS pid',
    ['statement_timeout'],
  );
  return rows[0];
}

describe('session state in transaction mode (a private PgBouncer with ONE server connection)', () => {
  // With one server connection every client's transaction runs on the same backend, so what one
  // client leaves in the session is deterministically what the next one finds.
  let single: PgBouncer;
  let url: string;
  let serverDefault: string;

  beforeAll(async () => {
    single = await startPgBouncer({ ...upstreamOf(inject('pgAdminUrl')), poolSize: 1 });
    url = single.urlFor(database.name);
    const direct = await connect(withDatabase(inject('pgAdminUrl'), database.name));
    try {
      serverDefault = (await show(direct))?.v ?? '';
    } finally {
      await direct.end();
    }
    expect(serverDefault).not.toBe('4321ms');
  });

  afterAll(async () => {
    await single?.stop();
  });

  it('SET LOCAL (what the app does) ends with its transaction: the next client sees the default', async () => {
    const a = await connect(url);
    const b = await connect(url);
    try {
      await a.query('BEGIN; SET LOCAL statement_timeout = 4321');
      const inside = await show(a);
      await a.query('COMMIT');
      const next = await show(b);
      expect(inside?.v).toBe('4321ms');
      expect(next?.pid).toBe(inside?.pid);
      expect(next?.v).toBe(serverDefault);
    } finally {
      await a.end();
      await b.end();
    }
  });

  it("the app's own withTransaction leaves nothing behind on the shared server connection", async () => {
    const store = openStore(url, { statementTimeoutMs: 4321 });
    const other = await connect(url);
    try {
      const inside = await withTransaction(store.db.pool, { statementTimeoutMs: 4321 }, async (tx) => {
        const { rows } = await tx.query<{ v: string; pid: number }>(
          `SELECT current_setting('statement_timeout') AS v, pg_backend_pid() AS pid`,
        );
        return rows[0];
      });
      const next = await show(other);
      expect(inside?.v).toBe('4321ms');
      expect(next?.pid).toBe(inside?.pid);
      expect(next?.v).toBe(serverDefault);
    } finally {
      await other.end();
      await store.close();
    }
  });

  it('a session-level SET (what the app must never do) leaks into another client', async () => {
    const a = await connect(url);
    const b = await connect(url);
    try {
      await a.query('SET statement_timeout = 4321');
      const next = await show(b);
      // Client b never ran SET, yet it gets client a's setting: the server connection kept it.
      expect(next?.v).toBe('4321ms');
      // And the other way round: b's RESET undoes a's setting. Session state belongs to whichever
      // client holds the server connection at the moment, not to the client that set it.
      await b.query('RESET statement_timeout');
      expect((await show(a))?.v).toBe(serverDefault);
    } finally {
      await a.end();
      await b.end();
    }
  });
});
