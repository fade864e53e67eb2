/**
 * The "Done when" (TARGETS.md R1): gateway-sim feeds 10,000 deterministic demo posts (signals,
 * updates, comments, photos, edits, deletions) and drops the stream every 200 messages. The database
 * must then hold exactly what the feed implies — computed from the feed by the reference model, never
 * from the database: every version once in the inbox, every signal with its final state, the event log
 * one row per change in feed order. The figures are printed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDemoFeed } from '../../../src/sim/demo-feed.js';
import type { GatewaySim } from '../../../src/sim/gateway-sim.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/test-database.js';
import {
  type DbFacts,
  dbFacts,
  type Harness,
  metricValue,
  startIngester,
  startSim,
  streaming,
  waitFor,
} from './harness.js';
import { createReferenceModel } from './reference-model.js';

const TOTAL = 10_000;
const DROP_EVERY = 200;

let database: TestDatabase;
let sim: GatewaySim;
let facts: DbFacts;
let harness: Harness;

beforeAll(async () => {
  database = await createTestDatabase();
  sim = await startSim();
  facts = dbFacts(database.url);
  // The contract's timings for connects and stalls (the audit is about drops, not a slow machine's timeouts).
  harness = await startIngester({
    databaseUrl: database.url,
    gatewayUrl: sim.url,
    env: {
      GATEWAY_BREAKER_TIMEOUT_MS: '5000',
      GATEWAY_REQUEST_TIMEOUT_MS: '5000',
      GATEWAY_STREAM_WATCHDOG_MS: '45000',
    },
  });
  await streaming(harness);
});
afterAll(async () => {
  await harness?.close();
  await sim?.close();
  await facts?.close();
  await database?.drop();
});

const iso = (d: Date) => d.toISOString();

describe('audit: 10,000 messages, the stream dropped every 200', () => {
  it('stores exactly what the feed implies', { timeout: 120_000 }, async () => {
    const started = performance.now();
    const demo = createDemoFeed({ seed: 42 });
    const opens = () => metricValue(harness.metrics, 'gatewayRequests', { kind: 'stream', outcome: 'ok' });
    let drops = 0;
    for (let sent = 0; sent < TOTAL; sent += DROP_EVERY) {
      const before = await opens();
      const chunk = Array.from({ length: DROP_EVERY }, () => {
        const { kind: _kind, ...post } = demo.next();
        return post;
      });
      sim.control.inject(chunk);
      // Right after the chunk went out: part of it is still on the wire when the stream dies.
      drops += sim.control.dropStreams().dropped;
      await waitFor('the stream to come back', async () => (await opens()) > before);
    }
    const emitted = sim.control.emitted();
    await waitFor(
      'the ingester to catch up',
      async () => (await facts.cursor()) === emitted.lastCursor,
      90_000,
    );
    const seconds = (performance.now() - started) / 1000;

    // The expectation, from the feed alone.
    const model = createReferenceModel();
    for (const entry of emitted.events) {
      if (!entry.message) continue;
      model.apply({ event: entry.event, ...entry.message });
    }

    const [inbox, signals, events] = await Promise.all([
      facts.inbox(),
      facts.signals(),
      facts.eventsByMessage(),
    ]);
    const versionOf = (r: (typeof inbox)[number]) =>
      JSON.stringify([r.messageId, iso(r.telegramDate), r.kind, r.content]);
    const stored = new Set(inbox.map(versionOf));
    const expectedVersions = new Set<string>();
    for (const entry of emitted.events) {
      const m = entry.message;
      if (!m) continue;
      const kind =
        entry.event === 'message.edited'
          ? 'edited'
          : entry.event === 'message.deleted'
            ? 'deleted'
            : 'message';
      expectedVersions.add(JSON.stringify([m.messageId, m.telegramDate, kind, m.text ?? m.caption]));
    }
    const lost = [...expectedVersions].filter((v) => !stored.has(v)).length;
    const duplicates =
      inbox.length - stored.size + [...stored].filter((v) => !expectedVersions.has(v)).length;

    console.log(
      `[ingest audit] emitted ${emitted.counts.total} (message ${emitted.counts.message}, edited ${emitted.counts.edited}, ` +
        `deleted ${emitted.counts.deleted}), stream drops ${drops}, inbox rows ${inbox.length} (expected ${model.versions()}), ` +
        `signals ${signals.length} (expected ${model.signals().length}), events ${events.length} (expected ${model.events()}), ` +
        `duplicates ${duplicates}, lost ${lost}, breaker openings ${await metricValue(harness.metrics, 'breakerTransitions', { to: 'open' })}, ` +
        `published ${harness.published.length}, ${seconds.toFixed(1)} s`,
    );

    expect(emitted.counts.total).toBe(TOTAL);
    expect(drops).toBe(TOTAL / DROP_EVERY);
    expect(model.versions()).toBe(expectedVersions.size);
    expect(lost).toBe(0);
    expect(duplicates).toBe(0);
    expect(inbox).toHaveLength(model.versions());

    const bySignal = new Map(model.signals().map((s) => [`${s.messageId}|${s.telegramDate}`, s]));
    expect(signals).toHaveLength(bySignal.size);
    for (const signal of signals) {
      const expected = bySignal.get(`${signal.messageId}|${iso(signal.ts)}`);
      expect(expected, `signal ${signal.messageId}`).toBeDefined();
      expect({ status: signal.status, asset: signal.asset, raw: signal.rawMessage }).toEqual({
        status: expected?.status,
        asset: expected?.asset,
        raw: expected?.rawMessage,
      });
    }
    // One row per change, in feed order.
    expect(events.map((e) => `${e.messageId}|${iso(e.ts)}|${e.op}`)).toEqual(model.log());
    // And the bus carried each committed event once, in seq order.
    expect(harness.published.map((e) => e.seq)).toEqual(events.map((e) => e.seq));
  });
});
