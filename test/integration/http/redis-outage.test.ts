/**
 * TARGETS R5 in small: a throwaway redis-server owned by this test is stopped and started again.
 * While it is down, REST answers from PostgreSQL (never stale, never 5xx) and /ready says degraded;
 * once it is back, SSE clients get the events committed meanwhile from the log, exactly once, in order.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createRedisBus } from '../../../src/bus/redis-bus.js';
import { createRedisCache } from '../../../src/bus/redis-cache.js';
import { createRedisConnections, type RedisConnections } from '../../../src/bus/redis-connections.js';
import type { SignalBus } from '../../../src/bus/signal-bus.js';
import type { SignalView } from '../../../src/domain/signal.js';
import { pollUntil, startThrowawayRedis, type ThrowawayRedis } from '../../helpers/redis.js';
import {
  auth,
  commit,
  createTestApp,
  createWorld,
  listen,
  signalItem,
  silentLog,
  type World,
} from './harness.js';
import { openEventSource, type TestEventSource } from './sse-clients.js';

let world: World;
let redis: ThrowawayRedis;
let apiConns: RedisConnections;
let ingesterConns: RedisConnections;
let ingesterBus: SignalBus;
let ctx: Awaited<ReturnType<typeof createTestApp>>;
let url: string;
let clients: TestEventSource[] = [];

const timeouts = { connectMs: 500, commandMs: 300, retryCapMs: 200 };

beforeAll(async () => {
  world = await createWorld();
  redis = await startThrowawayRedis();
  const prefix = 'tpc:';
  apiConns = createRedisConnections({ url: redis.url, keyPrefix: prefix, log: silentLog, timeouts });
  ingesterConns = createRedisConnections({ url: redis.url, keyPrefix: prefix, log: silentLog, timeouts });
  await Promise.all([apiConns.waitUntilReady(2000), ingesterConns.waitUntilReady(2000)]);
  ingesterBus = createRedisBus(ingesterConns, { log: silentLog });
  ctx = await createTestApp(world, {
    bus: createRedisBus(apiConns, { log: silentLog }),
    cache: createRedisCache(apiConns),
    // Only the bus reconnect may bring the missed events (no periodic check within the test).
    tuning: { safetyCheckMs: 600_000 },
    extra: {
      busLive: () => apiConns.status().subscriber.status === 'ready',
      rateLimitRedis: apiConns.master,
      redisPing: async () => {
        await apiConns.master.ping();
      },
    },
  });
  url = (await listen(ctx.app)).url;
});

afterAll(async () => {
  for (const client of clients) client.close();
  await ctx?.app.close();
  await ingesterBus?.close();
  await apiConns?.close();
  await ingesterConns?.close();
  await redis?.stop();
  await world?.close();
});

async function publishOrNot(items: ReturnType<typeof signalItem>[]) {
  // The ingester commits; its publish fails while Redis is down (the log still has the events).
  const report = await world.ingest.applyBatch(items, null);
  await ingesterBus.publish(report.events).catch(() => undefined);
  return report.events.map((e) => e.seq);
}

it('keeps REST on PostgreSQL while Redis is down and backfills SSE clients when it is back', async () => {
  clients = Array.from({ length: 5 }, () => openEventSource(`${url}/signals/stream`, auth));
  await Promise.all(clients.map((c) => c.opened));
  const committed: number[] = [];
  for (let i = 0; i < 5; i++)
    committed.push(...(await commit(world, ingesterBus, [signalItem(`UP${i}`)])).map((e) => e.seq));
  await pollUntil(() => clients.every((c) => c.events.length === 5), { what: 'live over Redis' });
  expect((await fetch(`${url}/signals`, { headers: auth })).headers.get('x-cache')).toBe('miss');
  expect((await fetch(`${url}/signals`, { headers: auth })).headers.get('x-cache')).toBe('hit');

  await redis.stop();
  await pollUntil(() => apiConns.status().master.status !== 'ready', { what: 'Redis seen down' });
  for (let i = 0; i < 5; i++) committed.push(...(await publishOrNot([signalItem(`DOWN${i}`)])));

  // REST: answered from PostgreSQL, including what was committed while Redis was down.
  const res = await fetch(`${url}/signals`, { headers: auth });
  expect(res.status).toBe(200);
  expect(res.headers.get('x-cache')).toBe('error');
  const body = (await res.json()) as { data: SignalView[] };
  expect(body.data[0]!.asset).toBe('DOWN4');
  expect(body.data).toHaveLength(10);
  const ready = await fetch(`${url}/ready`);
  expect(ready.status).toBe(200);
  expect(await ready.json()).toMatchObject({ status: 'degraded', checks: { redis: { status: 'down' } } });
  // The streams stay open; nothing arrives past what the bus delivered (the doorbell is down).
  expect(clients.every((c) => c.events.length === 5)).toBe(true);

  await redis.start();
  await pollUntil(() => clients.every((c) => c.events.length >= 10), {
    what: 'the backfill after Redis returns',
    timeoutMs: 15_000,
  });
  // The ingester's own connection reconnects on its own schedule; live publishing resumes with it.
  await pollUntil(() => ingesterConns.status().master.status === 'ready', {
    what: 'the ingester back on Redis',
  });
  for (let i = 0; i < 3; i++)
    committed.push(...(await commit(world, ingesterBus, [signalItem(`BACK${i}`)])).map((e) => e.seq));
  await pollUntil(() => clients.every((c) => c.events.length >= committed.length), { what: 'live again' });
  await new Promise((resolve) => setTimeout(resolve, 200));
  for (const client of clients) expect(client.events.map((e) => e.seq)).toEqual(committed);
  expect(ctx.app.subscriber.status()).toMatchObject({ live: true, lastError: null });
  expect(await (await fetch(`${url}/ready`)).json()).toMatchObject({ status: 'healthy' });
});
