/**
 * migrate-legacy against a legacy schema built here (legacy-fixture.ts, dataset.ts): a dry run, a full
 * run whose report accounts for every row, a rerun that writes nothing, a resumed run, the optional
 * columns absent, the new ingester's rows recognised, and differences caught.
 */
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PARSER_VERSION } from '../../../src/domain/parse-result.js';
import { type LegacyMigrationReport, openLegacySource } from '../../../src/store/legacy/index.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/test-database.js';
import { dataset } from './dataset.js';
import { contents, count, migrate, sqlClient } from './harness.js';
import { IDENTITY_SQL } from './identity-sql.js';
import {
  CHANNEL,
  createLegacyDatabase,
  insertMessages,
  insertSignals,
  type LegacyDatabase,
  type LegacyOptions,
} from './legacy-fixture.js';

const data = dataset();
const cleanups: (() => Promise<void>)[] = [];

async function legacyWith(options: LegacyOptions = {}): Promise<LegacyDatabase> {
  const legacy = await createLegacyDatabase({ textPrices: true, ...options });
  cleanups.push(legacy.close);
  const d = dataset({ timestamps: options.timestamps !== false });
  await insertSignals(legacy.client, d.signals, { timestamps: options.timestamps !== false });
  if (!options.noMessages) await insertMessages(legacy.client, d.messages);
  return legacy;
}

async function dedicatedDb(): Promise<{ db: TestDatabase; sql: pg.Client }> {
  const db = await createTestDatabase();
  const sql = await sqlClient(db.url);
  cleanups.push(async () => {
    await sql.end();
    await db.drop();
  });
  return { db, sql };
}

function expectFullAccounting(report: LegacyMigrationReport): void {
  const v = report.signals.verification;
  expect(v).toMatchObject({
    rowsRead: data.expect.rows,
    checkpoints: data.expect.checkpoints,
    skipped: data.expect.skipped,
    duplicates: data.expect.duplicates,
    identities: data.expect.identities,
  });
  expect(Object.fromEntries((v?.perAsset ?? []).map((a) => [a.asset, a.legacy]))).toEqual(
    data.expect.perAsset,
  );
  expect(report.messages.verification).toMatchObject({
    rowsRead: data.expect.messageRows,
    skipped: data.expect.messageSkipped,
    duplicates: data.expect.messageDuplicates,
    versions: data.expect.messageVersions,
  });
}

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

