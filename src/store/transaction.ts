/**
 * Short transactions on a pooled connection, the only way the app talks to PostgreSQL.
 *
 * PgBouncer (transaction mode) hands a server connection to a client for one transaction, so all
 * per-request state lives inside one: `BEGIN; SET LOCAL statement_timeout = N` goes out as one
 * simple-protocol message (one round trip), queries use unnamed statements only, and locks are
 * transaction-scoped. Reads run the same way (READ ONLY, REPEATABLE READ so that a signal and its
 * events come from one snapshot) — `SET LOCAL` is the one PgBouncer-safe statement timeout that needs
 * no role configuration, and it costs the BEGIN/COMMIT round trips only.
 */
import type pg from 'pg';
import { toDbError } from './db-errors.js';

export interface Tx {
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(
    text: string,
    values?: unknown[],
  ): Promise<pg.QueryResult<R>>;
}

export interface TxOptions {
  statementTimeoutMs: number;
  readOnly?: boolean;
  /** Constant SQL (no parameters) run in the BEGIN round trip; its last row is handed to `fn`. */
  prelude?: string;
}

function wrap(client: pg.PoolClient): Tx {
  return {
    async query<R extends pg.QueryResultRow>(text: string, values?: unknown[]) {
      try {
        return await client.query<R>(text, values);
      } catch (error) {
        throw toDbError(error, 'query');
      }
    },
  };
}

export async function withTransaction<T>(
  pool: pg.Pool,
  options: TxOptions,
  fn: (tx: Tx, prelude: pg.QueryResultRow | undefined) => Promise<T>,
): Promise<T> {
  let client: pg.PoolClient;
  try {
    client = await pool.connect();
  } catch (error) {
    throw toDbError(error, 'connect');
  }
  // While a client is checked out, pg-pool does not listen for its 'error' events: a connection
  // dropped mid-transaction (PostgreSQL or PgBouncer restart) would otherwise be an uncaught
  // exception on top of the rejected query. The query's rejection is what we act on.
  let lost: Error | undefined;
  const onError = (error: Error) => {
    lost = error;
  };
  client.on('error', onError);
  const tx = wrap(client);
  const timeout = Math.max(1, Math.floor(options.statementTimeoutMs));
  const begin = options.readOnly ? 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY' : 'BEGIN';
  let destroy: Error | undefined;
  try {
    const text = `${begin}; SET LOCAL statement_timeout = ${timeout}${options.prelude ? `; ${options.prelude}` : ''}`;
    const results = (await tx.query(text)) as unknown as pg.QueryResult[];
    const prelude = options.prelude ? results[results.length - 1]?.rows[0] : undefined;
    const value = await fn(tx, prelude);
    await tx.query('COMMIT');
    return value;
  } catch (error) {
    try {
      await client.query('ROLLBACK');
    } catch (rollbackError) {
      // The connection is unusable (or gone): drop it instead of returning it to the pool.
      destroy = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
    }
    throw error;
  } finally {
    client.off('error', onError);
    client.release(destroy ?? lost ?? false);
  }
}
