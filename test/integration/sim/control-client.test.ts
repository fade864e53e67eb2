/** The HTTP control client against a real sim: every operation, as another process would drive it. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimControlClient, type SimControlClient } from '../../../src/sim/control-client.js';
import { createGatewaySim, type GatewaySim } from '../../../src/sim/gateway-sim.js';
import { messageFrames, openSse } from './sse-client.js';

let sim: GatewaySim;
let control: SimControlClient;

beforeAll(async () => {
  sim = await createGatewaySim({ feed: 'demo', rate: 0, seed: 3 });
  control = createSimControlClient(`${sim.url}/`);
});
afterAll(async () => {
  await sim.close();
});

describe('createSimControlClient', () => {
  it('injects, advances the feed and reports emitted events with emission timestamps', async () => {
    const injected = await control.inject([{ messageId: 1, text: 'um' }, { text: 'sem id' }]);
    expect(injected.map((e) => e.message?.messageId)).toEqual(['1', '2']);
    expect(await control.advanceFeed(25)).toMatchObject({ advanced: 25 });
    const raw = await control.injectRaw({ event: 'message', data: 'not json' });
    expect(raw).toMatchObject({ message: null, data: 'not json' });

    const report = await control.emitted();
    expect(report.counts.total).toBe(28);
    expect(report.counts.raw).toBe(1);
    expect(report.lastCursor).toBe(raw.cursor);
    const stamps = report.events.map((e) => e.emittedAt);
    expect(stamps).toEqual([...stamps].sort((a, b) => a - b));
    expect(stamps.some((s) => !Number.isInteger(s))).toBe(true); // sub-millisecond resolution

    const tail = await control.emitted({ after: injected[1]?.cursor ?? '', limit: 5 });
    expect(tail.events.map((e) => e.cursor)).toEqual(report.events.slice(2, 7).map((e) => e.cursor));

    const messages = await control.messages();
    expect(messages.length).toBeGreaterThan(20);
    expect(messages[0]).toEqual({ message: injected[0]?.message, processedBy: [] });
  });

  it('switches faults on and off', async () => {
    expect(await control.failNext(3, 'ack')).toMatchObject({ pendingFailures: { ack: 3 } });
    expect(await control.stall()).toMatchObject({ stalled: true });
    expect(await control.down()).toMatchObject({ down: true, stalled: true });
    expect((await fetch(`${sim.url}/health`)).status).toBe(503);
    expect(await control.up()).toMatchObject({ down: false });
    expect(await control.unstall()).toMatchObject({ stalled: false });
    expect(await control.clearFaults()).toEqual({
      stalled: false,
      down: false,
      pendingFailures: { stream: 0, poll: 0, ack: 0, health: 0, any: 0 },
      openStreams: 0,
    });

    const stream = openSse(`${sim.url}/api/messages/stream?channel=-1001649127710`);
    await stream.waitFor((f) => messageFrames(f).length > 0);
    expect(await control.dropStreams()).toEqual({ dropped: 1 });
    await stream.closed;
  });

  it('controls the feed', async () => {
    expect(await control.setRate(500)).toMatchObject({ rate: 500, paused: false });
    await expect
      .poll(async () => (await control.stats()).feed.emitted, { timeout: 5000 })
      .toBeGreaterThan(30);
    expect(await control.pauseFeed()).toMatchObject({ paused: true });
    expect(await control.resumeFeed()).toMatchObject({ paused: false });
    expect(await control.setRate(0)).toMatchObject({ rate: 0 });
    const stats = await control.stats();
    expect(stats.requests.health).toMatchObject({ down: 1 });
    expect(stats.emitted.total).toBe((await control.emitted()).counts.total);
  });

  it('turns a refused request into an error naming the status', async () => {
    await expect(control.setRate(-5)).rejects.toThrow(/400/);
    await expect(control.emitted({ after: 'x' })).rejects.toThrow(/400/);
    await expect(control.injectRaw({ event: 'two\nlines', data: 'x' })).rejects.toThrow(/400/);
  });
});
