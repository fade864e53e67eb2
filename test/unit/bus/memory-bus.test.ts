import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createMemoryBus } from '../../../src/bus/memory-bus.js';
import type { SignalEvent } from '../../../src/domain/events.js';
import { createLogger } from '../../../src/logger.js';
import { sampleEvent } from './sample-event.js';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('memory bus', () => {
  it('delivers every batch to every subscriber, in publish order, after publish returns', async () => {
    const bus = createMemoryBus();
    const a: number[][] = [];
    const b: number[][] = [];
    await bus.subscribe({ onEvents: (events) => a.push(events.map((e) => e.seq)) });
    await bus.subscribe({ onEvents: (events) => b.push(events.map((e) => e.seq)) });

    const publishing = bus.publish([sampleEvent(1), sampleEvent(2)]);
    expect(a).toEqual([]); // not inside the publisher's call stack
    await publishing;
    for (let seq = 3; seq <= 50; seq++) await bus.publish([sampleEvent(seq)]);
    await tick();

    const expected = [[1, 2], ...Array.from({ length: 48 }, (_, i) => [i + 3])];
    expect(a).toEqual(expected);
    expect(b).toEqual(expected);
    await bus.close();
  });

  it('hands subscribers a copy, never the publisher’s objects', async () => {
    const bus = createMemoryBus();
    let received: SignalEvent[] = [];
    await bus.subscribe({ onEvents: (events) => (received = events) });
    const published = [sampleEvent(7)];
    await bus.publish(published);
    await tick();
    expect(received).toEqual(published);
    received[0]!.signal.asset = 'CHANGED';
    expect(published[0]!.signal.asset).toBe('PETRX245');
    await bus.close();
  });

  it('stops delivering after unsubscribe, and the others keep receiving', async () => {
    const bus = createMemoryBus();
    const a: number[] = [];
    const b: number[] = [];
    const unsubscribeA = await bus.subscribe({ onEvents: (events) => a.push(...events.map((e) => e.seq)) });
    await bus.subscribe({ onEvents: (events) => b.push(...events.map((e) => e.seq)) });
    await bus.publish([sampleEvent(1)]);
    await tick();
    await unsubscribeA();
    await bus.publish([sampleEvent(2)]);
    await tick();
    expect(a).toEqual([1]);
    expect(b).toEqual([1, 2]);
    await bus.close();
  });

  it('a throwing handler is logged and does not stop the others', async () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const bus = createMemoryBus({ log: createLogger({ level: 'error', destination }) });
    const b: number[] = [];
    await bus.subscribe({
      onEvents: () => {
        throw new Error('handler bug');
      },
    });
    await bus.subscribe({ onEvents: (events) => b.push(...events.map((e) => e.seq)) });
    await bus.publish([sampleEvent(1)]);
    await tick();
    expect(b).toEqual([1]);
    expect(lines.join('')).toContain('handler bug');
    await bus.close();
  });

  it('ignores empty batches and refuses use after close', async () => {
    const bus = createMemoryBus();
    let calls = 0;
    await bus.subscribe({ onEvents: () => calls++ });
    await bus.publish([]);
    await tick();
    expect(calls).toBe(0);
    await bus.close();
    await expect(bus.publish([sampleEvent(1)])).rejects.toThrow(/closed/);
    await expect(bus.subscribe({ onEvents: () => {} })).rejects.toThrow(/closed/);
  });
});
