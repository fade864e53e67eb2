/**
 * The legacy shared database, read only: one connection whose every transaction is READ ONLY (the
 * legacy is not behind our PgBouncer, so session settings are fine here). It finds out which columns
 * the legacy tables have (the optional ones may be absent) and pages through them in key order.
 *
 * Everything a run reads comes from ONE snapshot (a REPEATABLE READ transaction held open until
 * close()): the legacy app may still be writing, and the copy and the verification must judge the same
 * rows. Rows the legacy writes meanwhile are the next run's.
 *
 * Every value is selected as text (times as their JSON text) so that no cast can fail on a bad row:
 * judging values is the classifiers' job, in JS, where a bad row becomes a counted reason.
 */
import pg from 'pg';

export const SIGNALS_TABLE = 'tp_capital_signals';
export const MESSAGES_TABLE = 'forwarded_messages';

const SIGNAL_REQUIRED = [
  'id',
  'ts',
  'channel',
  'signal_type',
  'asset',
  'buy_min',
  'buy_max',
  'target_1',
  'target_2',
  'target_final',
  'stop',
  'raw_message',
  'source',
  'ingested_at',
] as const;
const SIGNAL_OPTIONAL = ['created_at', 'updated_at'] as const;
const MESSAGE_REQUIRED = ['channel_id', 'message_id', 'message_text', 'original_timestamp'] as const;
const MESSAGE_OPTIONAL = ['photos', 'received_at'] as const;
/** Selected as JSON text: ISO for timestamps, digits for numbers, the text itself for text. */
const TIME_COLUMNS = new Set([
  'ts',
  'ingested_at',
  'created_at',
  'updated_at',
  'original_timestamp',
  'received_at',
]);

export type SignalColumn = (typeof SIGNAL_REQUIRED)[number] | (typeof SIGNAL_OPTIONAL)[number];
export type MessageColumn = (typeof MESSAGE_REQUIRED)[number] | (typeof MESSAGE_OPTIONAL)[number];

export interface TableLayout {
  table: string;
  columns: ReadonlySet<string>;
  /** Keyset order: `id`, or (channel_id, message_id, original_timestamp) for a messages table without one. */
  keys: string[];
  /** The columns read, present or not (absent ones read as NULL). */
  reads: readonly string[];
}

export interface LegacyLayout {
  schema: string;
  signals: TableLayout;
  /** null when the legacy has no forwarded_messages table. */
  messages: TableLayout | null;
}

/** A position in a table's key order: the key values (as text) of the last row read. */
export type Cursor = string[] | null;

export type LegacyRow<C extends string> = Record<C, string | null> & { key: string[] };

export interface LegacySource {
  readonly layout: LegacyLayout;
  /** Rows with every key set, after `after`. */
  count(table: TableLayout, after: Cursor): Promise<number>;
  /** Rows with a key column NULL (no place in the key order), by `<first null key>_missing`. */
  nullKeyRows(table: TableLayout): Promise<Record<string, number>>;
  /** About `limit` rows after `after` in key order; rows sharing the last key all come in the same page. */
  page<C extends string>(table: TableLayout, after: Cursor, limit: number): Promise<LegacyRow<C>[]>;
  close(): Promise<void>;
}

