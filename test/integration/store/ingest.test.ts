/** applyBatch: versions, signals, edits, deletions, rejections — one transaction, one report per item. */
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../helpers/test-database.js';
import {
  again,
  at,
  CHANNEL,
  count,
  ignoredResult,
  message,
  openStore,
  parsed,
  post,
  rejected,
  signalResult,
  sqlClient,
  updateResult,
} from './fixtures.js';

let database: TestDatabase;
let store: ReturnType<typeof openStore>;
let sql: pg.Client;

beforeAll(async () => {
  database = await createTestDatabase();
  store = openStore(database.url);
  sql = await sqlClient(database.url);
});

afterAll(async () => {
  await sql?.end();
  await store?.close();
  await database?.drop();
});

describe('a new signal', () => {
  it('is inserted with an event, an inbox row and the cursor, all as one batch', async () => {
    const item = post(signalResult('PETRX245', { buy_min: 0.123456789012, buy_max: 120500 }), {
      telegramDate: at(1),
    });
    const report = await store.ingest.applyBatch([item], { channelId: CHANNEL, cursor: 'c-1' });

    expect(report.items).toEqual([
      {
        outcome: 'inserted',
        channelId: CHANNEL,
        messageId: expect.any(String),
        signalId: expect.any(Number),
      },
    ]);
    expect(report.events).toHaveLength(1);
    const [event] = report.events;
    expect(event?.op).toBe('created');
    expect(event?.signal).toMatchObject({
      id: report.items[0]?.signalId,
      ts: at(1).getTime(),
      channel: CHANNEL,
      asset: 'PETRX245',
      buy_min: 0.123456789012,
      buy_max: 120500,
      target_final: 2.1,
      targets: [
        { index: 1, price: 0.95 },
        { index: 2, price: 1.3 },
      ],
      status: 'open',
      valid_until: '2025-11-14',
      source: 'telegram-gateway',
      seq: event?.seq,
    });
    // The snapshot in the log and the row read back agree, and the prices are stored exactly.
    const stored = await store.read.getById(report.items[0]!.signalId!);
    expect(stored?.signal).toEqual(event?.signal);
    expect(stored?.events).toEqual(report.events);
    const { rows } = await sql.query(
      'SELECT buy_min::text AS b FROM signals.tp_capital_signals WHERE id = $1',
      [event?.signal.id],
    );
    expect(rows[0]?.b).toBe('0.123456789012');
    expect(await store.ingest.getCursor(CHANNEL)).toBe('c-1');
    const inbox = await sql.query(
      'SELECT outcome, reason, signal_id, parser_version, kind FROM forwarded_messages.messages WHERE message_id = $1',
      [item.kind === 'parsed' ? item.message.messageId : ''],
    );
    expect(inbox.rows).toEqual([
      {
        outcome: 'signal',
        reason: null,
        signal_id: String(event?.signal.id),
        parser_version: 1,
        kind: 'message',
      },
    ]);
  });

  it('re-applying the same batch changes nothing and appends no event', async () => {
    const items = [
      post(signalResult('ABEVK122'), { telegramDate: at(2) }),
      post(ignoredResult(), { telegramDate: at(2) }),
      post(updateResult('ABEVK122', 'target_hit', 1), { telegramDate: at(3) }),
      rejected(),
    ];
    const first = await store.ingest.applyBatch(items, { channelId: CHANNEL, cursor: 'c-2' });
    expect(first.items.map((i) => i.outcome)).toEqual(['inserted', 'ignored', 'update_applied', 'rejected']);
    const before = {
      inbox: await count(sql, 'forwarded_messages.messages'),
      events: await count(sql, 'signals.signal_events'),
      signal: (await store.read.getById(first.items[0]!.signalId!))?.signal,
    };

    const second = await store.ingest.applyBatch(items, { channelId: CHANNEL, cursor: 'c-3' });
    expect(second.items.map((i) => i.outcome)).toEqual(['unchanged', 'unchanged', 'unchanged', 'unchanged']);
    expect(second.items.map((i) => i.signalId)).toEqual(first.items.map((i) => i.signalId));
    expect(second.events).toEqual([]);
    expect(await count(sql, 'forwarded_messages.messages')).toBe(before.inbox);
    expect(await count(sql, 'signals.signal_events')).toBe(before.events);
    expect((await store.read.getById(first.items[0]!.signalId!))?.signal).toEqual(before.signal);
    expect(await store.ingest.getCursor(CHANNEL)).toBe('c-3');
  });

  it('a version repeated inside one batch is applied once', async () => {
    const item = post(signalResult('BOVA11'), { telegramDate: at(4) });
    const report = await store.ingest.applyBatch([item, item], null);
    expect(report.items.map((i) => i.outcome)).toEqual(['inserted', 'unchanged']);
    expect(report.items[1]?.signalId).toBe(report.items[0]?.signalId);
    expect(report.events).toHaveLength(1);
  });

  it('a new signal and an update about it in one batch: events in seq order, the row keeps the last seq', async () => {
    const report = await store.ingest.applyBatch(
      [
        post(signalResult('KLBNK177'), { telegramDate: at(5) }),
        post(updateResult('KLBNK177', 'target_hit', 2), { telegramDate: at(6) }),
      ],
      null,
    );
    expect(report.items.map((i) => i.outcome)).toEqual(['inserted', 'update_applied']);
    expect(report.events.map((e) => [e.op, e.signal.status])).toEqual([
      ['created', 'open'],
      ['target_hit', 'target_2_hit'],
    ]);
    const [a, b] = report.events;
    expect(b!.seq).toBe(a!.seq + 1);
    const stored = await store.read.getById(report.items[0]!.signalId!);
    expect(stored?.signal.seq).toBe(b!.seq);
    expect(stored?.signal.status).toBe('target_2_hit');
  });
});

