/**
 * The read side for the API: the filtered, keyset-paged list of GET /signals, one signal with its
 * events, and the event log for SSE replay. Every read is one short READ ONLY transaction with
 * `SET LOCAL statement_timeout` (transaction.ts).
 */
import type { SignalEvent, SignalOp } from '../domain/events.js';
import type { SignalView } from '../domain/signal.js';
import { AppError } from '../errors.js';
import type { Db } from './db.js';
import { decodeKeyset, encodeKeyset } from './keyset-cursor.js';
import { rowToView, SIGNAL_COLUMNS, type SignalRow } from './signal-row.js';
import { type Tx, withTransaction } from './transaction.js';

export interface SignalFilters {
  limit: number;
  channel?: string;
  type?: string;
  assets?: string[];
  statuses?: string[];
  search?: string;
  from?: Date;
  to?: Date;
  before?: string;
}

export interface SignalsReadRepository {
  list(filters: SignalFilters): Promise<{ data: SignalView[]; nextBefore: string | null }>;
  getById(id: number): Promise<{ signal: SignalView; events: SignalEvent[] } | null>;
  eventsAfter(seq: number, limit: number): Promise<SignalEvent[]>;
  latestSeq(): Promise<number>;
  oldestSeq(): Promise<number | null>;
  ping(): Promise<void>;
}

export const MAX_LIST_LIMIT = 1000;

/** LIKE pattern for "contains `text`", with the pattern characters of `text` taken literally. */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

interface EventRow {
  seq: string;
  op: SignalOp;
  occurred_at: Date;
  payload: SignalView;
}

const EVENT_COLUMNS = 'e.seq, e.op, e.occurred_at, e.payload';

function toEvent(row: EventRow): SignalEvent {
  return {
    seq: Number(row.seq),
    op: row.op,
    occurred_at: row.occurred_at.toISOString(),
    signal: row.payload,
  };
}

function badRequest(message: string): AppError {
  return new AppError('BAD_REQUEST', message, 400);
}

function whereOf(filters: SignalFilters): { clauses: string[]; values: unknown[] } {
  const clauses: string[] = [];
  const values: unknown[] = [];
  const param = (value: unknown) => {
    values.push(value);
    return `$${values.length}`;
  };
  const date = (name: string, value: Date) => {
    if (Number.isNaN(value.getTime())) throw badRequest(`${name}: not a valid date`);
    return param(value.toISOString());
  };
  if (filters.channel !== undefined) clauses.push(`s.channel = ${param(filters.channel)}`);
  if (filters.type !== undefined) clauses.push(`s.signal_type = ${param(filters.type)}`);
  if (filters.assets && filters.assets.length > 0)
    clauses.push(`s.asset = ANY (${param(filters.assets)}::text[])`);
  if (filters.statuses && filters.statuses.length > 0) {
    clauses.push(`s.status = ANY (${param(filters.statuses)}::text[])`);
  }
  if (filters.search !== undefined && filters.search !== '') {
    const p = param(containsPattern(filters.search));
    clauses.push(`(s.asset ILIKE ${p} OR s.raw_message ILIKE ${p})`);
  }
  if (filters.from !== undefined) clauses.push(`s.ts >= ${date('from', filters.from)}::timestamptz`);
  if (filters.to !== undefined) clauses.push(`s.ts <= ${date('to', filters.to)}::timestamptz`);
  if (filters.before !== undefined) {
    const k = decodeKeyset(filters.before);
    clauses.push(
      `(s.ts, s.id) < (timestamptz 'epoch' + ${param(k.tsMicros)}::bigint * interval '1 microsecond', ${param(k.id)}::bigint)`,
    );
  }
  return { clauses, values };
}

export function createSignalsReadRepository(
  db: Db,
  options: { statementTimeoutMs: number },
): SignalsReadRepository {
  const read = <T>(fn: (tx: Tx) => Promise<T>) =>
    withTransaction(db.pool, { statementTimeoutMs: options.statementTimeoutMs, readOnly: true }, fn);

  return {
    async list(filters) {
      if (!Number.isInteger(filters.limit) || filters.limit < 1 || filters.limit > MAX_LIST_LIMIT) {
        throw badRequest(`limit: must be an integer from 1 to ${MAX_LIST_LIMIT}`);
      }
      const { clauses, values } = whereOf(filters);
      values.push(filters.limit + 1);
      const text = `SELECT ${SIGNAL_COLUMNS}, (extract(epoch FROM s.ts) * 1000000)::bigint::text AS ts_us
        FROM signals.tp_capital_signals s
        ${clauses.length > 0 ? `WHERE ${clauses.join(' AND ')}` : ''}
        ORDER BY s.ts DESC, s.id DESC LIMIT $${values.length}`;
      const rows = await read(
        async (tx) => (await tx.query<SignalRow & { ts_us: string }>(text, values)).rows,
      );
      const page = rows.slice(0, filters.limit);
      const last = page[page.length - 1];
      return {
        data: page.map(rowToView),
        nextBefore:
          rows.length > filters.limit && last ? encodeKeyset({ tsMicros: last.ts_us, id: last.id }) : null,
      };
    },

    async getById(id) {
      if (!Number.isSafeInteger(id) || id < 1) return null;
      return read(async (tx) => {
        const { rows } = await tx.query<SignalRow>(
          `SELECT ${SIGNAL_COLUMNS} FROM signals.tp_capital_signals s WHERE s.id = $1`,
          [id],
        );
        const row = rows[0];
        if (!row) return null;
        const events = await tx.query<EventRow>(
          `SELECT ${EVENT_COLUMNS} FROM signals.signal_events e WHERE e.signal_id = $1 ORDER BY e.seq`,
          [id],
        );
        return { signal: rowToView(row), events: events.rows.map(toEvent) };
      });
    },

    async eventsAfter(seq, limit) {
      if (!Number.isSafeInteger(seq) || seq < 0) throw badRequest('seq: must be a non-negative integer');
      if (!Number.isInteger(limit) || limit < 1) throw badRequest('limit: must be a positive integer');
      return read(async (tx) => {
        const { rows } = await tx.query<EventRow>(
          `SELECT ${EVENT_COLUMNS} FROM signals.signal_events e WHERE e.seq > $1 ORDER BY e.seq LIMIT $2`,
          [seq, limit],
        );
        return rows.map(toEvent);
      });
    },

    async latestSeq() {
      return read(async (tx) => {
        const { rows } = await tx.query<{ seq: string | null }>(
          'SELECT max(seq) AS seq FROM signals.signal_events',
        );
        return rows[0]?.seq == null ? 0 : Number(rows[0].seq);
      });
    },

    async oldestSeq() {
      return read(async (tx) => {
        const { rows } = await tx.query<{ seq: string | null }>(
          'SELECT min(seq) AS seq FROM signals.signal_events',
        );
        return rows[0]?.seq == null ? null : Number(rows[0].seq);
      });
    },

    async ping() {
      await read(async (tx) => tx.query('SELECT 1'));
    },
  };
}
