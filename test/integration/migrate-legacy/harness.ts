/** Runs the migration in-process between a legacy and a dedicated test database, and reads the result. */
import pg from 'pg';
import { pino } from 'pino';
import { parseMessage } from '../../../src/parser/index.js';
import { createDb } from '../../../src/store/index.js';
import {
  type LegacyMigrationReport,
  openLegacySource,
  type Progress,
  runLegacyMigration,
} from '../../../src/store/legacy/index.js';

const TIMEOUT_MS = 30_000;

export async function migrate(
  legacyUrl: string,
  dedicatedUrl: string,
  options: {
    dryRun?: boolean;
    batchSize?: number;
    schema?: string;
    signal?: AbortSignal;
    onProgress?: (p: Progress) => void;
  } = {},
): Promise<LegacyMigrationReport> {
  const source = await openLegacySource({
    url: legacyUrl,
    schema: options.schema ?? 'tp_capital',
    connectTimeoutMs: 5000,
    statementTimeoutMs: TIMEOUT_MS,
  });
  const db = createDb(
    { url: dedicatedUrl, poolMax: 2, statementTimeoutMs: TIMEOUT_MS, connectTimeoutMs: 5000 },
    pino({ level: 'silent' }),
  );
  try {
    return await runLegacyMigration({
      db,
      source,
      parse: parseMessage,
      dryRun: options.dryRun ?? false,
      batchSize: options.batchSize ?? 1000,
      statementTimeoutMs: TIMEOUT_MS,
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    });
  } finally {
    await source.close();
    await db.close();
  }
}

export async function sqlClient(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return client;
}

export async function count(client: pg.Client, sql: string, values: unknown[] = []): Promise<number> {
  const { rows } = await client.query<{ n: string }>(sql, values);
  return Number(rows[0]?.n ?? 0);
}

/** What the dedicated database holds, independent of ids and seqs: for comparing two migrations. */
export async function contents(
  client: pg.Client,
): Promise<{ signals: string[]; inbox: string[]; events: number }> {
  const signals = await client.query<{ line: string }>(
    `SELECT concat_ws('|', channel, message_id, ts, signal_type, asset, side, buy_min, buy_max, target_1, target_2,
       target_final, stop, targets::text, status, valid_until, raw_message, source, warnings::text, ingested_at,
       created_at, updated_at) AS line
     FROM signals.tp_capital_signals ORDER BY 1`,
  );
  const inbox = await client.query<{ line: string }>(
    `SELECT concat_ws('|', channel_id, message_id, telegram_date, received_at, kind, content, content_hash, outcome,
       reason, warnings::text, parser_version, signal_id IS NOT NULL) AS line
     FROM forwarded_messages.messages ORDER BY 1`,
  );
  return {
    signals: signals.rows.map((r) => r.line),
    inbox: inbox.rows.map((r) => r.line),
    events: await count(client, 'SELECT count(*) AS n FROM signals.signal_events'),
  };
}
