/**
 * R8: one SSE client stops reading (a raw socket, paused after the first frame) while big signals
 * (~3 KB of text each) flow, with SSE_MAX_BUFFER_BYTES at 64 KiB. The API must cut it once its unsent
 * bytes pass the bound (the kernel's socket buffers fill first), the other clients' latency must stay
 * as it was (sim emit → SSE receipt, p50/p99, before vs during; reported, not asserted), and after
 * reconnecting with Last-Event-ID the slow client must have every event exactly once.
 * recover_s: the cut → the reconnected client has caught up.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { PartialMessageInput } from '../../src/sim/sim-message.js';
import { openRawStream, type RawStream } from '../integration/http/sse-clients.js';
import { allEmitted, audit, HEADER, printRow, probeDelivered } from './audit.js';
import { AUTH, type Stack, scrape, startStack } from './harness.js';
import { sleep, waitFor } from './processes.js';
import { type AuditClient, openAuditClients } from './sse-audit.js';

const BOUND = 64 * 1024;
const MAX_MESSAGES = 20_000;

let stack: Stack;
let clients: AuditClient[] = [];
const raws: RawStream[] = [];

beforeAll(async () => {
  stack = await startStack({ apiEnv: { SSE_MAX_BUFFER_BYTES: String(BOUND) } });
  clients = await openAuditClients(stack.apis[0]!.url, AUTH, 3);
});
afterAll(async () => {
  for (const c of clients) c.close();
  for (const r of raws) r.close();
  await stack?.close();
});

let n = 0;
const ASSETS = ['PETR4', 'VALE3', 'ITUB4', 'BBDC4', 'ABEV3', 'WEGE3', 'MGLU3', 'B3SA3'];
function bigSignals(count: number): PartialMessageInput[] {
  return Array.from({ length: count }, () => {
    n++;
    return {
      messageId: String(1_000_000 + n),
      telegramDate: new Date(Date.UTC(2026, 0, 5) + n * 1000).toISOString(),
      text: `Swing Trade\nAtivo: ${ASSETS[n % ASSETS.length]}\nCompra: 10,00 a 11,00\nAlvo 1: 15,00\nStop: 8,00\n${'Atenção ao volume. '.repeat(150)}`,
    };
  });
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

it('R8: a client that stops reading is cut at the bound, the others are unaffected, it loses nothing', async () => {
  const api = stack.apis[0]!;
  await probeDelivered(stack, clients);
  // Baseline latency: the same kind of traffic, no slow client.
  for (let i = 0; i < 10; i++) {
    await stack.sim.inject(bigSignals(20));
    await sleep(100);
  }
  await probeDelivered(stack, clients);
  const baselineUntil = Date.now();

  const slow = await openRawStream(`${api.url}/signals/stream`, AUTH, { paused: true });
  raws.push(slow);
  expect(slow.status).toBe(200);
  let cut = 0;
  void slow.ended.then(() => {
    cut = Date.now();
  });
  let sent = 200;
  const cuts = () => scrape(`${api.url}/metrics`, 'tp_capital_sse_slow_disconnects_total');
  while (cut === 0 && sent < MAX_MESSAGES) {
    await stack.sim.inject(bigSignals(50));
    sent += 50;
    await sleep(50);
    // A paused response may not report its socket's end: the server's own count says it was cut.
    if ((await cuts()) > 0) cut = Date.now();
  }
  expect(cut, `not cut after ${sent} messages`).toBeGreaterThan(0);
  await probeDelivered(stack, clients);
  const slowUntil = Date.now();
  const before = slow.seqs();
  const lastSeen = before.at(-1) ?? 0;

  const again = await openRawStream(`${api.url}/signals/stream`, {
    ...AUTH,
    'last-event-id': String(lastSeen),
  });
  raws.push(again);
  const last = Math.max(...clients.map((c) => c.maxSeq()));
  await waitFor('the reconnected client to catch up', () => (again.seqs().at(-1) ?? 0) >= last, 60_000);
  const recover = (Date.now() - cut) / 1000;

  // Latency of the other clients: sim emit → receipt, for new signals, before vs while the slow one was there.
  const emittedAt = new Map<string, number>();
  for (const e of await allEmitted(stack))
    if (e.event === 'message' && e.message) emittedAt.set(e.message.messageId, e.emittedAt);
  const phase = (from: number, to: number) =>
    clients.flatMap((c) =>
      c.deliveries
        .filter((d) => d.op === 'created' && d.at > from && d.at <= to && emittedAt.has(d.messageId))
        .map((d) => d.at - (emittedAt.get(d.messageId) ?? 0)),
    );
  const baseline = phase(0, baselineUntil);
  const during = phase(baselineUntil, slowUntil);

  const result = await audit(stack, clients);
  const logSeqs = (await stack.facts.events()).map((e) => e.seq);
  const slowGot = [...before, ...again.seqs()];
  const slowSet = new Set(slowGot);
  const slowLost = logSeqs.filter((s) => s > (before[0] ?? 0) - 1 && !slowSet.has(s)).length;
  const slowDup = slowGot.length - slowSet.size;
  const slowCuts = await cuts();
  console.log(HEADER);
  printRow(
    'R8',
    `one SSE client stops reading (bound ${BOUND / 1024} KiB)`,
    {
      ...result,
      lost: result.lost + slowLost,
      duplicated: result.duplicated + slowDup,
      delivered: result.delivered + slowGot.length,
    },
    recover,
    {
      ...result.details,
      messagesUntilCut: sent,
      slowBeforeCut: before.length,
      slowReplayed: again.seqs().length,
      slowLost,
      slowDup,
      slowDisconnectsMetric: slowCuts,
      othersLatencyMs: {
        baseline: { n: baseline.length, p50: percentile(baseline, 50), p99: percentile(baseline, 99) },
        withSlowClient: { n: during.length, p50: percentile(during, 50), p99: percentile(during, 99) },
      },
    },
  );
  expect(slowCuts).toBeGreaterThanOrEqual(1);
  expect(slowLost).toBe(0);
  expect(slowDup).toBe(0);
  expect(result.lost).toBe(0);
  expect(result.duplicated).toBe(0);
  expect(result.wrong).toBe(0);
});
