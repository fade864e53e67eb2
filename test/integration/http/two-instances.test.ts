/**
 * Two API instances on one Redis (the shared server, under a random prefix): both deliver every event
 * an ingester publishes to their own SSE clients, and they share the GET /signals cache.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createRedisBus } from '../../../src/bus/redis-bus.js';
import { createRedisCache } from '../../../src/bus/redis-cache.js';
import { createRedisConnections, type RedisConnections } from '../../../src/bus/redis-connections.js';
import { cleanupPrefix, pollUntil, randomPrefix, redisUrl } from '../../helpers/redis.js';
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
const prefix = randomPrefix();
const conns: RedisConnections[] = [];
const closers: Array<() => Promise<void>> = [];
const clients: TestEventSource[] = [];

async function instance() {
  const own = createRedisConnections({ url: redisUrl(), keyPrefix: prefix, log: silentLog });
  conns.push(own);
  await own.waitUntilReady(2000);
  const ctx = await createTestApp(world, {
    bus: createRedisBus(own, { log: silentLog }),
    cache: createRedisCache(own),
    extra: { busLive: () => own.status().subscriber.status === 'ready', rateLimitRedis: own.master },
  });
  closers.push(() => ctx.app.close());
  return { ...ctx, url: (await listen(ctx.app)).url };
}

beforeAll(async () => {
  world = await createWorld();
});

afterAll(async () => {
  for (const client of clients) client.close();
  for (const close of closers) await close();
  for (const c of conns) await c.close();
  await cleanupPrefix(redisUrl(), prefix);
  await world?.close();
});

it('both instances deliver every event, and share the cache', async () => {
  const [a, b] = [await instance(), await instance()];
  const ingester = createRedisConnections({ url: redisUrl(), keyPrefix: prefix, log: silentLog });
  conns.push(ingester);
  await ingester.waitUntilReady(2000);
  const bus = createRedisBus(ingester, { log: silentLog });
  closers.push(() => bus.close());

  for (const url of [a.url, b.url]) {
    for (let i = 0; i < 10; i++) clients.push(openEventSource(`${url}/signals/stream`, auth));
  }
  await Promise.all(clients.map((c) => c.opened));
  const committed: number[] = [];
  for (let i = 0; i < 20; i++) {
    const batch = i % 4 === 0 ? [signalItem(`TWO${i}a`), signalItem(`TWO${i}b`)] : [signalItem(`TWO${i}`)];
    committed.push(...(await commit(world, bus, batch)).map((e) => e.seq));
  }
  await pollUntil(() => clients.every((c) => c.events.length >= committed.length), {
    what: 'both instances',
  });
  await new Promise((resolve) => setTimeout(resolve, 200));
  for (const client of clients) expect(client.events.map((e) => e.seq)).toEqual(committed);

  await a.app.subscriber.settled();
  await b.app.subscriber.settled();
  const fromA = await fetch(`${a.url}/signals?limit=7`, { headers: auth });
  const fromB = await fetch(`${b.url}/signals?limit=7`, { headers: auth });
  expect(fromA.headers.get('x-cache')).toBe('miss');
  expect(fromB.headers.get('x-cache')).toBe('hit');
  expect(fromB.headers.get('etag')).toBe(fromA.headers.get('etag'));
  expect(await fromB.text()).toBe(await fromA.text());
});