export class LegacySourceError extends Error {
  override readonly name = 'LegacySourceError';
  constructor(
    readonly kind: 'unreachable' | 'layout',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

function layoutOf(
  table: string,
  columns: Set<string>,
  required: readonly string[],
  optional: readonly string[],
  schema: string,
): TableLayout {
  const missing = required.filter((c) => !columns.has(c));
  if (missing.length > 0) {
    throw new LegacySourceError(
      'layout',
      `legacy table ${schema}.${table} lacks column(s) ${missing.join(', ')}`,
    );
  }
  const keys =
    table === MESSAGES_TABLE && !columns.has('id')
      ? ['channel_id', 'message_id', 'original_timestamp']
      : ['id'];
  return { table, columns, keys, reads: [...required, ...optional] };
}

function selectList(t: TableLayout): string {
  const values = t.reads.map((c) => {
    if (!t.columns.has(c)) return `NULL::text AS ${quote(c)}`;
    // photos may be large (file ids, base64…): its first characters tell whether there are any.
    if (c === 'photos') return `left(${quote(c)}::text, 16) AS ${quote(c)}`;
    if (TIME_COLUMNS.has(c)) return `to_json(${quote(c)}) #>> '{}' AS ${quote(c)}`;
    return `${quote(c)}::text AS ${quote(c)}`;
  });
  const keys = t.keys.map((k, i) => `${quote(k)}::text AS "__k${i}"`);
  return [...values, ...keys].join(', ');
}

export async function openLegacySource(options: {
  url: string;
  schema: string;
  connectTimeoutMs: number;
  statementTimeoutMs: number;
}): Promise<LegacySource> {
  const { schema } = options;
  const client = new pg.Client({
    connectionString: options.url,
    connectionTimeoutMillis: options.connectTimeoutMs,
    application_name: 'tp-capital-migrate-legacy',
    query_timeout: options.statementTimeoutMs + options.connectTimeoutMs,
  });
  // A connection that dies between queries emits 'error'; unhandled, it would kill the process.
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query(
      `SET default_transaction_read_only = on; SET statement_timeout = ${Math.floor(options.statementTimeoutMs)};
       SET TimeZone = 'UTC'`,
    );
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  } catch (error) {
    await client.end().catch(() => undefined);
    throw new LegacySourceError('unreachable', (error as Error).message, { cause: error });
  }

  let layout: LegacyLayout;
  try {
    const { rows } = await client.query<{ table_name: string; column_name: string }>(
      `SELECT table_name::text, column_name::text FROM information_schema.columns
       WHERE table_schema = $1 AND table_name IN ($2, $3)`,
      [schema, SIGNALS_TABLE, MESSAGES_TABLE],
    );
    const columnsOf = (table: string) =>
      new Set(rows.filter((r) => r.table_name === table).map((r) => r.column_name));
    const signalColumns = columnsOf(SIGNALS_TABLE);
    if (signalColumns.size === 0) {
      throw new LegacySourceError('layout', `the legacy database has no table ${schema}.${SIGNALS_TABLE}`);
    }
    const messageColumns = columnsOf(MESSAGES_TABLE);
    layout = {
      schema,
      signals: layoutOf(SIGNALS_TABLE, signalColumns, SIGNAL_REQUIRED, SIGNAL_OPTIONAL, schema),
      messages:
        messageColumns.size === 0
          ? null
          : layoutOf(MESSAGES_TABLE, messageColumns, MESSAGE_REQUIRED, MESSAGE_OPTIONAL, schema),
    };
  } catch (error) {
    await client.end().catch(() => undefined);
    throw error;
  }

  const from = (t: TableLayout) => `${quote(schema)}.${quote(t.table)}`;
  const keyList = (t: TableLayout) => t.keys.map(quote).join(', ');
  const keysSet = (t: TableLayout) => t.keys.map((k) => `${quote(k)} IS NOT NULL`).join(' AND ');
  /** `(keys) > ($first, …)` — untyped parameters take the key columns' own types. */
  const after = (t: TableLayout, cursor: Cursor, first: number) =>
    cursor ? ` AND (${keyList(t)}) > (${t.keys.map((_, i) => `$${first + i}`).join(', ')})` : '';

  return {
    layout,
    async count(t, cursor) {
      const { rows } = await client.query<{ n: string }>(
        `SELECT count(*) AS n FROM ${from(t)} WHERE ${keysSet(t)}${after(t, cursor, 1)}`,
        cursor ?? [],
      );
      return Number(rows[0]?.n ?? 0);
    },
    async nullKeyRows(t) {
      const which = t.keys.map((k) => `WHEN ${quote(k)} IS NULL THEN '${k}_missing'`).join(' ');
      const { rows } = await client.query<{ reason: string; n: string }>(
        `SELECT CASE ${which} END AS reason, count(*) AS n FROM ${from(t)}
         WHERE NOT (${keysSet(t)}) GROUP BY 1`,
      );
      return Object.fromEntries(rows.map((r) => [r.reason, Number(r.n)]));
    },
    async page<C extends string>(t: TableLayout, cursor: Cursor, limit: number) {
      const lower = after(t, cursor, 2);
      const keys = keyList(t);
      // The page ends at the last key of the first `limit` rows, and takes every row with that key:
      // rows sharing a key (duplicates) never straddle two pages, so a checkpoint never splits them.
      // The outer ORDER BY names the table's columns (l.), not the select list's text copies of them.
      const own = t.keys.map((k) => `l.${quote(k)}`).join(', ');
      const descending = t.keys.map((k) => `${quote(k)} DESC`).join(', ');
      const { rows } = await client.query<Record<string, string | null>>(
        `SELECT ${selectList(t)} FROM ${from(t)} AS l
         WHERE ${keysSet(t)}${lower}
           AND (${keys}) <= (SELECT ${keys} FROM (SELECT ${keys} FROM ${from(t)} WHERE ${keysSet(t)}${lower}
                             ORDER BY ${keys} LIMIT $1) p ORDER BY ${descending} LIMIT 1)
         ORDER BY ${own}`,
        [Math.max(1, Math.floor(limit)), ...(cursor ?? [])],
      );
      return rows.map((r) => {
        const key = t.keys.map((_, i) => r[`__k${i}`] ?? '');
        return { ...r, key } as unknown as LegacyRow<C>;
      });
    },
    async close() {
      await client.query('COMMIT').catch(() => undefined);
      await client.end().catch(() => undefined);
    },
  };
}
