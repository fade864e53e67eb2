/**
 * The one shape of every error body: the legacy `{"error": "<status name>", "message": "..."}` plus a
 * stable `code`. 5xx bodies say what kind of failure it was and nothing of its internals.
 */
import { z } from 'zod';
import type { ErrorCode } from '../errors.js';

/** The stable codes: the domain's plus the HTTP layer's own. */
export type HttpErrorCode =
  | ErrorCode
  | 'PAYLOAD_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'NOT_ACCEPTABLE'
  | 'METHOD_NOT_ALLOWED'
  | 'SESSION_EXPIRED';

export interface ErrorBody {
  error: string;
  message: string;
  code: HttpErrorCode;
}

export const errorBodySchema = z
  .object({
    error: z.string().meta({ description: 'The status name (legacy)' }),
    message: z.string(),
    code: z.string().meta({ description: 'Stable error code, e.g. BAD_REQUEST, SIGNAL_NOT_FOUND' }),
  })
  .meta({ description: 'An error' });

const STATUS_NAMES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  408: 'Request Timeout',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Unavailable',
};

export function statusName(statusCode: number): string {
  return STATUS_NAMES[statusCode] ?? (statusCode >= 500 ? 'Internal Server Error' : 'Bad Request');
}

export function errorBody(statusCode: number, code: HttpErrorCode, message: string): ErrorBody {
  return { error: statusName(statusCode), message, code };
}

/** Fixed texts for 5xx: the cause goes to the log, never to the client. */
export const SERVER_ERROR_MESSAGES: Partial<Record<HttpErrorCode, string>> = {
  DATABASE_UNAVAILABLE: 'The database is unavailable; try again shortly.',
  STATEMENT_TIMEOUT: 'The query took too long; try a narrower query or again shortly.',
  UNAVAILABLE: 'The service is unavailable; try again shortly.',
  GATEWAY_UNAVAILABLE: 'The Telegram Gateway is unavailable.',
  INTERNAL: 'Internal error.',
};

/** Fastify's own 4xx error codes, mapped to ours. */
export function codeForStatus(statusCode: number): HttpErrorCode {
  switch (statusCode) {
    case 401:
      return 'UNAUTHORIZED';
    case 403:
      return 'FORBIDDEN';
    case 404:
      return 'NOT_FOUND';
    case 405:
      return 'METHOD_NOT_ALLOWED';
    case 406:
      return 'NOT_ACCEPTABLE';
    case 413:
      return 'PAYLOAD_TOO_LARGE';
    case 415:
      return 'UNSUPPORTED_MEDIA_TYPE';
    case 429:
      return 'RATE_LIMITED';
    case 503:
      return 'UNAVAILABLE';
    default:
      return statusCode >= 500 ? 'INTERNAL' : 'BAD_REQUEST';
  }
}
