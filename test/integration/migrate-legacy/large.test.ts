/**
 * 100,000 legacy rows — 80,000 signals, 15,000 duplicates (plain re-ingestions, later corrections,
 * `\r\n` variants), 3,000 broken rows of six kinds, 2,000 checkpoint pseudo-rows — plus 2,000
 * forwarded messages: one run moves them and its report accounts for every row. Prints rows/s (a
 * measurement, not asserted).
 */
import type pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../helpers/test-database.js';
import { count, migrate, sqlClient } from './harness.js';
import { BASE_MS, CHANNEL, createLegacyDatabase, type LegacyDatabase } from './legacy-fixture.js';

const ASSETS = Array.from({ length: 20 }, (_, i) => `OPCX${200 + i * 5}`);
let legacy: LegacyDatabase;
let dedicated: TestDatabase;
let sql: pg.Client;

const TEXT = `format(E'🔥 SWING TRADE\\nATIVO: %s\\nCOMPRA: 0,80 a 0,85\\nALVO 1: 0,95\\nALVO 2: 1,30\\nALVO FINAL: 2,10\\nSTOP: 0,50\\n#%s', a.asset, g)`;
const COLUMNS =
  'ts, channel, signal_type, asset, buy_min, buy_max, target_1, target_2, target_final, stop, raw_message, source, ingested_at, updated_at';
const COPY = `ts, channel, signal_type, asset, buy_min, buy_max, target_1, target_2, target_final`;

beforeAll(async () => {
  legacy = await createLegacyDatabase({ textPrices: true });
  const c = legacy.client;
  const assets = `(ARRAY[${ASSETS.map((a) => `'${a}'`).join(', ')}])[1 + g % ${ASSETS.length}]`;
  await c.query(
    `INSERT INTO tp_capital.tp_capital_signals (${COLUMNS})
     SELECT $1::bigint + g::bigint * 60000, $2, 'Swing Trade', a.asset, '0.80', '0.85', '0.95', '1.30', '2.10', '0.50', ${TEXT},
       'telegram-gateway', to_timestamp(($1::bigint + g::bigint * 60000 + 5000) / 1000.0), NULL
     FROM generate_series(1, 80000) g, LATERAL (SELECT ${assets} AS asset) a`,
    [BASE_MS, CHANNEL],
  );
  // Re-ingested as they were; corrected a day later (they win); with Windows line ends (same post).
  await c.query(`INSERT INTO tp_capital.tp_capital_signals (${COLUMNS})
    SELECT ${COPY}, stop, raw_message, source, ingested_at + interval '1 minute', NULL
    FROM tp_capital.tp_capital_signals WHERE id <= 80000 AND id % 16 = 0`);
  await c.query(`INSERT INTO tp_capital.tp_capital_signals (${COLUMNS})
    SELECT ${COPY}, '0.55', raw_message, source, ingested_at + interval '1 day', ingested_at + interval '1 day'
    FROM tp_capital.tp_capital_signals WHERE id <= 80000 AND id % 16 = 1`);
  await c.query(`INSERT INTO tp_capital.tp_capital_signals (${COLUMNS})
    SELECT ${COPY}, stop, replace(raw_message, E'\\n', E'\\r\\n') || '  ', source, ingested_at, NULL
    FROM tp_capital.tp_capital_signals WHERE id <= 80000 AND id % 16 = 2`);
  // Broken: no asset, no ts, no text, a price with a comma, no channel, ts in seconds.
  await c.query(
    `INSERT INTO tp_capital.tp_capital_signals (${COLUMNS})
     SELECT CASE k WHEN 1 THEN NULL WHEN 5 THEN $1::bigint / 1000 + g ELSE $1::bigint + (100000 + g)::bigint * 60000 END,
       CASE k WHEN 4 THEN NULL ELSE $2 END, 'Swing Trade', CASE k WHEN 0 THEN NULL ELSE 'PETRX245' END,
       '0.80', '0.85', '0.95', '1.30', '2.10', CASE k WHEN 3 THEN '1,5' ELSE '0.50' END,
       CASE k WHEN 2 THEN NULL ELSE 'broken ' || g END, 'telegram-gateway', now(), NULL
     FROM generate_series(1, 3000) g, LATERAL (SELECT g % 6 AS k) x`,
    [BASE_MS, CHANNEL],
  );
  await c.query(
    `INSERT INTO tp_capital.tp_capital_signals (ts, channel, asset, raw_message)
     SELECT $1::bigint + g::bigint * 3600000, $2, '__checkpoint__', NULL FROM generate_series(1, 2000) g`,
    [BASE_MS, CHANNEL],
  );
  // Forwarded messages: 1,900 posts, 50 forwarded twice, 50 without a date.
  await c.query(
    `INSERT INTO tp_capital.forwarded_messages (channel_id, message_id, message_text, original_timestamp)
     SELECT $2::bigint, 10000 + g, 'Bom dia, post ' || g, to_timestamp(($1::bigint + g::bigint * 60000) / 1000.0)
     FROM generate_series(1, 1900) g
     UNION ALL SELECT $2::bigint, 10000 + g, 'Bom dia, post ' || g, to_timestamp(($1::bigint + g::bigint * 60000) / 1000.0)
     FROM generate_series(1, 50) g
     UNION ALL SELECT $2::bigint, 20000 + g, 'sem data', NULL FROM generate_series(1, 50) g`,
    [BASE_MS, CHANNEL],
  );
  expect(await count(c, 'SELECT count(*) AS n FROM tp_capital.tp_capital_signals')).toBe(100_000);
  dedicated = await createTestDatabase();
  sql = await sqlClient(dedicated.url);
}, 120_000);

