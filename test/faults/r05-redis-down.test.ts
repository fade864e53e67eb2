/**
 * R5: Redis (a throwaway server of this test's own) stopped for 30 s mid-feed. REST keeps answering
 * from PostgreSQL; SSE clients get every event once Redis is back (the API backfills from the event
 * log); nothing lost or doubled. recover_s: Redis back → a probe posted then is at every SSE client.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startThrowawayRedis, type ThrowawayRedis } from '../helpers/redis.js';
import { audit, demoChunks, HEADER, printRow, probeDelivered } from './audit.js';
import { AUTH, type Stack, startStack } from './harness.js';
import { httpStatus, sleep } from './processes.js';
import { type AuditClient, openAuditClients } from './sse-audit.js';

const OUTAGE_MS = Number(process.env.FAULTS_OUTAGE_MS ?? 30_000);

let redis: ThrowawayRedis;
let stack: Stack;
let clients: AuditClient[] = [];

beforeAll(async () => {
  redis = await startThrowawayRedis();
  stack = await startStack({ redis: { url: redis.url } });
  clients = await openAuditClients(stack.apis[0]!.url, AUTH, 3);
});
afterAll(async () => {
  for (const c of clients) c.close();
  await stack?.close();
  await redis?.stop();
});

it('R5: Redis stopped for 30 s: REST answers from PostgreSQL, SSE gets every event once Redis is back', async () => {
  const api = stack.apis[0]!;
  await probeDelivered(stack, clients);
  const next = demoChunks(505);
  let feeding = true;
  const feed = (async () => {
    while (feeding) {
      await stack.sim.inject(next(10));
      await sleep(100);
    }
  })();
  await sleep(3000);
  await redis.stop();
  const stopped = Date.now();
  const rest: Record<number, number> = {};
  while (Date.now() - stopped < OUTAGE_MS) {
    const status = await httpStatus(`${api.url}/signals?limit=20`, AUTH);
    rest[status] = (rest[status] ?? 0) + 1;
    await sleep(200);
  }
  await redis.start();
  const back = Date.now();
  await sleep(2000);
  feeding = false;
  await feed;
  const recover = await probeDelivered(stack, clients, back, 60_000);
  const result = await audit(stack, clients);
  console.log(HEADER);
  printRow('R5', `Redis stopped ${OUTAGE_MS / 1000} s mid-feed`, result, recover, {
    ...result.details,
    restDuringOutage: rest,
  });
  expect(Object.keys(rest)).toEqual(['200']);
  expect(result.lost).toBe(0);
  expect(result.duplicated).toBe(0);
  expect(result.wrong).toBe(0);
});
