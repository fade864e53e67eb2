/**
 * The ingester on the stream: resume after a drop, duplicates, edits and deletions, the stall watchdog
 * and malformed deliveries. Real PostgreSQL (a cloned database per test), gateway-sim over HTTP.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { GatewaySim } from '../../../src/sim/gateway-sim.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/test-database.js';
import {
  CHANNEL,
  type DbFacts,
  dbFacts,
  type Harness,
  metricValue,
  startIngester,
  startSim,
  streaming,
  waitFor,
} from './harness.js';

let database: TestDatabase;
let sim: GatewaySim;
let facts: DbFacts;
let harness: Harness | null = null;

beforeEach(async () => {
  database = await createTestDatabase();
  sim = await startSim();
  facts = dbFacts(database.url);
});
afterEach(async () => {
  await harness?.close();
  harness = null;
  await sim.close();
  await facts.close();
  await database.drop();
});

const DAY = '2025-11-03';
function signalPost(messageId: number, asset = `PETR${messageId % 10}`) {
  return {
    messageId: String(messageId),
    telegramDate: `${DAY}T13:${String(Math.floor(messageId / 60) % 60).padStart(2, '0')}:${String(messageId % 60).padStart(2, '0')}.000Z`,
    text: `🟢Swing Trade\nAtivo: ${asset}\nCompra: 10,${String(messageId % 100).padStart(2, '0')} a 11,00\nAlvo 1: 12,00\nAlvo 2: 13,00\nStop: 9,00`,
  };
}

async function ingest(env: Record<string, string> = {}): Promise<Harness> {
  harness = await startIngester({ databaseUrl: database.url, gatewayUrl: sim.url, env });
  await streaming(harness);
  return harness;
}

async function streamOpens(h: Harness): Promise<number> {
  return metricValue(h.metrics, 'gatewayRequests', { kind: 'stream', outcome: 'ok' });
}

describe('ingester on the gateway stream', () => {
  it('stores, advances the cursor with the data, publishes after commit and acknowledges', async () => {
    const h = await ingest();
    const emitted = sim.control.inject([
      signalPost(1, 'PETR4'),
      { messageId: '2', telegramDate: `${DAY}T14:00:00.000Z`, text: 'PETR4 alvo 1 atingido 🎯' },
      { messageId: '3', telegramDate: `${DAY}T14:01:00.000Z`, text: 'Bom dia, pessoal!' },
    ]);
    await waitFor('three inbox rows', async () => (await facts.count('forwarded_messages.messages')) === 3);
    await waitFor('the cursor', async () => (await facts.cursor()) === emitted.at(-1)?.cursor);
    const [signal] = await facts.signals();
    expect(signal).toMatchObject({ messageId: '1', asset: 'PETR4', status: 'target_1_hit' });
    expect((await facts.inbox()).map((r) => r.outcome)).toEqual(['signal', 'update', 'ignored']);
    expect(h.published.map((e) => e.op)).toEqual(['created', 'target_hit']);
    await waitFor('acknowledgements', () =>
      sim.control.messages().every((m) => m.processedBy.includes('tp-capital')),
    );
    expect(h.ingester.status()).toMatchObject({
      role: 'active',
      mode: 'stream',
      breaker: 'closed',
      committed: 3,
    });
  });

  it('retries failed acknowledgements with the next batch without holding ingestion up', async () => {
    const h = await ingest();
    sim.control.failNext(2, 'ack');
    sim.control.inject(signalPost(1));
    await waitFor('the first commit', async () => (await facts.count('forwarded_messages.messages')) === 1);
    await waitFor('a failed ack', () => h.ingester.counters().ackFailures >= 1);
    sim.control.inject(signalPost(2));
    await waitFor('the second commit', async () => (await facts.count('forwarded_messages.messages')) === 2);
    await waitFor('both acknowledged', () =>
      sim.control.messages().every((m) => m.processedBy.includes('tp-capital')),
    );
    // The gateway marks them before its answer reaches us: the queue empties a moment later.
    await waitFor('an empty ack queue', () => h.ingester.counters().acksPending === 0);
    expect(await metricValue(h.metrics, 'gatewayRequests', { kind: 'ack', outcome: 'http' })).toBe(2);
  });

  it('resumes after dropped streams with nothing lost and nothing twice', async () => {
    const h = await ingest();
    let expected = 0;
    for (let round = 0; round < 5; round += 1) {
      const opens = await streamOpens(h);
      const batch = Array.from({ length: 40 }, (_, i) => signalPost(round * 40 + i + 1));
      sim.control.inject(batch);
      expected += batch.length;
      sim.control.dropStreams(); // mid-delivery: the rest comes on the next connection
      await waitFor('a new stream', async () => (await streamOpens(h)) > opens);
    }
    const last = sim.control.emitted().lastCursor;
    await waitFor('every message', async () => (await facts.cursor()) === last);
    const inbox = await facts.inbox();
    expect(inbox).toHaveLength(expected);
    expect(new Set(inbox.map((r) => r.messageId)).size).toBe(expected);
    expect(await facts.count('signals.tp_capital_signals')).toBe(expected);
    expect(await facts.count('signals.signal_events')).toBe(expected);
    expect(h.ingester.status().breaker).toBe('closed');
  });

  it('leaves everything unchanged when the gateway delivers it all again', async () => {
    const first = await ingest();
    sim.control.inject(Array.from({ length: 30 }, (_, i) => signalPost(i + 1)));
    const last = sim.control.emitted().lastCursor;
    await waitFor('the first pass', async () => (await facts.cursor()) === last);
    await first.close();
    harness = null;
    const before = {
      inbox: await facts.inbox(),
      signals: await facts.signals(),
      events: await facts.events(),
    };

    // Rewind the stored cursor: the stream replays all 30 messages.
    await facts.exec(`UPDATE metrics.ingest_cursor SET cursor = '0'`);

    const second = await ingest();
    await waitFor('the replay', async () => {
      const values = (await second.metrics.signalsIngested.get()).values;
      return values.find((v) => v.labels.status === 'unchanged')?.value === 30;
    });
    await waitFor('the cursor back at the end', async () => (await facts.cursor()) === last);
    expect(await facts.inbox()).toEqual(before.inbox);
    expect(await facts.signals()).toEqual(before.signals);
    expect(await facts.events()).toEqual(before.events);
    expect(second.published).toEqual([]);
  });

  it('updates a signal on an edit and cancels it on a deletion, keeping every version in the inbox', async () => {
    const h = await ingest();
    const post = signalPost(7, 'VALE3');
    sim.control.inject(post);
    await waitFor('the signal', async () => (await facts.signals()).length === 1);
    sim.control.inject({ ...post, text: post.text.replace('Stop: 9,00', 'Stop: 9,50') });
    await waitFor('the edit', () => h.published.length === 2);
    sim.control.inject({ ...post, status: 'deleted' });
    await waitFor('the deletion', () => h.published.length === 3);

    expect(h.published.map((e) => e.op)).toEqual(['created', 'updated', 'cancelled']);
    expect(h.published[1]?.signal.stop).toBe(9.5);
    const [signal] = await facts.signals();
    expect(signal).toMatchObject({ messageId: '7', status: 'cancelled' });
    expect((await facts.inbox()).map((r) => r.kind)).toEqual(['message', 'edited', 'deleted']);
    expect((await facts.events()).map((e) => e.op)).toEqual(['created', 'updated', 'cancelled']);
  });

  it('reconnects a stalled stream when the watchdog runs out, and loses nothing', async () => {
    const h = await ingest();
    sim.control.inject(signalPost(1));
    await waitFor('the first message', async () => (await facts.count('forwarded_messages.messages')) === 1);
    sim.control.stall();
    sim.control.inject([signalPost(2), signalPost(3)]);
    await waitFor(
      'the watchdog',
      async () => (await metricValue(h.metrics, 'gatewayRequests', { outcome: 'watchdog' })) >= 1,
    );
    sim.control.unstall();
    const last = sim.control.emitted().lastCursor;
    await waitFor('the stalled messages', async () => (await facts.cursor()) === last);
    expect((await facts.inbox()).map((r) => r.messageId)).toEqual(['1', '2', '3']);
  });

  it('keeps malformed deliveries as rejected with a reason and goes on', async () => {
    const h = await ingest();
    const base = (messageId: string) => ({
      id: messageId,
      channelId: CHANNEL,
      messageId,
      text: 'PETR4 compra 30,00',
      caption: null,
      status: 'received',
      telegramDate: `${DAY}T15:00:00.000Z`,
      receivedAt: `${DAY}T15:00:01.000Z`,
    });
    sim.control.injectRaw({ data: '{"messageId": "100", "text": ' }); // bad JSON: unattributable
    sim.control.injectRaw({ data: { ...base('101'), text: 42 } });
    sim.control.injectRaw({ data: { ...base('102'), telegramDate: undefined } });
    sim.control.injectRaw({ data: { ...base('103'), text: 'x'.repeat(1024 * 1024) } });
    sim.control.injectRaw({ data: { ...base('104'), text: 'PETR4\u0000 compra' } });
    sim.control.injectRaw({ data: { ...base('105'), telegramDate: '2025-02-30T25:61:00Z' } });
    sim.control.injectRaw({ event: 'message.pinned', data: base('106') });
    sim.control.injectRaw({ data: { ...base('107'), channelId: '-1009999999999' } }); // foreign: ignored
    sim.control.inject(signalPost(108));
    const last = sim.control.emitted().lastCursor;
    await waitFor('the batch to go on', async () => (await facts.cursor()) === last);

    const inbox = (await facts.inbox()).sort((a, b) => Number(a.messageId) - Number(b.messageId));
    expect(inbox.map((r) => [r.messageId, r.outcome, r.reason])).toEqual([
      ['101', 'rejected', 'invalid_field:text'],
      ['102', 'rejected', 'missing_field:telegramDate'],
      ['103', 'rejected', 'content_too_large'],
      ['104', 'rejected', 'nul_byte'],
      ['105', 'rejected', 'invalid_telegram_date'],
      ['106', 'rejected', 'unknown_event'],
      ['108', 'signal', null],
    ]);
    expect(inbox[2]?.content?.length).toBeLessThan(2000);
    expect(await metricValue(h.metrics, 'unattributableMessages')).toBe(1);
    expect(h.ingester.counters()).toMatchObject({ foreign: 1, unattributable: 1, rejected: 6 });
    expect(h.ingester.status().role).toBe('active');
  });
});
