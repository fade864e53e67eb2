/**
 * A legacy shared database as the tests need it: the `tp_capital` schema with its two tables (the
 * optional columns on or off), filled with realistic rows — canonical signals, duplicates, checkpoint
 * pseudo-rows and broken rows — whose expected accounting each helper returns alongside.
 */
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '../../helpers/test-database.js';

export const CHANNEL = '-1001649127710';
export const BASE_MS = Date.UTC(2025, 9, 1, 12, 0, 0);

export interface LegacyDatabase {
  url: string;
  client: pg.Client;
  close(): Promise<void>;
}

export interface LegacyOptions {
  schema?: string;
  /** created_at and updated_at columns (the optional ones). */
  timestamps?: boolean;
  /** Prices as text columns (some legacy deployments), so that junk like '1,50' can be stored. */
  textPrices?: boolean;
  /** forwarded_messages with an `id` column (keyset on it) rather than without. */
  messageIds?: boolean;
  /** Leave out forwarded_messages altogether. */
  noMessages?: boolean;
}

export async function createLegacyDatabase(
  options: LegacyOptions = {},
): Promise<LegacyDatabase & { db: TestDatabase }> {
  const db = await createTestDatabase({ empty: true });
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  const schema = options.schema ?? 'tp_capital';
  const price = options.textPrices ? 'TEXT' : 'DECIMAL(12, 4)';
  const stamps = options.timestamps === false ? '' : ', created_at TIMESTAMPTZ, updated_at TIMESTAMPTZ';
  await client.query(`CREATE SCHEMA ${schema}`);
  // As the legacy has it: a serial id, no unique key over the message (hence the duplicates).
  await client.query(`CREATE TABLE ${schema}.tp_capital_signals (
    id BIGSERIAL, ts BIGINT, channel TEXT, signal_type TEXT, asset TEXT,
    buy_min ${price}, buy_max ${price}, target_1 ${price}, target_2 ${price}, target_final ${price}, stop ${price},
    raw_message TEXT, source TEXT, ingested_at TIMESTAMPTZ DEFAULT now()${stamps})`);
  if (!options.noMessages) {
    await client.query(`CREATE TABLE ${schema}.forwarded_messages (${options.messageIds ? 'id BIGSERIAL, ' : ''}
      channel_id BIGINT, message_id BIGINT, message_text TEXT, original_timestamp TIMESTAMPTZ, photos JSONB,
      received_at TIMESTAMPTZ DEFAULT now())`);
  }
  return {
    db,
    url: db.url,
    client,
    async close() {
      await client.end().catch(() => undefined);
      await db.drop();
    },
  };
}

export interface SignalSeed {
  ts: number | null;
  channel?: string | null;
  signal_type?: string | null;
  asset: string | null;
  buy_min?: string | null;
  buy_max?: string | null;
  target_1?: string | null;
  target_2?: string | null;
  target_final?: string | null;
  stop?: string | null;
  raw_message: string | null;
  source?: string | null;
  ingested_at?: string;
  updated_at?: string | null;
}

export function post(
  asset: string,
  minute: number,
  prices: { entry: string; t1: string; t2: string; final: string; stop: string },
): string {
  const comma = (v: string) => v.replace('.', ',');
  return `🔥 SWING TRADE\nATIVO: ${asset}\nCOMPRA: ${comma(prices.entry)}\nALVO 1: ${comma(prices.t1)}\nALVO 2: ${comma(prices.t2)}\nALVO FINAL: ${comma(prices.final)}\nSTOP: ${comma(prices.stop)}\n#${minute}`;
}

/** A canonical legacy signal: the text and the columns the legacy parser made of it. */
export function signal(asset: string, minute: number, over: Partial<SignalSeed> = {}): SignalSeed {
  const prices = { entry: '0.80', t1: '0.95', t2: '1.30', final: '2.10', stop: '0.50' };
  return {
    ts: BASE_MS + minute * 60_000,
    channel: CHANNEL,
    signal_type: 'Swing Trade',
    asset,
    buy_min: prices.entry,
    buy_max: prices.entry,
    target_1: prices.t1,
    target_2: prices.t2,
    target_final: prices.final,
    stop: prices.stop,
    raw_message: post(asset, minute, prices),
    source: 'telegram-gateway',
    ingested_at: new Date(BASE_MS + minute * 60_000 + 5000).toISOString(),
    ...over,
  };
}

const SIGNAL_COLUMNS = [
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

export async function insertSignals(
  client: pg.Client,
  seeds: SignalSeed[],
  options: { schema?: string; timestamps?: boolean } = {},
): Promise<void> {
  const schema = options.schema ?? 'tp_capital';
  const columns = options.timestamps === false ? [...SIGNAL_COLUMNS] : [...SIGNAL_COLUMNS, 'updated_at'];
  for (let i = 0; i < seeds.length; i += 500) {
    const part = seeds.slice(i, i + 500);
    const values: unknown[] = [];
    const tuples = part.map((seed) => {
      const row = columns.map((c) => {
        const v = (seed as unknown as Record<string, unknown>)[c];
        return v === undefined ? null : v;
      });
      values.push(...row);
      return `(${row.map((_, j) => `$${values.length - row.length + j + 1}`).join(', ')})`;
    });
    await client.query(
      `INSERT INTO ${schema}.tp_capital_signals (${columns.join(', ')}) VALUES ${tuples.join(', ')}`,
      values,
    );
  }
}

export interface MessageSeed {
  channel_id: string | null;
  message_id: string | null;
  message_text: string | null;
  original_timestamp: string | null;
  photos?: string | null;
}

export async function insertMessages(
  client: pg.Client,
  seeds: MessageSeed[],
  schema = 'tp_capital',
): Promise<void> {
  for (const s of seeds) {
    await client.query(
      `INSERT INTO ${schema}.forwarded_messages (channel_id, message_id, message_text, original_timestamp, photos)
       VALUES ($1, $2, $3, $4, $5)`,
      [s.channel_id, s.message_id, s.message_text, s.original_timestamp, s.photos ?? null],
    );
  }
}
