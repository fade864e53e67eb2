/** gateway-sim's auth and fault injection over real HTTP: 401, fail-next-N, dropped and stalled streams, down/up. */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createGatewaySim, type GatewaySim } from '../../../src/sim/gateway-sim.js';
import { messageFrames, openSse, type SseConnection } from './sse-client.js';

const CHANNEL = '-1001649127710';
const KEY = 'sim-test-key';

let sim: GatewaySim;
const open: SseConnection[] = [];
const streamUrl = () => `${sim.url}/api/messages/stream?channel=${CHANNEL}`;
const pollUrl = () => `${sim.url}/api/messages/unprocessed?channel=${CHANNEL}&limit=1`;
const auth = { 'X-API-Key': KEY };
const connect = (headers: Record<string, string> = auth) => {
  const conn = openSse(streamUrl(), headers);
  open.push(conn);
  return conn;
};
const status = async (url: string, headers: Record<string, string> = auth) =>
  (await fetch(url, { headers })).status;

beforeAll(async () => {
  sim = await createGatewaySim({ apiKey: KEY, pingMs: 50 });
});
afterEach(() => {
  sim.control.clearFaults();
  for (const conn of open.splice(0)) conn.close();
});
afterAll(async () => {
  await sim.close();
});

describe('auth', () => {
  it('accepts X-API-Key, X-Gateway-Token and Authorization: Bearer, and answers 401 otherwise', async () => {
    expect(await status(pollUrl(), {})).toBe(401);
    expect(await status(pollUrl(), { 'X-API-Key': 'wrong' })).toBe(401);
    expect(await status(pollUrl(), { 'X-API-Key': KEY })).toBe(200);
    expect(await status(pollUrl(), { 'X-Gateway-Token': KEY })).toBe(200);
    expect(await status(pollUrl(), { Authorization: `Bearer ${KEY}` })).toBe(200);

    const denied = connect({});
    expect((await denied.response).status).toBe(401);
    const ackDenied = await fetch(`${sim.url}/api/messages/mark-processed`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ messageIds: ['1'], processedBy: 'tp-capital' }),
    });
    expect(ackDenied.status).toBe(401);
    expect(await ackDenied.json()).toEqual({ success: false, message: 'Unauthorized' });
    expect(await status(`${sim.url}/health`, {})).toBe(200);
  });
});

describe('fail the next N requests', () => {
  it('answers 500 to the next N requests of a kind, then recovers; other kinds are not touched', async () => {
    const before = sim.control.stats().requests.poll.failed;
    sim.control.failNext(2, 'poll');
    expect((await connect().response).status).toBe(200);
    expect([await status(pollUrl()), await status(pollUrl()), await status(pollUrl())]).toEqual([
      500, 500, 200,
    ]);
    expect(sim.control.stats().requests.poll.failed - before).toBe(2);
  });

  it('with kind any, fails whatever comes next, streams included', async () => {
    sim.control.failNext(2);
    expect((await connect().response).status).toBe(500);
    expect(await status(pollUrl())).toBe(500);
    expect((await connect().response).status).toBe(200);
  });
});

describe('drop streams', () => {
  it('destroys every open stream', async () => {
    const a = connect();
    const b = connect();
    await Promise.all([a.response, b.response]);
    expect(sim.control.stats().openStreams).toBe(2);
    expect(sim.control.dropStreams()).toEqual({ dropped: 2 });
    await Promise.all([a.closed, b.closed]);
    expect(sim.control.stats().openStreams).toBe(0);
  });
});

describe('stall', () => {
  it('sends nothing, not even pings, until unstalled; then delivers what was missed', async () => {
    const conn = connect();
    await conn.waitFor((f) => f.some((x) => x.event === 'ping'));
    const lastCursor = sim.control.emitted().lastCursor;
    const withCursor = lastCursor === null ? auth : { ...auth, 'Last-Event-ID': lastCursor };

    sim.control.stall();
    await sleep(100); // a write already in flight may still land
    const bytes = conn.bytes();
    const [during] = sim.control.inject({ text: 'durante o stall' });
    // A stream that connects during the stall gets no answer at all, not even its headers.
    const late = connect(withCursor);
    let lateAnswered = false;
    late.response.then(() => {
      lateAnswered = true;
    });
    await sleep(400); // eight ping intervals
    expect(conn.bytes()).toBe(bytes);
    expect(conn.isClosed()).toBe(false);
    expect(lateAnswered).toBe(false);

    sim.control.unstall();
    const frames = messageFrames(
      await conn.waitFor((f) => messageFrames(f).some((x) => x.id === during?.cursor)),
    );
    expect(frames.filter((x) => x.id === during?.cursor)).toHaveLength(1);
    expect((await late.response).status).toBe(200);
    await late.waitFor((f) => messageFrames(f).some((x) => x.id === during?.cursor));
    await conn.waitFor((f) => f.filter((x) => x.event === 'ping').length >= 3);
  });
});

describe('down and up', () => {
  it('answers 503 everywhere but /__sim and destroys open streams, until up', async () => {
    const conn = connect();
    await conn.response;
    const cursor = sim.control.emitted().lastCursor;
    sim.control.down();
    await conn.closed;
    expect(await status(pollUrl())).toBe(503);
    expect((await connect().response).status).toBe(503);
    const health = await fetch(`${sim.url}/health`);
    expect(health.status).toBe(503);
    expect(await health.json()).toMatchObject({ status: 'unhealthy' });
    // The control API keeps working while the gateway is down.
    const [whileDown] = sim.control.inject({ text: 'enquanto fora do ar' });
    const stats = await fetch(`${sim.url}/__sim/stats`);
    expect(stats.status).toBe(200);

    sim.control.up();
    expect(await status(pollUrl())).toBe(200);
    const back = connect(cursor === null ? auth : { ...auth, 'Last-Event-ID': cursor });
    const frames = messageFrames(await back.waitFor((f) => messageFrames(f).length >= 1));
    expect(frames.map((f) => f.id)).toEqual([whileDown?.cursor]);
  });
});
