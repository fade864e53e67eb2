/**
 * R4: PostgreSQL (a throwaway server of this test's own) stopped for 30 s mid-feed. The ingester holds:
 * nothing is acknowledged to the gateway while nothing can be committed (so the cursor cannot move),
 * the API's /ready answers 503, then 200 once the server is back, and the ingester catches up.
 * recover_s: server back → a probe posted then is at every SSE client.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startThrowawayPostgres, type ThrowawayPostgres } from '../helpers/postgres.js';
import { audit, demoChunks, HEADER, printRow, probeDelivered } from './audit.js';
import { AUTH, type Stack, startStack } from './harness.js';
import { httpStatus, sleep, spawnRole, waitFor } from './processes.js';
import { type AuditClient, openAuditClients } from './sse-audit.js';

const OUTAGE_MS = Number(process.env.FAULTS_OUTAGE_MS ?? 30_000);

let pgServer: ThrowawayPostgres;
let stack: Stack;
let clients: AuditClient[] = [];

beforeAll(async () => {
  pgServer = await startThrowawayPostgres();
  const migrate = spawnRole('migrate', ['migrate', '--database-url', pgServer.url], { LOG_LEVEL: 'warn' });
  expect(await migrate.exited, migrate.lines.join('\n')).toBe(0);
  stack = await startStack({ databaseUrl: pgServer.url });
  clients = await openAuditClients(stack.apis[0]!.url, AUTH, 3);
});
afterAll(async () => {
  for (const c of clients) c.close();
  await stack?.close();
  await pgServer?.destroy();
});

it('R4: PostgreSQL stopped for 30 s mid-feed: the ingester holds, /ready 503 then 200, nothing lost', async () => {
  const api = stack.apis[0]!;
  await probeDelivered(stack, clients);
  const next = demoChunks(404);
  let feeding = true;
  let sent = 0;
  const feed = (async () => {
    while (feeding) {
      await stack.sim.inject(next(10));
      sent += 10;
      await sleep(100);
    }
  })();
  await sleep(3000);
  await pgServer.stop();
  const stopped = Date.now();
  const ready: number[] = [];
  const acksAtStop = (await stack.sim.stats()).acks.updated;
  await sleep(2000); // acks of batches committed just before the stop are still on their way
  const acksEarly = (await stack.sim.stats()).acks.updated;
  while (Date.now() - stopped < OUTAGE_MS) {
    ready.push(await httpStatus(`${api.url}/ready`));
    await sleep(1000);
  }
  const acksLate = (await stack.sim.stats()).acks.updated;
  const sentDuringOutage = sent;
  await pgServer.start();
  const back = Date.now();
  const readyAgain = await waitFor(
    '/ready 200',
    async () => ((await httpStatus(`${api.url}/ready`)) === 200 ? (Date.now() - back) / 1000 : undefined),
    60_000,
    200,
  );
  await sleep(3000);
  feeding = false;
  await feed;
  const recover = await probeDelivered(stack, clients, back, 90_000);
  const result = await audit(stack, clients);
  console.log(HEADER);
  printRow('R4', `PostgreSQL stopped ${OUTAGE_MS / 1000} s mid-feed`, result, recover, {
    ...result.details,
    readyDuringOutage: [...new Set(ready)],
    readyAgainS: readyAgain,
    acksAtStop,
    acksEarly,
    acksLate,
    sentDuringOutage,
  });
  expect(ready.filter((s) => s === 503).length).toBeGreaterThan(0);
  expect(acksLate).toBe(acksEarly); // nothing acknowledged while nothing could be committed
  expect(result.lost).toBe(0);
  expect(result.duplicated).toBe(0);
  expect(result.wrong).toBe(0);
});
