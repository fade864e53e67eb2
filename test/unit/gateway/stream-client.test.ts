/** The stream client against a real gateway-sim over loopback HTTP. */
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createStreamClient,
  type StreamDelivery,
  type StreamHandlers,
} from '../../../src/gateway/stream-client.js';
import { createMetrics } from '../../../src/metrics.js';
import { createGatewaySim, type GatewaySim } from '../../../src/sim/gateway-sim.js';

const CHANNEL = '-1001649127710';
const API_KEY = 'sim-key';
const log = pino({ level: 'silent' });
let sim: GatewaySim;

beforeEach(async () => {
  sim = await createGatewaySim({ channelId: CHANNEL, apiKey: API_KEY, pingMs: 200, cursorBase: 0 });
});
afterEach(async () => {
  await sim.close();
});

function client(overrides: { apiKey?: string; watchdogMs?: number; connectTimeoutMs?: number } = {}) {
  const metrics = createMetrics({ defaultMetrics: false });
  return {
    metrics,
    stream: createStreamClient({
      baseUrl: sim.url,
      apiKey: overrides.apiKey ?? API_KEY,
      channelId: CHANNEL,
      watchdogMs: overrides.watchdogMs ?? 5000,
      connectTimeoutMs: overrides.connectTimeoutMs ?? 2000,
      log,
      metrics,
    }),
  };
}

function collector(waitForRoom: StreamHandlers['waitForRoom'] = () => null) {
  const deliveries: StreamDelivery[] = [];
  const handlers: StreamHandlers = { onDelivery: (d) => deliveries.push(d), waitForRoom };
  const until = async (count: number, timeoutMs = 5000) => {
    const deadline = Date.now() + timeoutMs;
    while (deliveries.filter((d) => d.decoded.type !== 'ping').length < count) {
      if (Date.now() > deadline) throw new Error(`only ${deliveries.length} deliveries`);
      await new Promise((r) => setTimeout(r, 10));
    }
    return deliveries.filter((d) => d.decoded.type !== 'ping');
  };
  return { deliveries, handlers, until };
}

const post = (messageId: string, text = `PETR4 compra ${messageId}`) => ({
  messageId,
  text,
  telegramDate: '2025-11-03T13:21:46.000Z',
});

describe('stream client', () => {
  it('delivers messages with their cursors and resumes after a Last-Event-ID', async () => {
    const { stream } = client();
    sim.control.inject([post('1'), post('2'), post('3')]);
    const first = collector();
    const session = stream.open(null, first.handlers);
    await session.opened;
    const got = await first.until(3);
    expect(got.map((d) => d.cursor)).toEqual(['1', '2', '3']);
    expect(got.map((d) => d.decoded.type === 'message' && d.decoded.message.messageId)).toEqual([
      '1',
      '2',
      '3',
    ]);
    session.close();
    expect(await session.ended).toEqual({ reason: 'closed', failure: false });

    sim.control.inject([post('4')]);
    const second = collector();
    const resumed = stream.open('2', second.handlers);
    await resumed.opened;
    expect((await second.until(2)).map((d) => d.cursor)).toEqual(['3', '4']);
    resumed.close();
  });

  it('fails the attempt on a non-200 answer and on a wrong key', async () => {
    sim.control.failNext(1, 'stream');
    const failing = client().stream.open(null, collector().handlers);
    await expect(failing.opened).rejects.toThrow(/500/);
    expect(await failing.ended).toMatchObject({ failure: true });

    const unauthorized = client({ apiKey: 'wrong' }).stream.open(null, collector().handlers);
    await expect(unauthorized.opened).rejects.toThrow(/401/);
  });

  it('reports a reset after connecting as a failure', async () => {
    const session = client().stream.open(null, collector().handlers);
    await session.opened;
    sim.control.dropStreams();
    expect(await session.ended).toMatchObject({ reason: 'error', failure: true });
  });

  it('closes a stalled stream once the watchdog runs out (pings keep a quiet one alive)', async () => {
    const { stream } = client({ watchdogMs: 600 });
    const session = stream.open(null, collector().handlers);
    await session.opened;
    // Pings every 200 ms: well past the watchdog, the stream is still open.
    await new Promise((r) => setTimeout(r, 1000));
    sim.control.stall();
    expect(await session.ended).toMatchObject({ reason: 'watchdog', failure: true });
  });

  it('times out an attempt that gets no answer', async () => {
    sim.control.stall();
    const session = client({ connectTimeoutMs: 300 }).stream.open(null, collector().handlers);
    await expect(session.opened).rejects.toThrow(/no answer/);
  });

  it('stops reading while there is no room, and reads on once there is', async () => {
    let release!: () => void;
    let gate: Promise<void> | null = new Promise((r) => {
      release = r;
    });
    const held = collector(() => gate);
    const session = client({ watchdogMs: 400 }).stream.open(null, held.handlers);
    await session.opened;
    sim.control.inject([post('1'), post('2')]);
    await new Promise((r) => setTimeout(r, 700));
    // Nothing read, and the watchdog slept meanwhile.
    expect(held.deliveries.filter((d) => d.decoded.type !== 'ping')).toHaveLength(0);
    gate = null;
    release();
    expect(await held.until(2)).toHaveLength(2);
    session.close();
    expect(await session.ended).toMatchObject({ reason: 'closed' });
  });

  it('hands bad events over as rejected deliveries, with their cursor', async () => {
    sim.control.injectRaw({ event: 'message', data: '{"messageId": ' });
    sim.control.injectRaw({
      event: 'message.teleported',
      data: { ...post('9'), id: '9', channelId: CHANNEL },
    });
    const got = collector();
    const session = client().stream.open(null, got.handlers);
    const [badJson, unknown] = await got.until(2);
    expect(badJson).toMatchObject({
      cursor: '1',
      decoded: { type: 'rejected', delivery: { reason: 'invalid_json' } },
    });
    expect(unknown).toMatchObject({
      cursor: '2',
      decoded: { type: 'rejected', delivery: { reason: 'unknown_event', messageId: '9' } },
    });
    session.close();
  });
});
