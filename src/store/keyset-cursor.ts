/**
 * The `before` / `next_before` cursor of GET /signals: the (ts, id) of the last row of a page, ts in
 * epoch microseconds so that no stored precision is lost. Opaque to clients (base64url); anything that
 * does not decode to exactly that shape is a 400, never a query.
 */
import { AppError } from '../errors.js';

export interface Keyset {
  /** Epoch microseconds of `ts`, as a decimal string (bigint-safe). */
  tsMicros: string;
  id: string;
}

const SHAPE = /^(-?\d{1,18}):(\d{1,19})$/;

export function encodeKeyset(k: Keyset): string {
  return Buffer.from(`${k.tsMicros}:${k.id}`, 'utf8').toString('base64url');
}

export function decodeKeyset(cursor: string): Keyset {
  const invalid = () => new AppError('BAD_REQUEST', 'before: not a valid cursor', 400);
  if (cursor.length === 0 || cursor.length > 64 || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw invalid();
  const match = SHAPE.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match || BigInt(match[2]!) > 9_223_372_036_854_775_807n) throw invalid();
  return { tsMicros: match[1]!, id: match[2]! };
}
