/**
 * The connection pool of the dedicated database and the Drizzle handle over it. PgBouncer-safe by
 * construction: nothing here sets session state; timeouts are set per transaction (transaction.ts).
 */
import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import type { Logger } from '../logger.js';
import * as schema from './schema/index.js';

export interface DbOptions {
  url: string;
  poolMax: number;
  statementTimeoutMs: number;
  connectTimeoutMs: number;
  applicationName?: string;
}

export interface Db {
  pool: pg.Pool;
  db: NodePgDatabase<typeof schema>;
  close(): Promise<void>;
}

export function createDb(options: DbOptions, log: Logger): Db {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolMax,
    connectionTimeoutMillis: options.connectTimeoutMs,
    idleTimeoutMillis: 30_000,
    application_name: options.applicationName ?? 'tp-capital',
    keepAlive: true,
    // The server enforces statement_timeout (SET LOCAL); this client-side bound only catches a server
    // that stopped answering altogether (a network partition), where no server timeout can fire.
    query_timeout: options.statementTimeoutMs + options.connectTimeoutMs,
  });
  // An idle client whose connection dies emits 'error' on the pool; unhandled, it would kill the process.
  pool.on('error', (error) => log.warn({ err: error }, 'idle database connection lost'));
  const db = drizzle({ client: pool, schema });
  let closing: Promise<void> | undefined;
  return {
    pool,
    db,
    close() {
      closing ??= pool.end();
      return closing;
    },
  };
}
