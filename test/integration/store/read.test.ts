/** The read side of the API: every GET /signals filter, keyset paging, one signal with its events, the event log. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SignalView } from '../../../src/domain/signal.js';
import { AppError } from '../../../src/errors.js';
import type { SignalFilters } from '../../../src/store/index.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/test-database.js';
import { at, CHANNEL, OTHER_CHANNEL, openStore, post, signalResult, updateResult } from './fixtures.js';

let database: TestDatabase;
let store: ReturnType<typeof openStore>;
/** Seeded signal ids by name. */
const ids: Record<string, number> = {};

beforeAll(async () => {
  database = await createTestDatabase();
  store = openStore(database.url);
});

afterAll(async () => {
  await store?.close();
  await database?.drop();
});

async function seed() {
  const named: [string, ReturnType<typeof post>][] = [
    ['s1', post(signalResult('PETR4'), { telegramDate: at(1) })],
    ['s2', post(signalResult('VALE3', { signal_type: 'Day Trade' }), { telegramDate: at(2) })],
    ['s3', post(signalResult('PETR4'), { channelId: OTHER_CHANNEL, telegramDate: at(3) })],
    ['s4', post(signalResult('BOVA11', {}, 'BOVA11 promo 50%_off'), { telegramDate: at(4) })],
    [
      's5',
      post(signalResult('WINZ25', { signal_type: 'Scalping' }, 'Comentário Especial'), {
        telegramDate: at(5),
      }),
    ],
    ['s6', post(signalResult('ITUB4'), { telegramDate: at(6) })],
    ['s7', post(signalResult('BBDC4'), { telegramDate: at(6) })],
  ];
  const report = await store.ingest.applyBatch(
    [
      ...named.map(([, item]) => item),
      post(updateResult('VALE3', 'target_hit', 1), { telegramDate: at(7) }),
      post(updateResult('PETR4', 'stop_hit'), { channelId: OTHER_CHANNEL, telegramDate: at(8) }),
    ],
    null,
  );
  named.forEach(([name], i) => {
    ids[name] = report.items[i]!.signalId!;
  });
}

const names = (data: SignalView[]) => data.map((s) => Object.keys(ids).find((k) => ids[k] === s.id));

async function listNames(filters: Omit<SignalFilters, 'limit'> & { limit?: number }) {
  return names((await store.read.list({ limit: 100, ...filters })).data);
}

describe('on an empty database', () => {
  it('the log is empty: latest seq 0, no oldest, nothing listed', async () => {
    expect(await store.read.latestSeq()).toBe(0);
    expect(await store.read.oldestSeq()).toBeNull();
    expect(await store.read.list({ limit: 10 })).toEqual({ data: [], nextBefore: null });
    expect(await store.read.eventsAfter(0, 10)).toEqual([]);
    await store.read.ping();
  });
});

