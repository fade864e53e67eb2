/**
 * Applies the drizzle-kit migrations in drizzle/ — drizzle's own bookkeeping table and rule (apply
 * every migration newer than the last recorded one), so `drizzle-kit migrate` and this agree — inside
 * ONE transaction that first takes a transaction-scoped advisory lock:
 *   - two processes migrating at once serialise on the lock; the second then sees the first's commit
 *     and applies nothing;
 *   - a failing migration leaves nothing half-applied (PostgreSQL DDL is transactional);
 *   - no session state is used, so it also works through PgBouncer in transaction mode. Pointing it at
 *     the database directly is still advisable: a long migration holds one server connection throughout.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import pg from 'pg';
import type { Logger } from '../logger.js';
import { toDbError } from './db-errors.js';

/** pg_advisory_xact_lock key of migrations ("tpc-migrate"). */
export const MIGRATION_LOCK_KEY = 7_470_636_200;

/** drizzle/ at the package root, found from this file whether it runs from src/ (tests) or dist/ (CLI). */
export function migrationsFolder(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, 'drizzle');
    if (existsSync(join(candidate, 'meta', '_journal.json'))) return candidate;
    dir = dirname(dir);
  }
  throw new Error('migrations folder drizzle/ not found above the store module');
}

export async function runMigrations(
  url: string,
  log: Logger,
  options: { connectTimeoutMs?: number } = {},
): Promise<{ applied: number }> {
  const folder = migrationsFolder();
  const migrations = readMigrationFiles({ migrationsFolder: folder });
  const journal = JSON.parse(readFileSync(join(folder, 'meta', '_journal.json'), 'utf8')) as {
    entries: { tag: string }[];
  };
  const client = new pg.Client({
    connectionString: url,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
    application_name: 'tp-capital migrate',
  });
  // A connection lost mid-migration is reported by the failing query; this keeps the emitter quiet.
  client.on('error', (error) => log.warn({ err: error }, 'migration connection lost'));
  try {
    await client.connect();
  } catch (error) {
    throw toDbError(error, 'connect');
  }
  try {
    // Migrations may legitimately run long: no statement timeout inside this transaction.
    await client.query(
      `BEGIN; SET LOCAL statement_timeout = 0; SELECT pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`,
    );
    await client.query('CREATE SCHEMA IF NOT EXISTS drizzle');
    await client.query(
      'CREATE TABLE IF NOT EXISTS drizzle.__drizzle_migrations (id SERIAL PRIMARY KEY, hash text NOT NULL, created_at bigint)',
    );
    const { rows } = await client.query<{ created_at: string | null }>(
      'SELECT created_at FROM drizzle.__drizzle_migrations ORDER BY created_at DESC LIMIT 1',
    );
    const last = rows[0]?.created_at == null ? null : Number(rows[0].created_at);
    let applied = 0;
    for (const [index, migration] of migrations.entries()) {
      if (last !== null && last >= migration.folderMillis) continue;
      for (const statement of migration.sql) {
        if (statement.trim() !== '') await client.query(statement);
      }
      await client.query('INSERT INTO drizzle.__drizzle_migrations (hash, created_at) VALUES ($1, $2)', [
        migration.hash,
        migration.folderMillis,
      ]);
      applied += 1;
      log.info({ migration: journal.entries[index]?.tag ?? migration.folderMillis }, 'migration applied');
    }
    await client.query('COMMIT');
    return { applied };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw toDbError(error, 'query');
  } finally {
    await client.end().catch(() => undefined);
  }
}