describe('the data set', () => {
  let legacy: LegacyDatabase;
  let dedicated: { db: TestDatabase; sql: pg.Client };
  let first: LegacyMigrationReport;

  beforeAll(async () => {
    legacy = await legacyWith();
    dedicated = await dedicatedDb();
  });

  it('a dry run writes nothing and reports what a run would write', async () => {
    const report = await migrate(legacy.url, dedicated.db.url, { dryRun: true, batchSize: 4 });
    expect(report.ok, report.problems.join('\n')).toBe(true);
    expect(report.dryRun).toBe(true);
    expectFullAccounting(report);
    expect(report.signals.copy).toMatchObject({ inserted: 10, events: 0, rowsRead: data.expect.rows });
    expect(report.signals.verification).toMatchObject({ pending: 10, found: 0, missing: 0 });
    expect(report.messages.verification).toMatchObject({ pending: 5, found: 0, missing: 0 });
    for (const table of [
      'signals.tp_capital_signals',
      'signals.signal_events',
      'forwarded_messages.messages',
      'metrics.ingest_cursor',
    ]) {
      expect(await count(dedicated.sql, `SELECT count(*) AS n FROM ${table}`), table).toBe(0);
    }
  });

  it('a run copies every signal with its created event and accounts for every legacy row', async () => {
    const legacyState =
      "SELECT md5(string_agg(s::text, ',' ORDER BY s.id)) AS n FROM tp_capital.tp_capital_signals s";
    const before = (await legacy.client.query(legacyState)).rows[0]?.n;
    first = await migrate(legacy.url, dedicated.db.url, { batchSize: 4 });
    expect((await legacy.client.query(legacyState)).rows[0]?.n, 'the legacy is only read').toBe(before);
    expect(first.ok, first.problems.join('\n')).toBe(true);
    expectFullAccounting(first);
    // Batches of 4: the corrected re-ingestion of signal 2 comes three batches after it and replaces it.
    expect(first.signals.copy).toMatchObject({
      inserted: 10,
      replaced: 1,
      duplicates: 3,
      unchanged: 0,
      events: 11,
    });
    expect(first.signals.verification).toMatchObject({
      found: 10,
      missing: 0,
      fieldMismatches: 0,
      extraInDedicated: 0,
    });
    expect(first.signals.verification?.checksum.match).toBe(true);
    expect(first.signals.verification?.checksum.legacy.rows).toBe(10);
    for (const a of first.signals.verification?.perAsset ?? []) expect(a.dedicated).toBe(a.legacy);

    const { rows: signals } = await dedicated.sql.query(
      `SELECT s.id::int, s.message_id, s.asset, s.side, s.stop::text, s.targets, s.status, s.seq::int, s.source,
              s.updated_at, (SELECT max(e.seq)::int FROM signals.signal_events e WHERE e.signal_id = s.id) AS last_seq
       FROM signals.tp_capital_signals s ORDER BY s.ts`,
    );
    expect(signals).toHaveLength(10);
    for (const s of signals) {
      expect(s.message_id).toMatch(/^legacy:[0-9a-f]{16}$/);
      expect(s.seq).toBe(s.last_seq);
      expect(s).toMatchObject({ side: 'buy', status: 'open', source: 'telegram-gateway' });
      expect(s.targets).toEqual([
        { index: 1, price: 0.95 },
        { index: 2, price: 1.3 },
      ]);
    }
    // Signal 2: the later, corrected row won.
    expect(signals[2]).toMatchObject({ stop: '0.55' });
    expect(signals.filter((s) => s.stop === '0.55')).toHaveLength(1);
    const events = await dedicated.sql.query(
      `SELECT op, count(*)::int AS n, count(DISTINCT seq)::int AS seqs FROM signals.signal_events GROUP BY op ORDER BY op`,
    );
    expect(events.rows).toEqual([
      { op: 'created', n: 10, seqs: 10 },
      { op: 'updated', n: 1, seqs: 1 },
    ]);
    // The latest event of a signal carries the signal as stored (SSE replay serves it as is).
    const payload = await dedicated.sql.query(
      `SELECT e.op, e.payload, s.id::int, s.message_id, s.seq::int FROM signals.signal_events e
       JOIN signals.tp_capital_signals s ON s.id = e.signal_id WHERE e.seq = s.seq AND s.stop = 0.55`,
    );
    const latest = payload.rows[0];
    expect(latest?.op).toBe('updated');
    expect(latest?.payload).toMatchObject({
      id: latest?.id,
      message_id: latest?.message_id,
      seq: latest?.seq,
      stop: 0.55,
      asset: 'BOVAW32',
      status: 'open',
      side: 'buy',
    });

    // The identity, computed in SQL on the legacy side (docs/migrate-legacy.md), is the stored message id.
    const ids = await legacy.client.query<{ id: string }>(
      `SELECT DISTINCT ${IDENTITY_SQL} AS id FROM tp_capital.tp_capital_signals
       WHERE asset <> '__checkpoint__' AND asset IS NOT NULL AND channel IS NOT NULL AND raw_message IS NOT NULL
         AND ts > 1500000000000 AND ts < 1900000000000 AND signal_type IS NOT NULL AND stop <> '0,50' ORDER BY 1`,
    );
    expect(ids.rows.map((r) => r.id)).toEqual(signals.map((s) => s.message_id).sort());

    const inbox = await dedicated.sql.query(
      `SELECT message_id, kind, outcome, reason, parser_version, content IS NULL AS no_text, signal_id::int
       FROM forwarded_messages.messages ORDER BY message_id`,
    );
    expect(inbox.rows).toEqual([
      {
        message_id: '1000',
        kind: 'message',
        outcome: 'signal',
        reason: 'legacy_import',
        parser_version: PARSER_VERSION,
        no_text: false,
        signal_id: signals[0]?.id,
      },
      {
        message_id: '1001',
        kind: 'message',
        outcome: 'signal',
        reason: 'legacy_import',
        parser_version: PARSER_VERSION,
        no_text: false,
        signal_id: signals[1]?.id,
      },
      {
        message_id: '1002',
        kind: 'message',
        outcome: 'update',
        reason: 'legacy_import',
        parser_version: PARSER_VERSION,
        no_text: false,
        signal_id: null,
      },
      {
        message_id: '1003',
        kind: 'message',
        outcome: 'ignored',
        reason: 'commentary',
        parser_version: PARSER_VERSION,
        no_text: false,
        signal_id: null,
      },
      {
        message_id: '1004',
        kind: 'message',
        outcome: 'ignored',
        reason: 'empty',
        parser_version: PARSER_VERSION,
        no_text: true,
        signal_id: null,
      },
    ]);
    // Pages of 4 in (channel_id, message_id, original_timestamp) order, the duplicate pair kept together.
    expect(first.messages.copy).toMatchObject({ inserted: 5, linkedToSignals: 2, withPhotos: 1, batches: 2 });
    const cursors = await dedicated.sql.query(
      'SELECT channel_id, cursor FROM metrics.ingest_cursor ORDER BY 1',
    );
    expect(cursors.rows).toEqual([
      { channel_id: 'legacy-migration:tp_capital.forwarded_messages', cursor: '{"state":"complete"}' },
      { channel_id: 'legacy-migration:tp_capital.tp_capital_signals', cursor: '{"state":"complete"}' },
    ]);
  });

  it('a second run writes nothing and still verifies', async () => {
    const before = await contents(dedicated.sql);
    const again = await migrate(legacy.url, dedicated.db.url, { batchSize: 4 });
    expect(again.ok, again.problems.join('\n')).toBe(true);
    expectFullAccounting(again);
    expect(again.signals.copy).toMatchObject({
      inserted: 0,
      replaced: 0,
      unchanged: 10,
      events: 0,
      resumedFrom: null,
    });
    expect(again.messages.copy).toMatchObject({ inserted: 0, unchanged: 5 });
    expect(again.signals.verification?.checksum.legacy.sha256).toBe(
      first.signals.verification?.checksum.legacy.sha256,
    );
    expect(await contents(dedicated.sql)).toEqual(before);
  });

  it('a run stopped after two batches resumes where it stopped and ends where a straight run ends', async () => {
    const resumed = await dedicatedDb();
    const stop = new AbortController();
    const stopped = await migrate(legacy.url, resumed.db.url, {
      batchSize: 3,
      signal: stop.signal,
      onProgress: (p) => {
        if (p.phase === 'copy signals' && p.batches === 2) stop.abort();
      },
    });
    expect(stopped).toMatchObject({ completed: false, ok: false });
    expect(stopped.signals.verification).toBeNull();
    expect(stopped.problems.join()).toContain('stopped before the end of the copy');
    expect(stopped.signals.copy.batches).toBe(2);
    const written = await count(resumed.sql, 'SELECT count(*) AS n FROM signals.tp_capital_signals');
    expect(written).toBe(stopped.signals.copy.inserted);
    expect(written).toBeGreaterThan(0);
    const checkpoint = await resumed.sql.query<{ cursor: string }>(
      "SELECT cursor FROM metrics.ingest_cursor WHERE channel_id = 'legacy-migration:tp_capital.tp_capital_signals'",
    );
    expect(JSON.parse(checkpoint.rows[0]?.cursor ?? '{}')).toEqual({ state: 'in_progress', after: ['6'] });

    const rest = await migrate(legacy.url, resumed.db.url, { batchSize: 3 });
    expect(rest.ok, rest.problems.join('\n')).toBe(true);
    expect(rest.signals.copy.resumedFrom).toEqual(['6']);
    expect(rest.signals.copy.rowsRead).toBe(data.expect.rows - 6);
    expectFullAccounting(rest);
    expect(stopped.signals.copy.inserted + rest.signals.copy.inserted).toBe(10);
    expect(await contents(resumed.sql)).toEqual(await contents(dedicated.sql));
  });
});

