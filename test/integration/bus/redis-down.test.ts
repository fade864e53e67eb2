/**
 * Redis down never blocks a caller: cache lookups answer `error` at once, publishes reject, and the
 * subscription comes back by itself, saying so (onReconnect) so the API can backfill from the log.
 * Each test owns a throwaway redis-server it stops and starts.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRedisBus } from '../../../src/bus/redis-bus.js';
import { createRedisCache } from '../../../src/bus/redis-cache.js';
import { createRedisConnections, type RedisConnections } from '../../../src/bus/redis-connections.js';
import type { SignalBus } from '../../../src/bus/signal-bus.js';
import { createLogger } from '../../../src/logger.js';
import { pollUntil, startThrowawayRedis, type ThrowawayRedis } from '../../helpers/redis.js';
import { sampleEvent } from '../../unit/bus/sample-event.js';

const log = createLogger({ level: 'silent' });
const timeouts = { connectMs: 1000, commandMs: 1000, retryCapMs: 500 };

describe('redis down', () => {
  let server: ThrowawayRedis;
  let conns: RedisConnections[] = [];
  let buses: SignalBus[] = [];

  const open = () => {
    const c = createRedisConnections({ url: server.url, keyPrefix: 'tpc:', log, timeouts });
    conns.push(c);
    const bus = createRedisBus(c, { log });
    buses.push(bus);
    return { conns: c, bus, cache: createRedisCache(c) };
  };

  beforeEach(async () => {
    server = await startThrowawayRedis();
  });
  afterEach(async () => {
    await Promise.all(buses.map((bus) => bus.close()));
    await Promise.all(conns.map((c) => c.close()));
    conns = [];
    buses = [];
    await server.kill();
  });

  it('fails fast while down and recovers by itself, with onReconnect before events flow again', async () => {
    const api = open();
    const ingester = open();
    expect(await api.conns.waitUntilReady(5000)).toBe(true);
    expect(await ingester.conns.waitUntilReady(5000)).toBe(true);
    const received: number[] = [];
    const seen: string[] = [];
    await api.bus.subscribe({
      onEvents: (events) => {
        received.push(...events.map((e) => e.seq));
        seen.push('events');
      },
      onReconnect: () => seen.push('reconnect'),
    });
    await ingester.bus.publish([sampleEvent(1)]);
    await pollUntil(() => received.length === 1);
    await ingester.cache.set('k', 'v', 30);

    await server.stop();
    await pollUntil(() => !api.conns.status().connected && !ingester.conns.status().connected, {
      what: 'the clients to notice',
    });

    const started = performance.now();
    const lookup = await api.cache.get('k');
    const lookupMs = performance.now() - started;
    expect(lookup.status).toBe('error');
    expect(await ingester.cache.set('k', 'v2', 30)).toBe(false);
    await expect(ingester.bus.publish([sampleEvent(2)])).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    console.info(`cache get with Redis down answered error in ${lookupMs.toFixed(1)} ms`);

    await server.start();
    await pollUntil(() => seen.includes('reconnect'), { what: 'onReconnect' });
    // The server came back empty (no persistence): the cache misses, it does not invent.
    await pollUntil(async () => (await api.cache.get('k')).status === 'miss', { what: 'cache reads again' });
    await pollUntil(
      async () => {
        await ingester.bus.publish([sampleEvent(3)]);
        return received.includes(3);
      },
      { what: 'events after the restart' },
    );
    expect(received[0]).toBe(1);
    expect(received).not.toContain(2);
    expect(seen.filter((entry) => entry === 'reconnect')).toHaveLength(1);
    expect(seen.indexOf('reconnect')).toBeLessThan(seen.lastIndexOf('events'));
  });

  it('a command in flight when the server stops answering resolves within the command timeout', async () => {
    const api = open();
    expect(await api.conns.waitUntilReady(5000)).toBe(true);
    await api.cache.set('k', 'v', 30);
    // SIGSTOP: the socket stays open but nothing answers, the worst case for a caller.
    process.kill(server.pid(), 'SIGSTOP');
    try {
      const started = performance.now();
      const lookup = await api.cache.get('k');
      const elapsedMs = performance.now() - started;
      expect(lookup.status).toBe('error');
      console.info(`cache get against a frozen Redis answered error in ${elapsedMs.toFixed(0)} ms`);
    } finally {
      process.kill(server.pid(), 'SIGCONT');
    }
  });

  it('a connection ioredis gave up on is revived, and the subscription with it', async () => {
    const api = open();
    const ingester = open();
    expect(await api.conns.waitUntilReady(5000)).toBe(true);
    const received: number[] = [];
    let reconnects = 0;
    await api.bus.subscribe({
      onEvents: (events) => received.push(...events.map((e) => e.seq)),
      onReconnect: () => reconnects++,
    });
    api.conns.subscriber.disconnect(); // status 'end': ioredis itself would never reconnect
    await pollUntil(() => api.conns.subscriber.status === 'end', {
      intervalMs: 10,
      what: 'the connection to end',
    });
    await pollUntil(() => reconnects === 1, { what: 'onReconnect after the revival' });
    await pollUntil(
      async () => {
        await ingester.bus.publish([sampleEvent(5)]);
        return received.includes(5);
      },
      { what: 'events after the revival' },
    );
  });

  it('starting while Redis is down: subscribe does not hang, and onReconnect fires once Redis is up', async () => {
    await server.stop();
    const api = open();
    const ingester = open();
    const received: number[] = [];
    let reconnects = 0;
    const started = performance.now();
    await api.bus.subscribe({
      onEvents: (events) => received.push(...events.map((e) => e.seq)),
      onReconnect: () => reconnects++,
    });
    console.info(`subscribe with Redis down resolved in ${(performance.now() - started).toFixed(0)} ms`);
    expect((await api.cache.get('k')).status).toBe('error');
    expect(reconnects).toBe(0);

    await server.start();
    await pollUntil(() => reconnects === 1, { what: 'onReconnect' });
    await pollUntil(
      async () => {
        await ingester.bus.publish([sampleEvent(7)]);
        return received.includes(7);
      },
      { what: 'events' },
    );
  });
});
