/**
 * R2: the gateway's stream answers 500 for 35 s (TARGETS: 60 s; shortened, with the breaker's
 * resetTimeout at 10 s instead of 30 s, so that the same open → half-open → open cycle happens more
 * than once in less time). The breaker opens, polling every 5 s takes over, the breaker closes after
 * recovery and the stream resumes; the transitions are on the ingester's /metrics; nothing lost.
 * recover_s: 500s end → a probe posted then is at every SSE client.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { audit, demoChunks, HEADER, printRow, probeDelivered } from './audit.js';
import { AUTH, type Stack, scrape, startStack } from './harness.js';
import { sleep, waitFor } from './processes.js';
import { type AuditClient, openAuditClients } from './sse-audit.js';

const FAULT_MS = Number(process.env.FAULTS_R2_MS ?? 35_000);

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

it('R2: 35 s of 500s: breaker opens, polling takes over, the stream resumes, nothing lost', async () => {
  const metrics = `${stack.ingesters[0]!.metricsUrl}/metrics`;
  const m = (name: string, labels: Record<string, string> = {}) =>
    scrape(metrics, `tp_capital_${name}`, labels);
  await probeDelivered(stack, clients);
  const next = demoChunks(202);
  let feeding = true;
  const feed = (async () => {
    while (feeding) {
      await stack.sim.inject(next(10));
      await sleep(200);
    }
  })();
  await sleep(2000);
  const polls0 = await m('gateway_requests_total', { kind: 'poll', outcome: 'ok' });
  await stack.sim.failNext(1_000_000, 'stream');
  await stack.sim.dropStreams();
  const started = Date.now();
  const openedAfter = await waitFor(
    'the breaker to open',
    async () =>
      (await m('gateway_breaker_transitions_total', { to: 'open' })) > 0
        ? (Date.now() - started) / 1000
        : undefined,
    FAULT_MS,
  );
  const modes = new Set<number>();
  while (Date.now() - started < FAULT_MS) {
    modes.add(await m('ingest_mode'));
    await sleep(500);
  }
  const polls = (await m('gateway_requests_total', { kind: 'poll', outcome: 'ok' })) - polls0;
  await stack.sim.clearFaults();
  const cleared = Date.now();
  const closedAfter = await waitFor(
    'the breaker to close and the stream to resume',
    async () =>
      (await m('gateway_breaker_transitions_total', { to: 'closed' })) > 0 && (await m('ingest_mode')) === 1
        ? (Date.now() - cleared) / 1000
        : undefined,
    60_000,
    200,
  );
  await sleep(2000);
  feeding = false;
  await feed;
  const recover = await probeDelivered(stack, clients, cleared);
  const result = await audit(stack, clients, { strictLog: false });
  const transitions = {
    open: await m('gateway_breaker_transitions_total', { to: 'open' }),
    halfOpen: await m('gateway_breaker_transitions_total', { to: 'halfOpen' }),
    closed: await m('gateway_breaker_transitions_total', { to: 'closed' }),
  };
  console.log(HEADER);
  printRow('R2', `stream answers 500 for ${FAULT_MS / 1000} s`, result, recover, {
    ...result.details,
    openedAfterS: openedAfter,
    closedAfterRecoveryS: closedAfter,
    transitions,
    modesDuringFault: [...modes],
    pollsDuringFault: polls,
  });
  expect(transitions.open).toBeGreaterThan(0);
  expect(transitions.closed).toBeGreaterThan(0);
  expect(modes.has(0)).toBe(true); // polling
  expect(polls).toBeGreaterThan(0);
  expect(result.lost).toBe(0);
  expect(result.duplicated).toBe(0);
  // Every version is stored once, under its own kind. Final states and the event log may differ from
  // the stream's order where polling was the only source: the gateway's polling API shows each
  // message's latest version and no deletions, so lifecycle updates are applied in polling order
  // (src/ingest/README.md, "Known limit"). TARGETS R2 asks for 0 lost; the row reports the difference.
  expect(result.details.inboxWrongKind).toBe(0);
});
