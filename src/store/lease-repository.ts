/**
 * The ingester lease: one row per lease name with a holder and an expiry, taken and renewed with a
 * single conditional upsert (no session locks, so it works through PgBouncer). Expiry is judged by the
 * database clock only, so holders on machines with skewed clocks still agree.
 */
import type { Db } from './db.js';
import { withTransaction } from './transaction.js';

export interface LeaseRepository {
  /** Takes the lease when it is free or expired, renews it when `holder` has it; false when another holds it. */
  acquire(name: string, holder: string, ttlMs: number): Promise<boolean>;
  release(name: string, holder: string): Promise<void>;
  /** The unexpired holder, or null. */
  current(name: string): Promise<{ holder: string; expiresAt: Date } | null>;
}

export function createLeaseRepository(db: Db, options: { statementTimeoutMs: number }): LeaseRepository {
  const tx = { statementTimeoutMs: options.statementTimeoutMs };
  return {
    async acquire(name, holder, ttlMs) {
      const ms = Math.max(1, Math.floor(ttlMs));
      return withTransaction(db.pool, tx, async (t) => {
        const { rowCount } = await t.query(
          `INSERT INTO metrics.ingester_lease AS l (name, holder, expires_at)
           VALUES ($1, $2, clock_timestamp() + $3::int * interval '1 millisecond')
           ON CONFLICT (name) DO UPDATE SET holder = EXCLUDED.holder, expires_at = EXCLUDED.expires_at
           WHERE l.holder = EXCLUDED.holder OR l.expires_at < clock_timestamp()`,
          [name, holder, ms],
        );
        return rowCount === 1;
      });
    },

    async release(name, holder) {
      await withTransaction(db.pool, tx, (t) =>
        t.query('DELETE FROM metrics.ingester_lease WHERE name = $1 AND holder = $2', [name, holder]),
      );
    },

    async current(name) {
      return withTransaction(db.pool, { ...tx, readOnly: true }, async (t) => {
        const { rows } = await t.query<{ holder: string; expires_at: Date }>(
          'SELECT holder, expires_at FROM metrics.ingester_lease WHERE name = $1 AND expires_at > clock_timestamp()',
          [name],
        );
        const row = rows[0];
        return row ? { holder: row.holder, expiresAt: row.expires_at } : null;
      });
    },
  };
}
