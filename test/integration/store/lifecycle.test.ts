/** Lifecycle updates: which signal an update applies to, and how far the status moves. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../helpers/test-database.js';
import { at, openStore, post, signalResult, updateResult } from './fixtures.js';

let database: TestDatabase;
let store: ReturnType<typeof openStore>;
let channelCounter = 0;
/** Every test gets its own channel: an asset-less update looks at the whole channel. */
const newChannel = () => `-10088000000${String(++channelCounter).padStart(2, '0')}`;

beforeAll(async () => {
  database = await createTestDatabase();
  store = openStore(database.url);
});

afterAll(async () => {
  await store?.close();
  await database?.drop();
});

async function statusOf(id: number | null | undefined) {
  return (await store.read.getById(id!))?.signal.status;
}

it('an update applies to its own asset, not to another open signal', async () => {
  const channel = newChannel();
  const { items } = await store.ingest.applyBatch(
    [
      post(signalResult('PETR4'), { channelId: channel, telegramDate: at(1) }),
      post(signalResult('VALE3'), { channelId: channel, telegramDate: at(2) }),
    ],
    null,
  );
  const report = await store.ingest.applyBatch(
    [post(updateResult('PETR4', 'target_hit', 1), { channelId: channel, telegramDate: at(3) })],
    null,
  );
  expect(report.items[0]).toMatchObject({ outcome: 'update_applied', signalId: items[0]?.signalId });
  expect(report.events.map((e) => [e.op, e.signal.asset, e.signal.status])).toEqual([
    ['target_hit', 'PETR4', 'target_1_hit'],
  ]);
  expect(await statusOf(items[1]?.signalId)).toBe('open');
});

it('of two open signals of one asset the latest takes the update; the next stop falls to the earlier one', async () => {
  const channel = newChannel();
  const { items } = await store.ingest.applyBatch(
    [
      post(signalResult('BOVAW32'), { channelId: channel, telegramDate: at(1) }),
      post(signalResult('BOVAW32'), { channelId: channel, telegramDate: at(2) }),
    ],
    null,
  );
  const [older, newer] = items.map((i) => i.signalId);
  // Both stops in one batch: the second must see the first's effect.
  const report = await store.ingest.applyBatch(
    [
      post(updateResult('BOVAW32', 'stop_hit'), { channelId: channel, telegramDate: at(3) }),
      post(updateResult('BOVAW32', 'stop_hit'), { channelId: channel, telegramDate: at(4) }),
      post(updateResult('BOVAW32', 'stop_hit'), { channelId: channel, telegramDate: at(5) }),
    ],
    null,
  );
  expect(report.items.map((i) => [i.outcome, i.signalId])).toEqual([
    ['update_applied', newer],
    ['update_applied', older],
    ['no_matching_signal', null],
  ]);
  expect(report.events.map((e) => [e.op, e.signal.id, e.signal.status])).toEqual([
    ['stopped', newer, 'stopped'],
    ['stopped', older, 'stopped'],
  ]);
});

it('an update applies only to signals posted before it', async () => {
  const channel = newChannel();
  const { items } = await store.ingest.applyBatch(
    [
      post(signalResult('LRENW150'), { channelId: channel, telegramDate: at(1) }),
      post(signalResult('LRENW150'), { channelId: channel, telegramDate: at(10) }),
    ],
    null,
  );
  const report = await store.ingest.applyBatch(
    [post(updateResult('LRENW150', 'closed'), { channelId: channel, telegramDate: at(5) })],
    null,
  );
  expect(report.items[0]).toMatchObject({ outcome: 'update_applied', signalId: items[0]?.signalId });
  expect(await statusOf(items[1]?.signalId)).toBe('open');
});