describe('GET /signals filters', () => {
  beforeAll(seed);

  it('lists newest first, ties on ts broken by id', async () => {
    expect(ids.s7).toBeGreaterThan(ids.s6!);
    expect(await listNames({})).toEqual(['s7', 's6', 's5', 's4', 's3', 's2', 's1']);
  });

  it('filters by channel, type, asset list and status list', async () => {
    expect(await listNames({ channel: OTHER_CHANNEL })).toEqual(['s3']);
    expect(await listNames({ channel: CHANNEL, type: 'Day Trade' })).toEqual(['s2']);
    expect(await listNames({ assets: ['PETR4'] })).toEqual(['s3', 's1']);
    expect(await listNames({ assets: ['PETR4', 'VALE3'] })).toEqual(['s3', 's2', 's1']);
    expect(await listNames({ statuses: ['target_1_hit', 'stopped'] })).toEqual(['s3', 's2']);
    expect(await listNames({ statuses: ['open'], assets: ['PETR4'] })).toEqual(['s1']);
  });

  it('searches asset or raw message, case-insensitively, with LIKE wildcards taken literally', async () => {
    expect(await listNames({ search: 'petr' })).toEqual(['s3', 's1']);
    expect(await listNames({ search: 'especial' })).toEqual(['s5']);
    expect(await listNames({ search: '%' })).toEqual(['s4']);
    expect(await listNames({ search: '_' })).toEqual(['s4']);
    expect(await listNames({ search: '50%_o' })).toEqual(['s4']);
    expect(await listNames({ search: 'P_TR' })).toEqual([]);
    // Applied before the limit: the only match is found even on a one-row page.
    expect(await listNames({ search: 'especial', limit: 1 })).toEqual(['s5']);
  });

  it('filters on ts with from/to inclusive', async () => {
    expect(await listNames({ from: at(2), to: at(4) })).toEqual(['s4', 's3', 's2']);
    expect(await listNames({ from: at(6) })).toEqual(['s7', 's6']);
    expect(await listNames({ to: at(1) })).toEqual(['s1']);
  });

  it('pages with next_before, across a tie on ts, to the end', async () => {
    const seen: SignalView[] = [];
    let before: string | undefined;
    let pages = 0;
    do {
      const page = await store.read.list({ limit: 1, ...(before ? { before } : {}) });
      seen.push(...page.data);
      before = page.nextBefore ?? undefined;
      pages += 1;
    } while (before && pages < 20);
    expect(pages).toBe(7);
    expect(names(seen)).toEqual(['s7', 's6', 's5', 's4', 's3', 's2', 's1']);

    const first = await store.read.list({ limit: 2, channel: CHANNEL });
    expect(names(first.data)).toEqual(['s7', 's6']);
    const second = await store.read.list({ limit: 2, channel: CHANNEL, before: first.nextBefore! });
    expect(names(second.data)).toEqual(['s5', 's4']);
    const exact = await store.read.list({ limit: 6, channel: CHANNEL });
    expect(exact.data).toHaveLength(6);
    expect(exact.nextBefore).toBeNull();
  });

  it('rejects a bad cursor or limit with BAD_REQUEST (400), never a query error', async () => {
    const bad = [
      'garbage!',
      Buffer.from('abc').toString('base64url'),
      Buffer.from('1:2:3').toString('base64url'),
      Buffer.from("1' OR 1=1 --:5").toString('base64url'),
      Buffer.from(`1:${'9'.repeat(19)}`).toString('base64url'),
      'A'.repeat(200),
      '',
    ];
    for (const before of bad) {
      const error = await store.read.list({ limit: 10, before }).catch((e) => e);
      expect(error, before).toBeInstanceOf(AppError);
      expect(error, before).toMatchObject({ code: 'BAD_REQUEST', statusCode: 400 });
    }
    for (const limit of [0, 1001, 1.5]) {
      await expect(store.read.list({ limit })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    }
    await expect(store.read.list({ limit: 5, from: new Date(Number.NaN) })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
    });
  });
});

describe('one signal and the event log', () => {
  it('getById returns the signal with its lifecycle events in seq order', async () => {
    const found = await store.read.getById(ids.s2!);
    expect(found?.signal).toMatchObject({ id: ids.s2, asset: 'VALE3', status: 'target_1_hit' });
    expect(found?.events.map((e) => [e.op, e.signal.status])).toEqual([
      ['created', 'open'],
      ['target_hit', 'target_1_hit'],
    ]);
    expect(found?.signal.seq).toBe(found?.events[1]?.seq);
    expect(await store.read.getById(999_999)).toBeNull();
    expect(await store.read.getById(0)).toBeNull();
  });

  it('eventsAfter replays the log in seq order from any point; latest and oldest seq bound it', async () => {
    const all = await store.read.eventsAfter(0, 1000);
    expect(all).toHaveLength(9);
    const seqs = all.map((e) => e.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(await store.read.oldestSeq()).toBe(seqs[0]);
    expect(await store.read.latestSeq()).toBe(seqs[8]);
    expect(await store.read.eventsAfter(seqs[2]!, 2)).toEqual(all.slice(3, 5));
    expect(await store.read.eventsAfter(seqs[8]!, 10)).toEqual([]);
    expect(all[0]).toMatchObject({ op: 'created', occurred_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
  });
});
