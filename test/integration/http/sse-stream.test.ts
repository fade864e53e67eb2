/**
 * GET /signals/stream on a real server with real clients: exactly-once, in-order delivery to many
 * clients across a forced reconnect, replay and resync, filters, headers, pings, limits, the slow-client
 * bound, and the drain on close.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createMetrics } from '../../../src/metrics.js';
import { pollUntil } from '../../helpers/redis.js';
import {
  auth,
  commit,
  createTestApp,
  createWorld,
  listen,
  signalItem,
  testConfig,
  updateItem,
  type World,
} from './harness.js';
import { openEventSource, openRawStream, type TestEventSource } from './sse-clients.js';

let world: World;
const cleanup: Array<() => Promise<void> | void> = [];

beforeAll(async () => {
  world = await createWorld();
});
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});
afterAll(async () => {
  await world?.close();
});

async function server(env: Record<string, string> = {}) {
  const ctx = await createTestApp(world, {
    config: testConfig(env),
    metrics: createMetrics({ defaultMetrics: false }),
  });
  const net = await listen(ctx.app);
  cleanup.push(() => ctx.app.close());
  return { ...ctx, ...net };
}

function sources(url: string, count: number, headers: Record<string, string> = auth): TestEventSource[] {
  const list = Array.from({ length: count }, () => openEventSource(url, headers));
  cleanup.push(() => {
    for (const s of list) s.close();
  });
  return list;
}

const seqsOf = (client: TestEventSource) => client.events.map((e) => e.seq);

describe('live delivery', () => {
  it('delivers every event exactly once, in order, to 50 clients across a forced reconnect', async () => {
    const s = await server();
    const clients = sources(`${s.url}/signals/stream`, 50);
    await Promise.all(clients.map((c) => c.opened));
    await pollUntil(() => s.app.broadcaster.size === 50, { what: '50 streams' });

    const committed: number[] = [];
    const feed = async (n: number, tag: string) => {
      for (let i = 0; i < n; i++) {
        const events = await commit(world, s.bus, [signalItem(`${tag}${i}`)]);
        committed.push(...events.map((e) => e.seq));
      }
    };
    await feed(15, 'A');
    await pollUntil(() => clients.every((c) => c.events.length >= 15), { what: 'phase 1' });
    s.cutAll(); // every client sees its connection drop and reconnects with Last-Event-ID
    await feed(15, 'B'); // committed while the clients are away: replayed from the log
    await feed(15, 'C');
    await pollUntil(() => clients.every((c) => c.events.length >= committed.length), {
      what: 'every event at every client',
      timeoutMs: 20_000,
    });
    await s.app.subscriber.settled();
    await new Promise((resolve) => setTimeout(resolve, 200)); // room for a duplicate to show up
    for (const client of clients) {
      expect(seqsOf(client)).toEqual(committed);
      expect(client.opens).toBeGreaterThanOrEqual(2);
    }
  });

  it('sends the SSE headers, a retry with jitter first, and named pings', async () => {
    const s = await server({ SSE_PING_MS: '1000' });
    const raw = await openRawStream(`${s.url}/signals/stream`, auth);
    cleanup.push(() => raw.close());
    expect(raw.status).toBe(200);
    expect(raw.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(raw.headers['cache-control']).toBe('no-cache, no-transform');
    expect(raw.headers['x-accel-buffering']).toBe('no');
    expect(raw.headers['content-encoding']).toBeUndefined();
    expect(raw.headers['x-correlation-id']).toBeDefined();
    await pollUntil(() => raw.frames.some((f) => f.event === 'ping'), { what: 'a ping', timeoutMs: 3000 });
    expect(raw.frames[0]!.retry).toBeGreaterThanOrEqual(50); // the tests' tuning: 50–100 ms
    expect(raw.frames[0]!.retry).toBeLessThanOrEqual(100);
    expect(Number(raw.frames.find((f) => f.event === 'ping')!.data)).toBeGreaterThan(0);
  });

  it('filters by asset, status, type and channel', async () => {
    const s = await server();
    const petr = openEventSource(`${s.url}/signals/stream?asset=petr4`, auth);
    const stopped = openEventSource(`${s.url}/signals/stream?status=stopped`, auth);
    const dayTrade = openEventSource(`${s.url}/signals/stream?type=Day%20Trade&channel=-1001649127710`, auth);
    const all = openEventSource(`${s.url}/signals/stream`, auth);
    cleanup.push(() =>
      [petr, stopped, dayTrade, all].forEach((c) => {
        c.close();
      }),
    );
    await Promise.all([petr, stopped, dayTrade, all].map((c) => c.opened));
    await commit(world, s.bus, [signalItem('PETR4'), signalItem('VALE3', { type: 'Day Trade' })]);
    await commit(world, s.bus, [updateItem('PETR4', 'stop_hit')]);
    await pollUntil(() => all.events.length >= 3, { what: 'all events' });
    await s.app.subscriber.settled();
    expect(petr.events.map((e) => `${e.asset}:${e.op}`)).toEqual(['PETR4:created', 'PETR4:stopped']);
    expect(stopped.events.map((e) => `${e.asset}:${e.op}`)).toEqual(['PETR4:stopped']);
    expect(dayTrade.events.map((e) => e.asset)).toEqual(['VALE3']);
  });

  it('accepts a session cookie (what a browser EventSource sends)', async () => {
    const s = await server();
    const login = await fetch(`${s.url}/auth/session`, { method: 'POST', headers: auth });
    const cookie = String(login.headers.get('set-cookie')).split(';')[0]!;
    const client = openEventSource(`${s.url}/signals/stream`, { cookie });
    cleanup.push(() => client.close());
    await client.opened;
    await commit(world, s.bus, [signalItem('COOKIE3')]);
    await pollUntil(() => client.events.length === 1, { what: 'the event' });
    const denied = await openRawStream(`${s.url}/signals/stream`, {});
    await denied.ended;
    expect(denied.status).toBe(401);
  });
});

describe('replay', () => {
  it('replays exactly the events after Last-Event-ID or ?lastEventId=, the header winning', async () => {
    const s = await server();
    const events = await commit(world, s.bus, [
      signalItem('R1'),
      signalItem('R2'),
      signalItem('R3'),
      signalItem('R4'),
    ]);
    const seqs = events.map((e) => e.seq);
    const from = seqs[1]!;
    const byHeader = await openRawStream(`${s.url}/signals/stream`, {
      ...auth,
      'last-event-id': String(from),
    });
    const byQuery = await openRawStream(`${s.url}/signals/stream?lastEventId=${from}`, auth);
    const both = await openRawStream(`${s.url}/signals/stream?lastEventId=${seqs[0]}`, {
      ...auth,
      'last-event-id': String(seqs[2]),
    });
    cleanup.push(() =>
      [byHeader, byQuery, both].forEach((c) => {
        c.close();
      }),
    );
    await pollUntil(
      () => byHeader.seqs().length >= 2 && byQuery.seqs().length >= 2 && both.seqs().length >= 1,
      {
        what: 'replays',
      },
    );
    expect(byHeader.seqs()).toEqual(seqs.slice(2));
    expect(byQuery.seqs()).toEqual(seqs.slice(2));
    expect(both.seqs()).toEqual(seqs.slice(3));
    // Then live, without a gap or a duplicate.
    const more = await commit(world, s.bus, [signalItem('R5')]);
    await pollUntil(() => byHeader.seqs().length === 3, { what: 'the live event' });
    expect(byHeader.seqs()).toEqual([...seqs.slice(2), more[0]!.seq]);
  });

  it('pages a long replay and hands over to live events without losing or repeating one', async () => {
    const s = await server();
    const first = await commit(world, s.bus, [signalItem('P0')]);
    const start = first[0]!.seq;
    const backlog = await commit(
      world,
      s.bus,
      Array.from({ length: 1200 }, (_, i) => signalItem(`P${i + 1}`)),
    );
    const client = openEventSource(`${s.url}/signals/stream?lastEventId=${start}`, auth);
    cleanup.push(() => client.close());
    const live: number[] = [];
    for (let i = 0; i < 10; i++)
      live.push(...(await commit(world, s.bus, [signalItem(`L${i}`)])).map((e) => e.seq));
    const expected = [...backlog.map((e) => e.seq), ...live];
    await pollUntil(() => client.events.length >= expected.length, {
      what: 'backlog + live',
      timeoutMs: 20_000,
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(seqsOf(client)).toEqual(expected);
  });

  it('answers event: resync for an id older than the retained log, or unknown', async () => {
    const s = await server();
    const events = await commit(world, s.bus, [signalItem('OLD1'), signalItem('OLD2'), signalItem('OLD3')]);
    const latest = events[2]!.seq;
    // Retention dropped everything up to OLD2.
    await world.db.pool.query('DELETE FROM signals.signal_events WHERE seq <= $1', [events[1]!.seq]);
    const old = await openRawStream(`${s.url}/signals/stream`, {
      ...auth,
      'last-event-id': String(events[0]!.seq - 1),
    });
    const future = await openRawStream(`${s.url}/signals/stream?lastEventId=${latest + 1000}`, auth);
    const fine = await openRawStream(`${s.url}/signals/stream`, {
      ...auth,
      'last-event-id': String(events[1]!.seq),
    });
    cleanup.push(() =>
      [old, future, fine].forEach((c) => {
        c.close();
      }),
    );
    await pollUntil(() => old.frames.length >= 2 && future.frames.length >= 2 && fine.frames.length >= 2, {
      what: 'answers',
    });
    for (const stream of [old, future]) {
      const resync = stream.frames[1]!;
      expect(resync.event).toBe('resync');
      expect(resync.id).toBe(String(latest));
      expect(JSON.parse(resync.data)).toMatchObject({ latest_seq: latest });
    }
    expect(fine.seqs()).toEqual([latest]);
    // After a resync the client is live from the latest seq.
    const next = await commit(world, s.bus, [signalItem('NEW1')]);
    await pollUntil(() => old.seqs().length === 1, { what: 'live after resync' });
    expect(old.seqs()).toEqual([next[0]!.seq]);
  });

  it('rejects a Last-Event-ID that is not a seq', async () => {
    const s = await server();
    const bad = await openRawStream(`${s.url}/signals/stream`, { ...auth, 'last-event-id': 'abc' });
    await bad.ended;
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body)).toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringMatching(/^Last-Event-ID/),
    });
    const badQuery = await openRawStream(`${s.url}/signals/stream?lastEventId=-1`, auth);
    await badQuery.ended;
    expect(badQuery.status).toBe(400);
    expect(JSON.parse(badQuery.body).message).toMatch(/^lastEventId/);
  });
});

describe('limits and shutdown', () => {
  it('answers 429 with Retry-After past the concurrent streams and connects per minute', async () => {
    const s = await server({ SSE_MAX_STREAMS_PER_CLIENT: '2', SSE_CONNECTS_PER_MINUTE: '4' });
    const a = await openRawStream(`${s.url}/signals/stream`, auth);
    const b = await openRawStream(`${s.url}/signals/stream`, auth);
    const c = await openRawStream(`${s.url}/signals/stream`, auth);
    cleanup.push(() =>
      [a, b, c].forEach((x) => {
        x.close();
      }),
    );
    await c.ended;
    expect([a.status, b.status, c.status]).toEqual([200, 200, 429]);
    expect(Number(c.headers['retry-after'])).toBeGreaterThan(0);
    expect(JSON.parse(c.body)).toEqual({
      error: 'Too Many Requests',
      message: expect.any(String),
      code: 'RATE_LIMITED',
    });

    a.close();
    await pollUntil(() => s.app.streamLimits.openStreams('127.0.0.1') === 1, { what: 'a released' });
    const d = await openRawStream(`${s.url}/signals/stream`, auth); // connect #3 (c was refused, not counted)
    cleanup.push(() => d.close());
    expect(d.status).toBe(200);
    d.close();
    b.close();
    await pollUntil(() => s.app.streamLimits.openStreams('127.0.0.1') === 0, { what: 'all released' });
    const e = await openRawStream(`${s.url}/signals/stream`, auth); // #4
    const f = await openRawStream(`${s.url}/signals/stream`, auth); // #5: over the minute's budget
    cleanup.push(() =>
      [e, f].forEach((x) => {
        x.close();
      }),
    );
    await f.ended;
    expect([e.status, f.status]).toEqual([200, 429]);
    expect(Number(f.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('cuts a client that stops reading at the buffer bound; the others keep receiving; it loses nothing', async () => {
    const s = await server({ SSE_MAX_BUFFER_BYTES: String(64 * 1024) });
    const slow = await openRawStream(`${s.url}/signals/stream`, auth, { paused: true });
    const fast = openEventSource(`${s.url}/signals/stream`, auth);
    cleanup.push(() => {
      slow.close();
      fast.close();
    });
    await fast.opened;
    const committed: number[] = [];
    // ~100 KB events: the loopback socket buffers of the paused client take ~4 MB, then Node's buffer
    // grows past the bound.
    for (let i = 0; i < 200 && s.app.broadcaster.size === 2; i++) {
      committed.push(
        ...(await commit(world, s.bus, [signalItem(`BIG${i}`, { extra: 100_000 })])).map((e) => e.seq),
      );
      await s.app.subscriber.settled();
    }
    await pollUntil(async () => (await s.metrics.sseSlowDisconnects.get()).values[0]?.value === 1, {
      what: 'the slow client cut',
    });
    for (let i = 0; i < 5; i++) {
      committed.push(
        ...(await commit(world, s.bus, [signalItem(`AFTER${i}`, { extra: 100_000 })])).map((e) => e.seq),
      );
    }
    await pollUntil(() => fast.events.length === committed.length, {
      what: 'the fast client has everything',
    });
    expect(seqsOf(fast)).toEqual(committed);
    expect(s.app.broadcaster.size).toBe(1);

    // The slow client reads what reached it, then reconnects from its last complete event.
    slow.response.resume();
    await slow.ended;
    const got = slow.seqs();
    expect(got.length).toBeLessThan(committed.length);
    const resumed = await openRawStream(`${s.url}/signals/stream`, {
      ...auth,
      'last-event-id': String(got[got.length - 1] ?? committed[0]! - 1),
    });
    cleanup.push(() => resumed.close());
    await pollUntil(() => got.length + resumed.seqs().length >= committed.length, {
      what: 'the rest replayed',
    });
    expect([...got, ...resumed.seqs()]).toEqual(committed);
  });

  it('drains on close: streams end after the last event, new ones are refused', async () => {
    const ctx = await createTestApp(world, { config: testConfig({ SHUTDOWN_GRACE_MS: '2000' }) });
    const net = await listen(ctx.app);
    const a = await openRawStream(`${net.url}/signals/stream`, auth);
    const b = await openRawStream(`${net.url}/signals/stream`, auth);
    const last = await commit(world, ctx.bus, [signalItem('LAST')]);
    await pollUntil(() => a.seqs().length === 1 && b.seqs().length === 1, { what: 'the last event' });
    const started = Date.now();
    await ctx.app.close();
    expect(await a.ended).toBe('end');
    expect(await b.ended).toBe('end');
    expect(a.seqs()).toEqual([last[0]!.seq]);
    expect(Date.now() - started).toBeLessThan(2000);
    await expect(fetch(`${net.url}/signals/stream`, { headers: auth })).rejects.toThrow();
  });
});