describe('edits and deletions', () => {
  it('an edit with new prices updates the signal (status kept) and appends `updated`', async () => {
    const original = post(signalResult('VALEW591'), { telegramDate: at(10) });
    const created = await store.ingest.applyBatch(
      [original, post(updateResult('VALEW591', 'target_hit', 1), { telegramDate: at(11) })],
      null,
    );
    const id = created.items[0]!.signalId!;
    const edit = again(
      original,
      'edited',
      signalResult('VALEW591', { stop: 0.5, buy_max: 0.9 }, 'Ativo: VALEW591 v2'),
    );
    const report = await store.ingest.applyBatch([edit], null);
    expect(report.items[0]).toMatchObject({ outcome: 'updated', signalId: id });
    expect(report.events.map((e) => e.op)).toEqual(['updated']);
    expect(report.events[0]?.signal).toMatchObject({
      id,
      stop: 0.5,
      buy_max: 0.9,
      raw_message: 'Ativo: VALEW591 v2',
      status: 'target_1_hit',
    });
    const stored = await store.read.getById(id);
    expect(stored?.signal).toEqual(report.events[0]?.signal);
    expect(stored?.events.map((e) => e.op)).toEqual(['created', 'target_hit', 'updated']);
    // The inbox keeps both versions.
    expect(
      await count(
        sql,
        'forwarded_messages.messages',
        `message_id = '${edit.kind === 'parsed' && edit.message.messageId}'`,
      ),
    ).toBe(2);
  });

  it('an edit that parses to the same signal is a new inbox version but no event', async () => {
    const original = post(signalResult('ITUB4'), { telegramDate: at(12) });
    await store.ingest.applyBatch([original], null);
    const report = await store.ingest.applyBatch([again(original, 'edited', signalResult('ITUB4'))], null);
    expect(report.items[0]?.outcome).toBe('unchanged');
    expect(report.events).toEqual([]);
  });

  it('an edit whose new text is no longer a signal cancels it, once', async () => {
    const original = post(signalResult('WEGE3'), { telegramDate: at(13) });
    const { items } = await store.ingest.applyBatch([original], null);
    const report = await store.ingest.applyBatch(
      [again(original, 'edited', ignoredResult('no_prices'))],
      null,
    );
    expect(report.items[0]).toMatchObject({ outcome: 'updated', signalId: items[0]?.signalId });
    expect(report.events.map((e) => [e.op, e.signal.status])).toEqual([['cancelled', 'cancelled']]);
    const { rows } = await sql.query(
      `SELECT outcome, reason, signal_id FROM forwarded_messages.messages WHERE kind = 'edited' AND message_id = $1`,
      [original.kind === 'parsed' ? original.message.messageId : ''],
    );
    expect(rows).toEqual([
      { outcome: 'ignored', reason: 'no_prices', signal_id: String(items[0]?.signalId) },
    ]);

    const again2 = await store.ingest.applyBatch(
      [again(original, 'edited', ignoredResult('commentary'), 'second edit')],
      null,
    );
    expect(again2.items[0]?.outcome).toBe('unchanged');
    expect(again2.events).toEqual([]);
  });

  it('a deletion cancels the signal; deleting a non-signal changes nothing', async () => {
    const original = post(signalResult('MGLU3'), { telegramDate: at(14) });
    const comment = post(ignoredResult(), { telegramDate: at(14) });
    const { items } = await store.ingest.applyBatch([original, comment], null);
    const report = await store.ingest.applyBatch(
      [again(original, 'deleted', signalResult('MGLU3')), again(comment, 'deleted', ignoredResult())],
      null,
    );
    expect(report.items.map((i) => [i.outcome, i.signalId])).toEqual([
      ['updated', items[0]?.signalId],
      ['ignored', null],
    ]);
    expect(report.events.map((e) => [e.op, e.signal.id])).toEqual([['cancelled', items[0]?.signalId]]);
    const { rows } = await sql.query(
      `SELECT reason FROM forwarded_messages.messages WHERE kind = 'deleted' AND message_id = ANY($1) ORDER BY id`,
      [[original, comment].map((i) => (i.kind === 'parsed' ? i.message.messageId : ''))],
    );
    expect(rows.map((r) => r.reason)).toEqual(['deleted', 'deleted']);
  });
});

