/**
 * A database that goes away and comes back (a throwaway server we may stop): repository calls fail
 * fast as DATABASE_UNAVAILABLE (503) with the cause, and work again once it is back, on the same pool.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { AppError } from '../../../src/errors.js';
import { runMigrations } from '../../../src/store/index.js';
import { startThrowawayPostgres, type ThrowawayPostgres } from '../../helpers/postgres.js';
import { at, openStore, post, signalResult, silentLog } from './fixtures.js';

let server: ThrowawayPostgres;
let store: ReturnType<typeof openStore>;

beforeAll(async () => {
  server = await startThrowawayPostgres();
  await runMigrations(server.url, silentLog);
  store = openStore(server.url);
});

afterAll(async () => {
  await store?.close();
  await server?.destroy();
});

it('stopped: DATABASE_UNAVAILABLE; started again: the same store works', async () => {
  const first = await store.ingest.applyBatch([post(signalResult('OUT3'), { telegramDate: at(1) })], {
    channelId: '-1001',
    cursor: 'c1',
  });
  expect(first.items[0]?.outcome).toBe('inserted');

  await server.stop();
  for (const call of [
    () =>
      store.ingest.applyBatch([post(signalResult('OUT4'), { telegramDate: at(2) })], {
        channelId: '-1001',
        cursor: 'c2',
      }),
    () => store.read.list({ limit: 5 }),
    () => store.read.ping(),
    () => store.lease.acquire('ingester', 'a', 1000),
  ]) {
    const error = await call().catch((e) => e);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'DATABASE_UNAVAILABLE', statusCode: 503 });
    expect(error.cause).toBeDefined();
  }

  await server.start();
  await store.read.ping();
  expect(await store.ingest.getCursor('-1001')).toBe('c1');
  const again = await store.ingest.applyBatch([post(signalResult('OUT4'), { telegramDate: at(2) })], {
    channelId: '-1001',
    cursor: 'c2',
  });
  expect(again.items[0]?.outcome).toBe('inserted');
  expect((await store.read.list({ limit: 5 })).data.map((s) => s.asset)).toEqual(['OUT4', 'OUT3']);
});

it('killed mid-flight (no clean shutdown): fails as unavailable, then recovers after restart', async () => {
  await store.read.ping();
  await server.kill();
  await expect(store.read.list({ limit: 5 })).rejects.toMatchObject({ code: 'DATABASE_UNAVAILABLE' });
  await server.start();
  await store.read.ping();
  expect((await store.read.list({ limit: 5 })).data).toHaveLength(2);
});
