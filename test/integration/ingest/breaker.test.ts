/**
 * The breaker and the polling fallback against gateway-sim faults (TARGETS.md R2, scaled down): 500s on
 * the stream open the breaker, polling takes over, a half-open stream attempt closes it again and the
 * stream resumes from the stored cursor. Timings come from the harness (reset 1 s, polls every 200 ms).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
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

let database: TestDatabase;
let sim: GatewaySim;
let facts: DbFacts;
let harness: Harness;

beforeEach(async () => {
  database = await createTestDatabase();
  sim = await startSim();
  facts = dbFacts(database.url);
  harness = await startIngester({ databaseUrl: database.url, gatewayUrl: sim.url });
  await streaming(harness);
});
afterEach(async () => {
  await harness.close();
  await sim.close();
  await facts.close();
  await database.drop();
});

function post(n: number, stop = '9,00') {
  return {
    messageId: String(n),
    telegramDate: `2025-11-03T10:${String(n % 60).padStart(2, '0')}:00.000Z`,
    text: `Swing Trade\nAtivo: BBAS${n % 10}\nCompra: 20,00 a 21,00\nAlvo 1: 24,00\nStop: ${stop}`,
  };
}

const transitions = async (to: string) => metricValue(harness.metrics, 'breakerTransitions', { to });

describe('gateway breaker and polling fallback', () => {
  it('opens on 500s, polls meanwhile, and returns to the stream after recovery without loss', async () => {
    sim.control.inject([post(1), post(2)]);
    await waitFor('the first messages', async () => (await facts.count('forwarded_messages.messages')) === 2);
    const cursorBefore = await facts.cursor();

    sim.control.failNext(10_000, 'stream');
    sim.control.dropStreams();
    await waitFor('the breaker to open', () => harness.ingester.status().breaker === 'open');
    await waitFor('polling mode', () => harness.ingester.status().mode === 'polling');
    expect(await metricValue(harness.metrics, 'ingestMode')).toBe(0);
    expect(await metricValue(harness.metrics, 'breakerState')).toBeGreaterThan(0);

    // While polling: new messages, and an edit in two steps that polling only sees the end of.
    sim.control.inject([post(3), post(4)]);
    await waitFor('polled messages', async () => (await facts.count('forwarded_messages.messages')) === 4);
    sim.control.inject(post(1, '9,10'));
    await new Promise((r) => setTimeout(r, 5));
    sim.control.inject(post(1, '9,20'));
    await waitFor('the polled edit', async () =>
      (await facts.signals()).some((s) => s.messageId === '1' && s.rawMessage.includes('9,20')),
    );
    // Polled messages carry no stream cursor: the stored one has not moved.
    expect(await facts.cursor()).toBe(cursorBefore);
    expect(
      await metricValue(harness.metrics, 'gatewayRequests', { kind: 'poll', outcome: 'ok' }),
    ).toBeGreaterThan(0);
    // Half-open attempts keep failing while the stream answers 500.
    await waitFor('a failed half-open attempt', async () => (await transitions('halfOpen')) >= 1);

    sim.control.clearFaults();
    await waitFor('the breaker to close', () => harness.ingester.status().breaker === 'closed');
    await waitFor('stream mode', () => harness.ingester.status().mode === 'stream');
    sim.control.inject(post(5));
    const last = sim.control.emitted().lastCursor;
    await waitFor('the stream to catch up', async () => (await facts.cursor()) === last);

    expect(await transitions('open')).toBeGreaterThanOrEqual(1);
    expect(await transitions('halfOpen')).toBeGreaterThanOrEqual(1);
    expect(await transitions('closed')).toBe(1);
    expect(await metricValue(harness.metrics, 'breakerState')).toBe(0);
    expect(await metricValue(harness.metrics, 'ingestMode')).toBe(1);

    const signals = await facts.signals();
    expect(signals.map((s) => s.messageId).sort()).toEqual(['1', '2', '3', '4', '5']);
    // The replay of the intermediate edit (9,10) did not turn the signal back.
    expect(signals.find((s) => s.messageId === '1')?.rawMessage).toContain('Stop: 9,20');
    const inbox = await facts.inbox();
    const versions = inbox.map((r) => `${r.messageId}:${r.kind}:${r.content}`);
    expect(new Set(versions).size).toBe(versions.length);
    expect(harness.ingester.counters().skippedStale).toBe(1);
    // ... and is kept in the inbox all the same, as superseded.
    const superseded = inbox.filter((r) => r.reason === 'superseded');
    expect(superseded).toHaveLength(1);
    expect(superseded[0]).toMatchObject({ messageId: '1', outcome: 'rejected' });
    expect(superseded[0]?.content).toContain('Stop: 9,10');
  });

  it('survives a gateway that is down altogether, and catches up when it is back', async () => {
    sim.control.inject(post(1));
    await waitFor('the first message', async () => (await facts.count('forwarded_messages.messages')) === 1);
    sim.control.down();
    sim.control.inject([post(2), post(3)]);
    await waitFor('the breaker to open', () => harness.ingester.status().breaker === 'open');
    await waitFor(
      'failed polls',
      async () =>
        (await metricValue(harness.metrics, 'gatewayRequests', { kind: 'poll', outcome: 'http' })) >= 2,
    );
    expect(harness.ingester.status().role).toBe('active');
    sim.control.up();
    const last = sim.control.emitted().lastCursor;
    await waitFor('the catch-up', async () => (await facts.cursor()) === last);
    await waitFor('stream mode', () => harness.ingester.status().mode === 'stream');
    expect((await facts.inbox()).map((r) => r.messageId).sort()).toEqual(['1', '2', '3']);
  });
});
