/**
 * The subscriber against a real event log: a lost publish is noticed at the next event (a jump in seq)
 * and filled from the log first; a doorbell lost with nothing after it is caught by the periodic check;
 * a duplicate or replayed publish is not broadcast twice.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryBus } from '../../../src/bus/memory-bus.js';
import type { SignalEvent } from '../../../src/domain/events.js';
import { createSignalSubscriber, type SignalSubscriber } from '../../../src/http/signal-subscriber.js';
import { pollUntil } from '../../helpers/redis.js';
import { createWorld, signalItem, silentLog, type World } from './harness.js';

let world: World;
beforeAll(async () => {
  world = await createWorld();
});
afterAll(async () => {
  await world?.close();
});

async function subscriber(safetyCheckMs: number) {
  const bus = createMemoryBus();
  const seen: SignalEvent[] = [];
  const sub: SignalSubscriber = createSignalSubscriber({
    bus,
    signals: world.signals,
    broadcast: (events) => seen.push(...events),
    log: silentLog,
    pageSize: 2, // small pages: the fill must page
    safetyCheckMs,
  });
  await sub.start();
  return { bus, seen, sub };
}

const committedOnly = async (n: number, tag: string) => {
  const report = await world.ingest.applyBatch(
    Array.from({ length: n }, (_, i) => signalItem(`${tag}${i}`)),
    null,
  );
  return report.events;
};

describe('signal subscriber', () => {
  it('fills a jump in seq from the log before broadcasting further, and drops duplicates', async () => {
    const { bus, seen, sub } = await subscriber(600_000);
    try {
      const lost = await committedOnly(5, 'LOST'); // committed, never published
      const next = await committedOnly(1, 'NEXT');
      await bus.publish(next);
      await pollUntil(() => seen.length === 6, { what: 'the fill' });
      await bus.publish(next); // a duplicate delivery
      await bus.publish(lost); // and a late one
      await sub.settled();
      expect(seen.map((e) => e.seq)).toEqual([...lost, ...next].map((e) => e.seq));
      expect(sub.status()).toMatchObject({ live: true, gapsFilled: 1, lastSeq: next[0]!.seq });
      expect(sub.knownSeq()).toBe(next[0]!.seq);
    } finally {
      await sub.stop();
    }
  });

  it('catches a lost doorbell with nothing after it through the periodic check', async () => {
    const { seen, sub } = await subscriber(200);
    try {
      const silent = await committedOnly(3, 'SILENT');
      await pollUntil(() => seen.length === 3, { what: 'the periodic check', timeoutMs: 5000 });
      expect(seen.map((e) => e.seq)).toEqual(silent.map((e) => e.seq));
    } finally {
      await sub.stop();
    }
  });

  it('starts at the head of the log: what was committed before it started is not broadcast', async () => {
    await committedOnly(2, 'BEFORE');
    const { bus, seen, sub } = await subscriber(600_000);
    try {
      const after = await committedOnly(1, 'AFTER');
      await bus.publish(after);
      await pollUntil(() => seen.length === 1, { what: 'the new event' });
      expect(seen[0]!.seq).toBe(after[0]!.seq);
    } finally {
      await sub.stop();
    }
  });
});
