/**
 * `tp-capital api` as its composition root wires it: a real database, the shared Redis (under a random
 * prefix) for the bus, the cache and the rate limit; events published by another process's bus reach
 * its SSE clients, and its REST answers come through the Redis cache.
 */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisBus } from '../../../src/bus/redis-bus.js';
import { createRedisConnections, type RedisConnections } from '../../../src/bus/redis-connections.js';
import { loadConfig } from '../../../src/config.js';
import { apiCommand, type RunningApi, startApi } from '../../../src/roles/api.js';
import { runCommand } from '../../../src/roles/command.js';
import { cleanupPrefix, pollUntil, randomPrefix, redisUrl } from '../../helpers/redis.js';
import {
  auth,
  commit,
  createWorld,
  KEYS,
  SESSION_SECRET,
  signalItem,
  silentLog,
  type World,
} from './harness.js';
import { openEventSource } from './sse-clients.js';

let world: World;
let api: RunningApi;
let publisher: RedisConnections;
const prefix = randomPrefix();

beforeAll(async () => {
  world = await createWorld();
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATABASE_URL: world.database.url,
    REDIS_URL: redisUrl(),
    REDIS_KEY_PREFIX: prefix,
    TP_CAPITAL_API_KEY: KEYS.join(','),
    SESSION_SECRET,
  });
  api = await startApi({ port: 0, host: '127.0.0.1' }, config, silentLog);
  publisher = createRedisConnections({ url: redisUrl(), keyPrefix: prefix, log: silentLog });
  await publisher.waitUntilReady(2000);
});

afterAll(async () => {
  await api?.close();
  await publisher?.close();
  await cleanupPrefix(redisUrl(), prefix);
  await world?.close();
});

describe('tp-capital api', () => {
  it('prints its help', async () => {
    let out = '';
    const stdout = new Writable({
      write(chunk, _encoding, done) {
        out += String(chunk);
        done();
      },
    });
    const code = await runCommand(apiCommand, ['--help'], {
      stdin: process.stdin,
      stdout,
      stderr: stdout,
      env: {},
    });
    expect(code).toBe(0);
    expect(out).toMatch(/^Usage: tp-capital api \[options\]/);
    expect(out).toMatch(/--port N/);
  });

  it('is ready with the database and Redis up', async () => {
    const ready = await (await fetch(`${api.url}/ready`)).json();
    expect(ready).toMatchObject({
      status: 'healthy',
      checks: { database: { status: 'up' }, redis: { status: 'up' }, ingester: { role: 'off' } },
    });
  });

  it('streams what another process publishes on Redis, and caches GET /signals in Redis', async () => {
    const client = openEventSource(`${api.url}/signals/stream`, auth);
    try {
      await client.opened;
      const bus = createRedisBus(publisher, { log: silentLog });
      const events = await commit(world, bus, [signalItem('ROLE3')]);
      await pollUntil(() => client.events.length === 1, { what: 'the event over Redis' });
      expect(client.events[0]!.seq).toBe(events[0]!.seq);
      await bus.close();

      const first = await fetch(`${api.url}/signals`, { headers: auth });
      const second = await fetch(`${api.url}/signals`, { headers: auth });
      expect(first.headers.get('x-cache')).toBe('miss');
      expect(second.headers.get('x-cache')).toBe('hit');
      const keys = await publisher.master.keys(`${prefix}signals:${events[0]!.seq}:*`);
      expect(keys).toHaveLength(1);
      const limited = await publisher.master.keys(`${prefix}ratelimit:*`);
      expect(limited.length).toBeGreaterThan(0); // the rate limit is counted in Redis, shared by replicas
    } finally {
      client.close();
    }
  });
});
