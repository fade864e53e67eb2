/**
 * Which store failures are the database being away (hold and retry the same batch) and which are a
 * message the store cannot take (isolate it). Branches on codes, never on message text.
 */
import { AppError, pgErrorCode } from '../errors.js';

const TRANSIENT_APP_CODES = new Set(['DATABASE_UNAVAILABLE', 'STATEMENT_TIMEOUT', 'UNAVAILABLE']);
/** Connection exceptions, resources, operator intervention, and transaction rollbacks (serialization, deadlock). */
const TRANSIENT_SQLSTATE = /^(08|53|57|40)/;
const TRANSIENT_NODE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
]);

export function isTransientStoreError(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 5; depth += 1) {
    if (e instanceof AppError && TRANSIENT_APP_CODES.has(e.code)) return true;
    if (
      typeof e === 'object' &&
      'code' in e &&
      typeof e.code === 'string' &&
      TRANSIENT_NODE_CODES.has(e.code)
    ) {
      return true;
    }
    e = typeof e === 'object' && 'cause' in e ? e.cause : undefined;
  }
  const sqlState = pgErrorCode(error);
  return sqlState !== undefined && TRANSIENT_SQLSTATE.test(sqlState);
}
