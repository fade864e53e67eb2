/** The ingester lease (take, renew, expire, release, one winner) and paging the inbox for reprocess. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../helpers/test-database.js';
import { at, ignoredResult, openStore, post, rejected, signalResult, updateResult } from './fixtures.js';

let database: TestDatabase;
let store: ReturnType<typeof openStore>;

beforeAll(async () => {
  database = await createTestDatabase();
  store = openStore(database.url);
});

afterAll(async () => {
  await store?.close();
  await database?.drop();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('lease', () => {
  it('is held by one holder, renewed by it, refused to others', async () => {
    expect(await store.lease.acquire('ingester', 'a', 10_000)).toBe(true);
    expect(await store.lease.acquire('ingester', 'b', 10_000)).toBe(false);
    expect(await store.lease.acquire('ingester', 'a', 10_000)).toBe(true);
    const current = await store.lease.current('ingester');
    expect(current?.holder).toBe('a');
    expect(current!.expiresAt.getTime()).toBeGreaterThan(Date.now() + 5_000);
  });

  it('expires: another holder takes it and the old one cannot renew', async () => {
    expect(await store.lease.acquire('short', 'a', 150)).toBe(true);
    await sleep(250);
    expect(await store.lease.current('short')).toBeNull();
    expect(await store.lease.acquire('short', 'b', 10_000)).toBe(true);
    expect(await store.lease.acquire('short', 'a', 10_000)).toBe(false);
    expect((await store.lease.current('short'))?.holder).toBe('b');
  });

  it('release frees it only for its holder', async () => {
    expect(await store.lease.acquire('rel', 'a', 10_000)).toBe(true);
    await store.lease.release('rel', 'b');
    expect((await store.lease.current('rel'))?.holder).toBe('a');
    await store.lease.release('rel', 'a');
    expect(await store.lease.current('rel')).toBeNull();
    expect(await store.lease.acquire('rel', 'b', 10_000)).toBe(true);
  });

  it('many contenders at once: exactly one wins', async () => {
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) => store.lease.acquire('race', `holder-${i}`, 10_000)),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
  });
});

describe('inbox scan', () => {
  it('pages by id, filtered by outcome and Telegram date', async () => {
    await store.ingest.applyBatch(
      [
        post(signalResult('SCAN3'), { telegramDate: at(1) }),
        post(ignoredResult(), { telegramDate: at(2), content: 'bom dia' }),
        post(updateResult('NONE3', 'closed'), { telegramDate: at(3) }),
        post(ignoredResult(), { telegramDate: at(4), kind: 'edited', content: null }),
        rejected({ messageId: '991', telegramDate: null, excerpt: 'junk' }),
      ],
      null,
    );
    const all = [];
    let afterId = 0;
    for (;;) {
      const page = await store.inbox.scan({ afterId, limit: 2 });
      if (page.length === 0) break;
      all.push(...page);
      afterId = page[page.length - 1]!.id;
    }
    expect(all.map((r) => r.outcome)).toEqual(['signal', 'ignored', 'update', 'ignored', 'rejected']);
    expect(all.map((r) => r.id)).toEqual([...all.map((r) => r.id)].sort((a, b) => a - b));
    expect(all[1]).toMatchObject({
      content: 'bom dia',
      kind: 'message',
      reason: 'commentary',
      telegramDate: at(2),
    });
    expect(all[2]).toMatchObject({ reason: 'no_matching_signal' });
    expect(all[3]).toMatchObject({ content: null, kind: 'edited' });

    const ignored = await store.inbox.scan({ outcomes: ['ignored', 'rejected'], afterId: 0, limit: 10 });
    expect(ignored.map((r) => r.outcome)).toEqual(['ignored', 'ignored', 'rejected']);
    const recent = await store.inbox.scan({ since: at(3), afterId: 0, limit: 10 });
    expect(recent.map((r) => r.outcome)).toEqual(['update', 'ignored']);
  });
});
