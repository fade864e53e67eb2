/**
 * R1: the gateway drops the stream 50 times during a 10,000-message feed (demo posts with edits and
 * deletions, 200 at a time, the stream cut right after each chunk so part of it is still on the
 * wire). recover_s: the slowest stream reconnection.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { audit, demoChunks, HEADER, printRow, probeDelivered } from './audit.js';
import { AUTH, type Stack, scrape, startStack } from './harness.js';
import { waitFor } from './processes.js';
import { type AuditClient, openAuditClients } from './sse-audit.js';

const TOTAL = 10_000;
const DROPS = 50;

let stack: Stack;
let clients: AuditClient[] = [];

beforeAll(async () => {
  stack = await startStack();
  clients = await openAuditClients(stack.apis[0]!.url, AUTH, 3);
});
afterAll(async () => {
  for (const c of clients) c.close();
  await stack?.close();
});

it('R1: 50 stream drops during 10,000 messages lose and double nothing', async () => {
  const ingest = stack.ingesters[0]!;
  const opens = () =>
    scrape(`${ingest.metricsUrl}/metrics`, 'tp_capital_gateway_requests_total', {
      kind: 'stream',
      outcome: 'ok',
    });
  await waitFor('the ingester to stream', async () => (await opens()) > 0);
  await probeDelivered(stack, clients);
  const next = demoChunks(101);
  let dropped = 0;
  let slowest = 0;
  for (let i = 0; i < DROPS; i++) {
    const before = await opens();
    await stack.sim.inject(next(TOTAL / DROPS));
    dropped += (await stack.sim.dropStreams()).dropped;
    const cut = Date.now();
    await waitFor('the stream to come back', async () => (await opens()) > before, 30_000, 20);
    slowest = Math.max(slowest, (Date.now() - cut) / 1000);
  }
  await probeDelivered(stack, clients);
  const result = await audit(stack, clients);
  console.log(HEADER);
  const breaker = (to: string) =>
    scrape(`${ingest.metricsUrl}/metrics`, 'tp_capital_gateway_breaker_transitions_total', { to });
  printRow('R1', `stream dropped ${dropped}× in ${TOTAL} msgs`, result, slowest, {
    ...result.details,
    // Stream deaths count as breaker failures: a few drops in a row open it (then polling until half-open).
    breakerOpened: await breaker('open'),
    breakerClosed: await breaker('closed'),
  });
  expect(dropped).toBeGreaterThanOrEqual(DROPS);
  expect(result.details.expectedVersions).toBeGreaterThan(TOTAL - 100);
  expect(result.lost).toBe(0);
  expect(result.duplicated).toBe(0);
  expect(result.wrong).toBe(0);
});