it('an update without an asset applies to the channel’s latest open signal', async () => {
  const channel = newChannel();
  const { items } = await store.ingest.applyBatch(
    [
      post(signalResult('ITSA4'), { channelId: channel, telegramDate: at(1) }),
      post(signalResult('GGBR4'), { channelId: channel, telegramDate: at(2) }),
      post(signalResult('CSNA3'), { channelId: newChannel(), telegramDate: at(3) }),
    ],
    null,
  );
  const report = await store.ingest.applyBatch(
    [
      post(updateResult(null, 'cancelled'), { channelId: channel, telegramDate: at(4) }),
      post(updateResult(null, 'cancelled'), { channelId: channel, telegramDate: at(5) }),
    ],
    null,
  );
  expect(report.items.map((i) => [i.outcome, i.signalId])).toEqual([
    ['update_applied', items[1]?.signalId],
    ['update_applied', items[0]?.signalId],
  ]);
  expect(report.events.map((e) => e.op)).toEqual(['cancelled', 'cancelled']);
  expect(await statusOf(items[2]?.signalId)).toBe('open');
});

it('targets only move forward; `final` and stops end the signal', async () => {
  const channel = newChannel();
  const { items } = await store.ingest.applyBatch(
    [post(signalResult('ABEV3'), { channelId: channel, telegramDate: at(1) })],
    null,
  );
  const id = items[0]?.signalId;
  const update = (minute: number, ...args: Parameters<typeof updateResult>) =>
    post(updateResult(...args), { channelId: channel, telegramDate: at(minute) });
  const report = await store.ingest.applyBatch(
    [
      update(2, 'ABEV3', 'target_hit', 2),
      update(3, 'ABEV3', 'target_hit', 1),
      update(4, 'ABEV3', 'target_hit', 'final'),
      update(5, 'ABEV3', 'stop_hit'),
    ],
    null,
  );
  expect(report.items.map((i) => [i.outcome, i.signalId])).toEqual([
    ['update_applied', id],
    ['unchanged', id],
    ['update_applied', id],
    ['no_matching_signal', null],
  ]);
  expect(report.events.map((e) => e.signal.status)).toEqual(['target_2_hit', 'target_final_hit']);
  expect(await statusOf(id)).toBe('target_final_hit');
});

it('an update matching nothing stays in the inbox as `update` / no_matching_signal', async () => {
  const channel = newChannel();
  await store.ingest.applyBatch(
    [post(signalResult('EMBR3'), { channelId: newChannel(), telegramDate: at(1) })],
    null,
  );
  const report = await store.ingest.applyBatch(
    [
      post(updateResult('EMBR3', 'target_hit', 1), { channelId: channel, telegramDate: at(2) }),
      post(updateResult(null, 'closed'), { channelId: channel, telegramDate: at(3) }),
    ],
    null,
  );
  expect(report.items.map((i) => i.outcome)).toEqual(['no_matching_signal', 'no_matching_signal']);
  expect(report.events).toEqual([]);
  const rows = await store.inbox.scan({ outcomes: ['update'], afterId: 0, limit: 1000 });
  const mine = rows.filter((r) => r.channelId === channel);
  expect(mine.map((r) => [r.outcome, r.reason])).toEqual([
    ['update', 'no_matching_signal'],
    ['update', 'no_matching_signal'],
  ]);
});

it('finds the right signal past the preloaded window (many open signals of one asset)', async () => {
  const channel = newChannel();
  const signals = Array.from({ length: 8 }, (_, i) =>
    post(signalResult('WINZ25'), { channelId: channel, telegramDate: at(i + 1) }),
  );
  const { items } = await store.ingest.applyBatch(signals, null);
  // One update dated before the six latest signals: the preload (latest k) does not reach its target.
  const report = await store.ingest.applyBatch(
    [
      post(updateResult('WINZ25', 'closed'), { channelId: channel, telegramDate: at(100) }),
      post(updateResult('WINZ25', 'closed'), { channelId: channel, telegramDate: at(2) }),
    ],
    null,
  );
  expect(report.items.map((i) => [i.outcome, i.signalId])).toEqual([
    ['update_applied', items[7]?.signalId],
    ['update_applied', items[1]?.signalId],
  ]);
});
