/** The Redis SignalBus against the shared Redis, under a random prefix: two processes' worth of connections. */
import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRedisBus, signalChannel } from '../../../src/bus/redis-bus.js';
import { createRedisConnections, type RedisConnections } from '../../../src/bus/redis-connections.js';
import type { SignalBus } from '../../../src/bus/signal-bus.js';
import { createLogger } from '../../../src/logger.js';
import { cleanupPrefix, pollUntil, randomPrefix, redisUrl } from '../../helpers/redis.js';
import { sampleEvent } from '../../unit/bus/sample-event.js';

const log = createLogger({ level: 'silent' });

describe('redis bus', () => {
  let prefix: string;
  let publisherConns: RedisConnections;
  let subscriberConns: RedisConnections;
  let publisher: SignalBus;
  let subscriber: SignalBus;

  beforeEach(async () => {
    prefix = randomPrefix();
    publisherConns = createRedisConnections({ url: redisUrl(), keyPrefix: prefix, log });
    subscriberConns = createRedisConnections({ url: redisUrl(), keyPrefix: prefix, log });
    expect(await publisherConns.waitUntilReady(5000)).toBe(true);
    expect(await subscriberConns.waitUntilReady(5000)).toBe(true);
    publisher = createRedisBus(publisherConns, { log });
    subscriber = createRedisBus(subscriberConns, { log });
  });

  afterEach(async () => {
    await Promise.all([publisher.close(), subscriber.close()]);
    await Promise.all([publisherConns.close(), subscriberConns.close()]);
    await cleanupPrefix(redisUrl(), prefix);
  });

  it('delivers published batches to another connection set, whole and in order', async () => {
    const received: number[][] = [];
    let reconnects = 0;
    await subscriber.subscribe({
      onEvents: (events) => received.push(events.map((e) => e.seq)),
      onReconnect: () => reconnects++,
    });
    const sent: number[][] = [];
    for (let seq = 1; seq <= 200; seq += 2) {
      sent.push([seq, seq + 1]);
      await publisher.publish([sampleEvent(seq), sampleEvent(seq + 1)]);
    }
    await pollUntil(() => received.length === sent.length, { what: 'all batches' });
    expect(received).toEqual(sent);
    expect(reconnects).toBe(0); // it was live from the start: nothing to backfill
  });

  it('delivers the events as published, field for field', async () => {
    const received: unknown[] = [];
    await subscriber.subscribe({ onEvents: (events) => received.push(...events) });
    const event = sampleEvent(42, { op: 'stopped' });
    event.signal.status = 'stopped';
    await publisher.publish([event]);
    await pollUntil(() => received.length === 1);
    expect(received).toEqual([event]);
  });

  it('fans out to every subscriber, including one on the publishing instance', async () => {
    const a: number[] = [];
    const b: number[] = [];
    const c: number[] = [];
    await subscriber.subscribe({ onEvents: (events) => a.push(...events.map((e) => e.seq)) });
    await subscriber.subscribe({ onEvents: (events) => b.push(...events.map((e) => e.seq)) });
    await publisher.subscribe({ onEvents: (events) => c.push(...events.map((e) => e.seq)) });
    for (let seq = 1; seq <= 10; seq++) await publisher.publish([sampleEvent(seq)]);
    await pollUntil(() => a.length === 10 && b.length === 10 && c.length === 10, {
      what: 'three subscribers',
    });
    const all = Array.from({ length: 10 }, (_, i) => i + 1);
    expect([a, b, c]).toEqual([all, all, all]);
  });

  it('drops malformed messages on the channel and keeps delivering', async () => {
    const received: number[] = [];
    await subscriber.subscribe({ onEvents: (events) => received.push(...events.map((e) => e.seq)) });
    const raw = new Redis(redisUrl());
    try {
      const channel = signalChannel(prefix);
      await raw.publish(channel, 'not json {');
      await raw.publish(channel, JSON.stringify([{ seq: 'x' }]));
      await raw.publish(channel, '[]');
      await raw.publish(channel, JSON.stringify({ ...sampleEvent(1) }));
      await publisher.publish([sampleEvent(2)]);
      await pollUntil(() => received.length > 0);
      // Redis keeps order on one channel, so everything before seq 2 was seen and refused.
      expect(received).toEqual([2]);
    } finally {
      raw.disconnect();
    }
  });

  it('a throwing handler does not stop the other handlers', async () => {
    const received: number[] = [];
    await subscriber.subscribe({
      onEvents: () => {
        throw new Error('handler bug');
      },
    });
    await subscriber.subscribe({ onEvents: (events) => received.push(...events.map((e) => e.seq)) });
    await publisher.publish([sampleEvent(1)]);
    await publisher.publish([sampleEvent(2)]);
    await pollUntil(() => received.length === 2);
    expect(received).toEqual([1, 2]);
  });

  it('stops delivering after unsubscribe', async () => {
    const a: number[] = [];
    const b: number[] = [];
    const unsubscribeA = await subscriber.subscribe({
      onEvents: (events) => a.push(...events.map((e) => e.seq)),
    });
    await subscriber.subscribe({ onEvents: (events) => b.push(...events.map((e) => e.seq)) });
    await publisher.publish([sampleEvent(1)]);
    await pollUntil(() => a.length === 1 && b.length === 1);
    await unsubscribeA();
    await publisher.publish([sampleEvent(2)]);
    await pollUntil(() => b.length === 2);
    expect(a).toEqual([1]);
    expect(b).toEqual([1, 2]);
  });

  it('keeps channels apart by prefix', async () => {
    const otherPrefix = randomPrefix();
    const otherConns = createRedisConnections({ url: redisUrl(), keyPrefix: otherPrefix, log });
    const other = createRedisBus(otherConns, { log });
    try {
      const mine: number[] = [];
      const theirs: number[] = [];
      await subscriber.subscribe({ onEvents: (events) => mine.push(...events.map((e) => e.seq)) });
      await other.subscribe({ onEvents: (events) => theirs.push(...events.map((e) => e.seq)) });
      await publisher.publish([sampleEvent(1)]);
      await other.publish([sampleEvent(2)]);
      await pollUntil(() => mine.length === 1 && theirs.length === 1);
      expect(mine).toEqual([1]);
      expect(theirs).toEqual([2]);
    } finally {
      await other.close();
      await otherConns.close();
    }
  });
});
