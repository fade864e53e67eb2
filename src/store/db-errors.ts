/**
 * Database failures as AppErrors, branching on SQLSTATE and socket error codes, never on message text:
 * a statement timeout is STATEMENT_TIMEOUT (503), a server that cannot be reached or went away is
 * DATABASE_UNAVAILABLE (503), anything else INTERNAL (500). The original error is the `cause`.
 */
import { AppError, pgErrorCode } from '../errors.js';

const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'ECONNABORTED',
]);

/** SQLSTATEs meaning "the server is not there for us right now". */
function isUnavailableState(state: string): boolean {
  return (
    (state.startsWith('08') && state !== '08P01') || // connection exception (not a protocol violation: a bug)
    state === '57P01' || // admin_shutdown
    state === '57P02' || // crash_shutdown
    state === '57P03' || // cannot_connect_now (starting up, shutting down)
    state === '53300' || // too_many_connections
    state === '3D000' // database does not exist (yet)
  );
}

function socketCode(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e && depth < 5; depth++) {
    if (typeof e === 'object' && 'code' in e && typeof e.code === 'string' && SOCKET_CODES.has(e.code)) {
      return e.code;
    }
    e = typeof e === 'object' && 'cause' in e ? e.cause : undefined;
  }
  return undefined;
}

/**
 * Maps an error raised by the driver. `phase` says where it came from: any failure to obtain a
 * connection is unavailability; a failure of a query without a SQLSTATE is the connection breaking
 * under it (pg reports "Connection terminated", "Query read timeout" without a code).
 */
export function toDbError(error: unknown, phase: 'connect' | 'query'): AppError {
  if (error instanceof AppError) return error;
  const state = pgErrorCode(error);
  if (state === '57014') {
    return new AppError('STATEMENT_TIMEOUT', 'database statement timed out', 503, { cause: error });
  }
  if (
    phase === 'connect' ||
    (state !== undefined && isUnavailableState(state)) ||
    socketCode(error) !== undefined ||
    state === undefined
  ) {
    return new AppError('DATABASE_UNAVAILABLE', 'database unavailable', 503, { cause: error });
  }
  return new AppError('INTERNAL', `database error ${state}`, 500, { cause: error });
}
