/** Migrations: apply once, twice (nothing changes), from two connections at once, and through the CLI. */
import { PassThrough } from 'node:stream';
import type pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../../src/cli.js';
import { migrationsFolder, runMigrations } from '../../../src/store/index.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/test-database.js';
import { silentLog, sqlClient } from './fixtures.js';

const databases: TestDatabase[] = [];
afterEach(async () => {
  for (const d of databases.splice(0)) await d.drop();
});

async function emptyDatabase(): Promise<TestDatabase> {
  const database = await createTestDatabase({ empty: true });
  databases.push(database);
  return database;
}

/** Everything migrations define, as comparable text: tables, columns, constraints, indexes. */
async function catalog(client: pg.Client): Promise<string[]> {
  const { rows } = await client.query<{ item: string }>(`
    SELECT 'column ' || table_schema || '.' || table_name || '.' || column_name || ' ' || data_type || ' ' ||
           is_nullable || ' ' || coalesce(column_default, '') AS item
      FROM information_schema.columns WHERE table_schema IN ('signals', 'forwarded_messages', 'metrics')
    UNION ALL
    SELECT 'constraint ' || conrelid::regclass || ' ' || conname || ' ' || pg_get_constraintdef(oid)
      FROM pg_constraint WHERE connamespace::regnamespace::text IN ('signals', 'forwarded_messages', 'metrics')
    UNION ALL
    SELECT 'index ' || indexdef FROM pg_indexes WHERE schemaname IN ('signals', 'forwarded_messages', 'metrics')
    UNION ALL
    SELECT 'migration ' || hash || ' ' || created_at FROM drizzle.__drizzle_migrations
    ORDER BY 1`);
  return rows.map((r) => r.item);
}

function io(env: NodeJS.ProcessEnv = {}) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c) => {
    out += c;
  });
  stderr.on('data', (c) => {
    err += c;
  });
  return { io: { stdin: new PassThrough(), stdout, stderr, env }, out: () => out, err: () => err };
}

describe('runMigrations', () => {
  it('finds drizzle/ from the source tree', () => {
    expect(migrationsFolder()).toMatch(/\/drizzle$/);
  });

  it('applies every migration once; a second run applies 0 and changes nothing', async () => {
    const database = await emptyDatabase();
    const first = await runMigrations(database.url, silentLog);
    expect(first.applied).toBeGreaterThanOrEqual(2);
    const client = await sqlClient(database.url);
    try {
      const before = await catalog(client);
      expect(before).toContain(
        'constraint signals.tp_capital_signals tp_capital_signals_message_key UNIQUE (channel, message_id, ts)',
      );
      expect(before.some((i) => i.startsWith('column signals.tp_capital_signals.buy_min numeric'))).toBe(
        true,
      );
      expect(before.filter((i) => i.startsWith('migration '))).toHaveLength(first.applied);

      expect(await runMigrations(database.url, silentLog)).toEqual({ applied: 0 });
      expect(await catalog(client)).toEqual(before);
      // Plain PostgreSQL: the TimescaleDB step did nothing.
      const ext = await client.query(`SELECT 1 FROM pg_extension WHERE extname = 'timescaledb'`);
      expect(ext.rowCount).toBe(0);
    } finally {
      await client.end();
    }
  });

  it('two migrators at once: one applies everything, the other waits and applies 0', async () => {
    const database = await emptyDatabase();
    const results = await Promise.all([
      runMigrations(database.url, silentLog),
      runMigrations(database.url, silentLog),
      runMigrations(database.url, silentLog),
    ]);
    const applied = results.map((r) => r.applied).sort();
    expect(applied[0]).toBe(0);
    expect(applied[1]).toBe(0);
    expect(applied[2]).toBeGreaterThanOrEqual(2);
    const client = await sqlClient(database.url);
    try {
      const { rows } = await client.query('SELECT count(*)::int AS n FROM drizzle.__drizzle_migrations');
      expect(rows[0].n).toBe(applied[2]);
    } finally {
      await client.end();
    }
  });

  it('an unreachable database is DATABASE_UNAVAILABLE', async () => {
    await expect(runMigrations('postgres://postgres@127.0.0.1:1/none', silentLog)).rejects.toMatchObject({
      code: 'DATABASE_UNAVAILABLE',
    });
  });
});

describe('tp-capital migrate', () => {
  it('prints what it applied, then that nothing was left to apply', async () => {
    const database = await emptyDatabase();
    const env = { DATABASE_URL: database.url, LOG_LEVEL: 'silent' };
    const first = io(env);
    expect(await main(['migrate'], first.io)).toBe(0);
    expect(first.out()).toMatch(/^applied \d+ migrations\n$/);
    const second = io({ LOG_LEVEL: 'silent' });
    expect(await main(['migrate', '--database-url', database.url], second.io)).toBe(0);
    expect(second.out()).toBe('database is up to date: 0 migrations applied\n');
  });

  it('without a database URL: a clear message and exit 2; --help prints usage', async () => {
    const none = io({});
    expect(await main(['migrate'], none.io)).toBe(2);
    expect(none.err()).toContain('set DATABASE_URL or pass --database-url');
    const help = io({});
    expect(await main(['migrate', '--help'], help.io)).toBe(0);
    expect(help.out()).toContain('Usage: tp-capital migrate [--database-url URL]');
    const bad = io({});
    expect(await main(['migrate', '--database-url', 'mysql://x'], bad.io)).toBe(2);
  });

  it('an unreachable database: exit 1 with the reason', async () => {
    const down = io({ LOG_LEVEL: 'silent', DB_CONNECT_TIMEOUT_MS: '1000' });
    expect(await main(['migrate', '--database-url', 'postgres://postgres@127.0.0.1:1/none'], down.io)).toBe(
      1,
    );
    expect(down.err()).toContain('cannot reach the database');
  });
});
