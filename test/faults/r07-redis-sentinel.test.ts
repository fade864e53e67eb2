/**
 * R7 (and issue 6 item 3): Redis master + replica + Sentinel from the local redis-server; the API and
 * the ingester find Redis through the Sentinel. Mid-feed the master is killed (-9). Measured from the
 * kill: when the Sentinel names the new master, when writes land on it again (the API's cache and rate
 * limit keys), and when pub/sub works again (a subscriber on the promoted server hears the ingester's
 * publish). The SSE clients must still get every event once (the event-log backfill covers the gap).
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  startSentinel,
  startThrowawayRedis,
  type ThrowawayRedis,
  type ThrowawaySentinel,
} from '../helpers/redis.js';
import { audit, demoChunks, HEADER, printRow, probeDelivered } from './audit.js';
import { AUTH, type Stack, startStack } from './harness.js';
import { sleep, waitFor } from './processes.js';
import { type AuditClient, openAuditClients } from './sse-audit.js';

const TOTAL = 3000;
const CHUNK = 30;

let master: ThrowawayRedis;
let replica: ThrowawayRedis;
let sentinel: ThrowawaySentinel;
let stack: Stack;
let clients: AuditClient[] = [];
let onReplica: Redis;
let subscriber: Redis;

beforeAll(async () => {
  master = await startThrowawayRedis();
  replica = await startThrowawayRedis({ replicaOf: `127.0.0.1:${master.port}` });
  onReplica = new Redis(replica.url, { maxRetriesPerRequest: 1 });
  await waitFor('the replica to sync', async () =>
    /master_link_status:up/.test(await onReplica.info('replication')),
  );
  sentinel = await startSentinel({
    masterPort: master.port,
    quorum: 1,
    downAfterMs: 1000,
    failoverTimeoutMs: 3000,
  });
  stack = await startStack({ redis: { sentinels: sentinel.address, master: sentinel.masterName } });
  subscriber = new Redis(replica.url);
  clients = await openAuditClients(stack.apis[0]!.url, AUTH, 3);
});
afterAll(async () => {
  for (const c of clients) c.close();
  await stack?.close();
  onReplica?.disconnect();
  subscriber?.disconnect();
  await sentinel?.stop();
  await replica?.stop();
  await master?.stop();
});

async function keyCount(redis: Redis, prefix: string): Promise<number> {
  let n = 0;
  for await (const keys of redis.scanStream({ match: `${prefix}*`, count: 1000 }))
    n += (keys as string[]).length;
  return n;
}

it('R7: the Redis master is killed: writes and pub/sub resume on the promoted replica, SSE loses nothing', async () => {
  let lastMessageAt = 0;
  await subscriber.subscribe(`${stack.prefix}signal-events`);
  subscriber.on('message', () => {
    lastMessageAt = Date.now();
  });
  await probeDelivered(stack, clients);
  expect(lastMessageAt).toBeGreaterThan(0); // the bus really goes through this Redis

  const next = demoChunks(707);
  let sent = 0;
  const api = stack.apis[0]!;
  const feed = (async () => {
    while (sent < TOTAL) {
      await stack.sim.inject(next(CHUNK));
      sent += CHUNK;
      // A dashboard reading meanwhile: cache reads and writes, rate-limit writes.
      await fetch(`${api.url}/signals?limit=20`, { headers: AUTH })
        .then((r) => r.arrayBuffer())
        .catch(() => undefined);
      await sleep(40);
    }
  })();
  await waitFor('a third of the feed', () => sent >= TOTAL / 3, 60_000);
  await master.kill();
  const killed = Date.now();
  const before = await keyCount(onReplica, stack.prefix);
  const promoted = await waitFor(
    'the Sentinel to promote the replica',
    async () => {
      const role = await onReplica.role();
      return role[0] === 'master' ? (Date.now() - killed) / 1000 : undefined;
    },
    30_000,
    100,
  );
  const writes = await waitFor(
    'writes on the new master',
    async () =>
      (await keyCount(onReplica, stack.prefix)) > before ? (Date.now() - killed) / 1000 : undefined,
    30_000,
    100,
  );
  const pubsub = await waitFor(
    'a publish on the new master',
    () => (lastMessageAt > killed ? (lastMessageAt - killed) / 1000 : undefined),
    30_000,
    50,
  );
  await feed;
  const probe = await probeDelivered(stack, clients, killed);
  const result = await audit(stack, clients);
  const recover = Math.max(writes, pubsub);
  console.log(HEADER);
  printRow('R7', `Redis Sentinel: master killed (-9) mid-feed`, result, recover, {
    ...result.details,
    promotedS: promoted,
    writesResumedS: writes,
    pubsubResumedS: pubsub,
    killToProbeDeliveredS: probe,
  });
  expect(recover).toBeLessThanOrEqual(30);
  expect(result.lost).toBe(0);
  expect(result.duplicated).toBe(0);
  expect(result.wrong).toBe(0);
});
