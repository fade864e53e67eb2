/**
 * R6 (and issue 6 item 4): two ingesters against gateway-sim, one holding the lease, the other
 * standing by. Mid-feed the active one is `kill -9`ed; the standby must take the lease within 15 s
 * (INGEST_LEASE_TTL_MS 5 s here) and resume from the stored cursor: no message lost or doubled.
 * recover_s: kill → the standby reports itself active on /ready.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { audit, demoChunks, HEADER, printRow, probeDelivered } from './audit.js';
import { AUTH, ingestRole, type Stack, startStack } from './harness.js';
import { sleep, waitFor } from './processes.js';
import { type AuditClient, openAuditClients } from './sse-audit.js';

const TOTAL = 4000;
const CHUNK = 40;

let stack: Stack;
let clients: AuditClient[] = [];

beforeAll(async () => {
  stack = await startStack({ ingesters: 2 });
  clients = await openAuditClients(stack.apis[0]!.url, AUTH, 3);
});
afterAll(async () => {
  for (const c of clients) c.close();
  await stack?.close();
});

it('R6: kill -9 of the active ingester mid-feed: the standby takes over within 15 s, nothing lost or doubled', async () => {
  const active = await waitFor('one ingester to be active', async () => {
    const roles = await Promise.all(stack.ingesters.map(ingestRole));
    return roles.filter((r) => r === 'active').length === 1
      ? stack.ingesters[roles.indexOf('active')]
      : undefined;
  });
  const standby = stack.ingesters.find((i) => i !== active)!;
  expect(await ingestRole(standby)).toBe('standby');
  await probeDelivered(stack, clients);

  const next = demoChunks(606);
  let sent = 0;
  const feed = (async () => {
    while (sent < TOTAL) {
      await stack.sim.inject(next(CHUNK));
      sent += CHUNK;
      await sleep(25);
    }
  })();
  await waitFor(
    'a third of the feed committed',
    async () => (await stack.facts.count('forwarded_messages.messages')) >= TOTAL / 3,
    60_000,
  );
  active!.process.child.kill('SIGKILL');
  const killed = Date.now();
  const code = await active!.process.exited;
  const sentAtKill = sent;
  await waitFor(
    'the standby to take the lease',
    async () => (await ingestRole(standby)) === 'active',
    30_000,
    100,
  );
  const takeover = (Date.now() - killed) / 1000;
  await feed;
  const endToEnd = await probeDelivered(stack, clients, killed);
  const result = await audit(stack, clients, { strictLog: false });
  console.log(HEADER);
  printRow('R6', `kill -9 of the active ingester (at ${sentAtKill}/${TOTAL} sent)`, result, takeover, {
    ...result.details,
    killExitCode: code,
    killToProbeDeliveredS: endToEnd,
  });
  expect(code).toBeNull();
  expect(sentAtKill).toBeLessThan(TOTAL);
  expect(takeover).toBeLessThanOrEqual(15);
  expect(standby.process.lines.some((l) => l.includes('"lease acquired: active"'))).toBe(true);
  expect(result.lost).toBe(0);
  expect(result.duplicated).toBe(0);
  expect(result.wrong).toBe(0);
});
