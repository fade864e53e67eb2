/**
 * R3: the stream stalls (connection open, not a byte, pings included) while the feed goes on; the
 * ingester's watchdog (GATEWAY_STREAM_WATCHDOG_MS=3000; the sim pings every second) must give up on it
 * and reconnect within its limit. Three stalls; each is lifted once the reconnection reached the sim.
 * The breaker's volume threshold is raised to 10 here: three watchdog deaths within its rolling window
 * would otherwise open it (that is R2's scenario, polling), and this one is about the watchdog.
 * recover_s: the slowest stall → new stream request.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { audit, demoChunks, HEADER, printRow, probeDelivered } from './audit.js';
import { AUTH, INGEST_ENV, type Stack, startStack } from './harness.js';
import { sleep, waitFor } from './processes.js';
import { type AuditClient, openAuditClients } from './sse-audit.js';

const STALLS = 3;
const WATCHDOG_S = Number(INGEST_ENV.GATEWAY_STREAM_WATCHDOG_MS) / 1000;

let stack: Stack;
let clients: AuditClient[] = [];

beforeAll(async () => {
  stack = await startStack({ ingestEnv: { GATEWAY_BREAKER_VOLUME_THRESHOLD: '10' } });
  clients = await openAuditClients(stack.apis[0]!.url, AUTH, 3);
});
afterAll(async () => {
  for (const c of clients) c.close();
  await stack?.close();
});

it('R3: stalled streams: the watchdog reconnects within its limit, nothing lost', async () => {
  const streamRequests = async () =>
    Object.values((await stack.sim.stats()).requests.stream).reduce((a, b) => a + b, 0);
  await probeDelivered(stack, clients);
  const next = demoChunks(303);
  let feeding = true;
  const feed = (async () => {
    while (feeding) {
      await stack.sim.inject(next(10));
      await sleep(100);
    }
  })();
  const reconnects: number[] = [];
  for (let i = 0; i < STALLS; i++) {
    await sleep(1500);
    const before = await streamRequests();
    await stack.sim.stall();
    const stalled = Date.now();
    await waitFor('the watchdog to reconnect', async () => (await streamRequests()) > before, 30_000, 50);
    reconnects.push((Date.now() - stalled) / 1000);
    await stack.sim.unstall();
  }
  await sleep(1500);
  feeding = false;
  await feed;
  await probeDelivered(stack, clients);
  const result = await audit(stack, clients);
  const slowest = Math.max(...reconnects);
  console.log(HEADER);
  printRow('R3', `stream stalled ${STALLS}× (watchdog ${WATCHDOG_S} s)`, result, slowest, {
    ...result.details,
    reconnectsS: reconnects,
  });
  // The limit: the watchdog, plus the first reconnect's backoff (at most a second here).
  expect(slowest).toBeLessThan(WATCHDOG_S + 2);
  expect(result.lost).toBe(0);
  expect(result.duplicated).toBe(0);
  expect(result.wrong).toBe(0);
});
