/** The one error type: a stable `code` for clients and logs, an HTTP status, and the cause chained. */
export type ErrorCode =
  | 'BAD_REQUEST'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'SIGNAL_NOT_FOUND'
  | 'RATE_LIMITED'
  | 'UNAVAILABLE'
  | 'DATABASE_UNAVAILABLE'
  | 'GATEWAY_UNAVAILABLE'
  | 'STATEMENT_TIMEOUT'
  | 'INTERNAL';

export class AppError extends Error {
  override readonly name = 'AppError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly statusCode = 500,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** PostgreSQL SQLSTATE of an error (or of its cause chain), for branching on codes, never on message text. */
export function pgErrorCode(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e && depth < 5; depth++) {
    if (typeof e === 'object' && 'code' in e && typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code)) {
      return e.code;
    }
    e = typeof e === 'object' && 'cause' in e ? e.cause : undefined;
  }
  return undefined;
}