describe('inbox-only outcomes', () => {
  it('ignored and rejected messages are kept with their reason; an unattributable rejection is only reported', async () => {
    const report = await store.ingest.applyBatch(
      [
        post(ignoredResult('no_prices'), { telegramDate: at(20) }),
        rejected({ messageId: '777001', telegramDate: null, reason: 'invalid_date' }),
        rejected({ messageId: null, channelId: null, reason: 'invalid_json' }),
      ],
      null,
    );
    expect(report.items).toEqual([
      { outcome: 'ignored', channelId: CHANNEL, messageId: expect.any(String), signalId: null },
      { outcome: 'rejected', channelId: CHANNEL, messageId: '777001', signalId: null },
      { outcome: 'rejected', channelId: null, messageId: null, signalId: null },
    ]);
    const { rows } = await sql.query(
      `SELECT outcome, reason, telegram_date, content FROM forwarded_messages.messages WHERE message_id = '777001'`,
    );
    expect(rows).toEqual([
      { outcome: 'rejected', reason: 'invalid_date', telegram_date: new Date(0), content: '{"id": ' },
    ]);
  });

  it('text PostgreSQL cannot hold (NUL, lone surrogates) is kept replaced; an impossible date is a rejection', async () => {
    const hostile = 'Ativo: PETR4\u0000 \ud800 fim';
    const report = await store.ingest.applyBatch(
      [
        parsed(message({ content: hostile, telegramDate: at(21) }), signalResult('NULL3', {}, hostile)),
        parsed(message({ telegramDate: new Date(-8.64e15) }), signalResult('DATE3')),
      ],
      null,
    );
    expect(report.items.map((i) => i.outcome)).toEqual(['inserted', 'rejected']);
    expect(report.events[0]?.signal.raw_message).toBe('Ativo: PETR4\ufffd \ufffd fim');
    const { rows } = await sql.query(
      `SELECT reason, telegram_date FROM forwarded_messages.messages WHERE outcome = 'rejected' AND message_id = $1`,
      [report.items[1]?.messageId],
    );
    expect(rows).toEqual([{ reason: 'telegram_date_out_of_range', telegram_date: new Date(0) }]);
  });

  it('per-minute statistics count every outcome', async () => {
    const before = await sql.query(`SELECT coalesce(sum(count), 0)::int AS n FROM metrics.processing_stats`);
    await store.ingest.applyBatch(
      [post(ignoredResult(), { telegramDate: at(22) }), rejected({ messageId: null })],
      null,
    );
    const after = await sql.query(`SELECT coalesce(sum(count), 0)::int AS n FROM metrics.processing_stats`);
    expect(after.rows[0].n - before.rows[0].n).toBe(2);
  });
});