describe('the legacy connection', () => {
  it('reads from one snapshot: rows the legacy writes meanwhile wait for the next run', async () => {
    const legacy = await legacyWith();
    const source = await openLegacySource({
      url: legacy.url,
      schema: 'tp_capital',
      connectTimeoutMs: 5000,
      statementTimeoutMs: 5000,
    });
    try {
      const before = await source.count(source.layout.signals, null);
      await insertSignals(legacy.client, [data.signals[0]!]);
      expect(await source.count(source.layout.signals, null)).toBe(before);
      const page = await source.page(source.layout.signals, null, 1000);
      expect(page).toHaveLength(before);
    } finally {
      await source.close();
    }
    const { rows } = await legacy.client.query<{ n: string }>(
      'SELECT count(*) AS n FROM tp_capital.tp_capital_signals',
    );
    expect(Number(rows[0]?.n)).toBe(data.expect.rows + 1);
  });
});

describe('legacy variants', () => {
  it('without created_at/updated_at, forwarded_messages keyed by id: the later ingestion wins', async () => {
    const legacy = await legacyWith({ timestamps: false, messageIds: true });
    const { db, sql } = await dedicatedDb();
    const report = await migrate(legacy.url, db.url, { batchSize: 5 });
    expect(report.ok, report.problems.join('\n')).toBe(true);
    expect(report.legacy.optionalSignalColumns).toEqual({ created_at: false, updated_at: false });
    expect(report.legacy.messagesTable?.keys).toEqual(['id']);
    expectFullAccounting(report);
    expect(await count(sql, 'SELECT count(*) AS n FROM signals.tp_capital_signals WHERE stop = 0.55')).toBe(
      1,
    );
    expect(await count(sql, 'SELECT count(*) AS n FROM forwarded_messages.messages')).toBe(5);
  });

  it('without forwarded_messages: the signals alone, and the report says the table is absent', async () => {
    const legacy = await legacyWith({ noMessages: true, schema: 'tp_capital' });
    const { db } = await dedicatedDb();
    const report = await migrate(legacy.url, db.url);
    expect(report.ok, report.problems.join('\n')).toBe(true);
    expect(report.legacy.messagesTable).toBeNull();
    expect(report.messages.verification).toBeNull();
    expect(report.signals.verification).toMatchObject({ identities: 10, found: 10 });
  });
});