afterAll(async () => {
  await sql?.end();
  await dedicated?.drop();
  await legacy?.close();
});

it('moves a 100,000-row legacy table and its report accounts for every row', async () => {
  const report = await migrate(legacy.url, dedicated.url, { batchSize: 1000 });
  const copy = report.signals.copy;
  console.log(
    `migrate-legacy 100k: copy ${copy.rowsRead} rows in ${copy.seconds.toFixed(1)} s = ${report.signals.rowsPerSecond} rows/s; ` +
      `verification ${report.signals.verification?.seconds.toFixed(1)} s; messages ${report.messages.copy?.seconds.toFixed(1)} s; ` +
      `whole run ${report.seconds.toFixed(1)} s`,
  );
  expect(report.ok, report.problems.join('\n')).toBe(true);
  expect(report.signals.verification).toMatchObject({
    rowsRead: 100_000,
    checkpoints: 2000,
    duplicates: 15_000,
    identities: 80_000,
    found: 80_000,
    missing: 0,
    fieldMismatches: 0,
    extraInDedicated: 0,
    skipped: {
      asset_missing: 500,
      ts_missing: 500,
      raw_message_missing: 500,
      price_invalid: 500,
      channel_missing: 500,
      ts_out_of_range: 500,
    },
  });
  expect(report.signals.verification?.checksum.match).toBe(true);
  expect(report.signals.verification?.perAsset).toEqual(
    ASSETS.map((asset) => ({ asset, legacy: 4000, dedicated: 4000 })).sort((a, b) =>
      a.asset.localeCompare(b.asset),
    ),
  );
  // The corrections come after their originals in id order, hence in later batches: replaced, one event each.
  expect(copy).toMatchObject({ inserted: 80_000, replaced: 5000, duplicates: 10_000, events: 85_000 });
  expect(report.messages.verification).toMatchObject({
    rowsRead: 2000,
    versions: 1900,
    duplicates: 50,
    found: 1900,
  });
  expect(await count(sql, 'SELECT count(*) AS n FROM signals.tp_capital_signals')).toBe(80_000);
  expect(await count(sql, 'SELECT count(*) AS n FROM signals.tp_capital_signals WHERE stop = 0.55')).toBe(
    5000,
  );
  expect(await count(sql, 'SELECT count(*) AS n FROM signals.signal_events')).toBe(85_000);
}, 120_000);