describe('re-evaluation (reprocess feeds inbox rows back)', () => {
  it('a version stored by an older parser is re-evaluated; a current one is not', async () => {
    const item = post(ignoredResult(), { telegramDate: at(30) });
    await store.ingest.applyBatch([item], null);
    const messageId = item.kind === 'parsed' ? item.message.messageId : '';
    // The same version, now parsed as a signal by a newer parser (simulated by ageing the stored row).
    const asSignal = parsed(item.kind === 'parsed' ? item.message : message(), signalResult('REPR3'));
    expect((await store.ingest.applyBatch([asSignal], null)).items[0]?.outcome).toBe('unchanged');
    await sql.query('UPDATE forwarded_messages.messages SET parser_version = 0 WHERE message_id = $1', [
      messageId,
    ]);
    const report = await store.ingest.applyBatch([asSignal], null);
    expect(report.items[0]?.outcome).toBe('inserted');
    const { rows } = await sql.query(
      'SELECT outcome, parser_version, signal_id FROM forwarded_messages.messages WHERE message_id = $1',
      [messageId],
    );
    expect(rows).toEqual([
      { outcome: 'signal', parser_version: 1, signal_id: String(report.items[0]?.signalId) },
    ]);
  });

  it('an old version re-evaluated after a newer one exists does not roll the signal back', async () => {
    const v1 = post(signalResult('SUPR3', { stop: 1 }), { telegramDate: at(31) });
    const v2 = again(v1, 'edited', signalResult('SUPR3', { stop: 2 }));
    const { items } = await store.ingest.applyBatch([v1, v2], null);
    await sql.query(
      `UPDATE forwarded_messages.messages SET parser_version = 0 WHERE kind = 'message' AND message_id = $1`,
      [items[0]?.messageId],
    );
    const report = await store.ingest.applyBatch([v1], null);
    expect(report.items[0]?.outcome).toBe('unchanged');
    expect(report.events).toEqual([]);
    expect((await store.read.getById(items[0]!.signalId!))?.signal.stop).toBe(2);
    const { rows } = await sql.query(
      `SELECT reason, parser_version FROM forwarded_messages.messages WHERE kind = 'message' AND message_id = $1`,
      [items[0]?.messageId],
    );
    expect(rows).toEqual([{ reason: 'superseded', parser_version: 1 }]);
  });

  it('an applied update re-evaluated is not applied a second time', async () => {
    const channel = '-1007700000001';
    const older = post(signalResult('REAP3'), { channelId: channel, telegramDate: at(32) });
    const newer = post(signalResult('REAP3'), { channelId: channel, telegramDate: at(33) });
    const stop = post(updateResult('REAP3', 'stop_hit'), { channelId: channel, telegramDate: at(34) });
    const { items } = await store.ingest.applyBatch([older, newer, stop], null);
    expect(items[2]).toMatchObject({ outcome: 'update_applied', signalId: items[1]?.signalId });
    await sql.query('UPDATE forwarded_messages.messages SET parser_version = 0 WHERE message_id = $1', [
      items[2]?.messageId,
    ]);
    const report = await store.ingest.applyBatch([stop], null);
    expect(report.items[0]).toMatchObject({ outcome: 'unchanged', signalId: items[1]?.signalId });
    expect((await store.read.getById(items[0]!.signalId!))?.signal.status).toBe('open');
  });
});