describe('the dedicated side', () => {
  it('a post the new ingester already stored under its real message id is not copied twice', async () => {
    const legacy = await legacyWith();
    const { db, sql } = await dedicatedDb();
    // As the new stack stores it during the canary: real message id, same ts and raw_message.
    const s5 = data.signals[5]!;
    await sql.query(
      `INSERT INTO signals.tp_capital_signals (channel, message_id, ts, signal_type, asset, side, raw_message, seq)
       VALUES ($1, '4242', to_timestamp($2::float8 / 1000), 'Swing Trade', $3, 'buy', $4, 0)`,
      [CHANNEL, s5.ts, s5.asset, s5.raw_message],
    );
    const report = await migrate(legacy.url, db.url);
    expect(report.ok, report.problems.join('\n')).toBe(true);
    expect(report.signals.copy).toMatchObject({ inserted: 9, matchedIngested: 1 });
    expect(report.signals.verification).toMatchObject({ found: 9, matchedIngested: 1, missing: 0 });
    expect(await count(sql, 'SELECT count(*) AS n FROM signals.tp_capital_signals')).toBe(10);
  });

  it('a stored signal changed behind its back, or a legacy row gone, fails the verification', async () => {
    const legacy = await legacyWith();
    const { db, sql } = await dedicatedDb();
    expect((await migrate(legacy.url, db.url)).ok).toBe(true);

    await sql.query(
      "UPDATE signals.tp_capital_signals SET stop = 9 WHERE asset = 'VALEK600' AND ts = (SELECT min(ts) FROM signals.tp_capital_signals WHERE asset = 'VALEK600')",
    );
    const changed = await migrate(legacy.url, db.url);
    expect(changed.ok).toBe(false);
    expect(changed.signals.verification).toMatchObject({ fieldMismatches: 1, missing: 0 });
    expect(changed.problems.join()).toContain('differ from their legacy row');

    // Signal 9 has no duplicate: deleting its legacy row leaves a migrated row nothing explains.
    await legacy.client.query('DELETE FROM tp_capital.tp_capital_signals WHERE id = 10');
    const gone = await migrate(legacy.url, db.url);
    expect(gone.ok).toBe(false);
    expect(gone.signals.verification).toMatchObject({ identities: 9, extraInDedicated: 1 });
    expect(gone.problems.join()).toContain('no legacy row explains');
  });
});
