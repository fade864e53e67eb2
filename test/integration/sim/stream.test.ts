/** gateway-sim's event stream over real HTTP: ids, replay by cursor, event names, pings, scale. */
import { EventSource } from 'eventsource';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGatewaySim, type GatewaySim } from '../../../src/sim/gateway-sim.js';
import { messageFrames, openSse, type SseConnection } from './sse-client.js';

const CHANNEL = '-1001649127710';
const MESSAGE_KEYS = [
  'id',
  'channelId',
  'messageId',
  'threadId',
  'source',
  'messageType',
  'text',
  'caption',
  'mediaType',
  'mediaRefs',
  'status',
  'receivedAt',
  'telegramDate',
  'publishedAt',
  'metadata',
  'createdAt',
  'updatedAt',
].sort();

let sim: GatewaySim;
const open: SseConnection[] = [];
const streamUrl = (channel: string, query = '') =>
  `${sim.url}/api/messages/stream?channel=${encodeURIComponent(channel)}${query}`;
const connect = (url: string, headers?: Record<string, string>) => {
  const conn = openSse(url, headers);
  open.push(conn);
  return conn;
};
/** A channel of its own per test, so that replays do not see other tests' messages. */
let channelNo = 0;
const freshChannel = () => {
  channelNo += 1;
  return `-100777000${channelNo}`;
};

beforeAll(async () => {
  sim = await createGatewaySim({ pingMs: 100, retryMs: 1500 });
});
afterAll(async () => {
  for (const conn of open) conn.close();
  await sim.close();
});

describe('GET /api/messages/stream', () => {
  it('answers with SSE headers, a retry line, and injected messages as `message` events with cursor ids', async () => {
    const channel = freshChannel();
    const conn = connect(streamUrl(channel));
    const head = await conn.response;
    expect(head.status).toBe(200);
    expect(head.headers['content-type']).toMatch(/^text\/event-stream/);
    expect(head.headers['cache-control']).toContain('no-cache');
    await conn.waitFor((f) => f.some((x) => x.retry === 1500));

    const emitted = sim.control.inject([
      { channelId: channel, messageId: '10', text: 'Bom dia, pessoal!' },
      {
        channelId: channel,
        messageId: '11',
        text: null,
        caption: 'Resultado da semana 🚀',
        mediaType: 'photo',
      },
    ]);
    const frames = messageFrames(await conn.waitFor((f) => messageFrames(f).length === 2));
    expect(frames.map((f) => f.id)).toEqual(emitted.map((e) => e.cursor));
    expect(frames.map((f) => f.event)).toEqual(['message', 'message']);
    expect(Number(emitted[1]?.cursor)).toBeGreaterThan(Number(emitted[0]?.cursor));
    const first = JSON.parse(frames[0]?.data ?? '{}');
    expect(Object.keys(first).sort()).toEqual(MESSAGE_KEYS);
    expect(first).toMatchObject({
      channelId: channel,
      messageId: '10',
      text: 'Bom dia, pessoal!',
      status: 'received',
    });
    expect(Number.isNaN(Date.parse(first.receivedAt))).toBe(false);
    expect(JSON.parse(frames[1]?.data ?? '{}')).toMatchObject({
      text: null,
      caption: 'Resultado da semana 🚀',
    });
  });

  it('replays exactly the messages after Last-Event-ID, and after= when there is no header', async () => {
    const channel = freshChannel();
    const emitted = sim.control.inject(
      Array.from({ length: 6 }, (_, i) => ({
        channelId: channel,
        messageId: String(100 + i),
        text: `post ${i}`,
      })),
    );
    const cursorOf = (i: number) => emitted[i]?.cursor ?? '';

    const byHeader = connect(streamUrl(channel), { 'Last-Event-ID': cursorOf(2) });
    const fromHeader = messageFrames(await byHeader.waitFor((f) => messageFrames(f).length === 3));
    expect(fromHeader.map((f) => f.id)).toEqual([cursorOf(3), cursorOf(4), cursorOf(5)]);

    const byQuery = connect(streamUrl(channel, `&after=${cursorOf(4)}`));
    const fromQuery = messageFrames(await byQuery.waitFor((f) => messageFrames(f).length === 1));
    expect(fromQuery.map((f) => f.id)).toEqual([cursorOf(5)]);

    // EventSource reconnects with the header while the URL keeps the first after=: the header wins.
    const both = connect(streamUrl(channel, `&after=${cursorOf(0)}`), { 'Last-Event-ID': cursorOf(3) });
    const fromBoth = messageFrames(await both.waitFor((f) => messageFrames(f).length === 2));
    expect(fromBoth.map((f) => f.id)).toEqual([cursorOf(4), cursorOf(5)]);

    // Live messages follow the replay, once each.
    const [live] = sim.control.inject({ channelId: channel, messageId: '200', text: 'live' });
    await byHeader.waitFor((f) => messageFrames(f).length === 4);
    expect(messageFrames(byHeader.frames).map((f) => f.id)).toEqual([
      cursorOf(3),
      cursorOf(4),
      cursorOf(5),
      live?.cursor,
    ]);
  });

  it('resumes an EventSource after the sim drops it, with no loss and no duplicates', async () => {
    const channel = freshChannel();
    const es = new EventSource(streamUrl(channel));
    const seen: string[] = [];
    let opens = 0;
    es.addEventListener('open', () => {
      opens += 1;
    });
    es.addEventListener('message', (e) => seen.push(e.lastEventId));
    try {
      const first = sim.control.inject(
        [1, 2, 3].map((n) => ({ channelId: channel, messageId: String(n), text: `a${n}` })),
      );
      await expect.poll(() => seen.length).toBe(3);
      expect(sim.control.dropStreams().dropped).toBeGreaterThanOrEqual(1);
      // Emitted while the client is disconnected: only the replay can deliver these.
      const missed = sim.control.inject(
        [4, 5].map((n) => ({ channelId: channel, messageId: String(n), text: `b${n}` })),
      );
      await expect.poll(() => seen.length, { timeout: 10_000 }).toBe(5);
      expect(opens).toBe(2);
      expect(seen).toEqual([...first, ...missed].map((e) => e.cursor));
    } finally {
      es.close();
    }
  });

  it('names edits and deletions message.edited and message.deleted', async () => {
    const channel = freshChannel();
    const conn = connect(streamUrl(channel));
    const telegramDate = '2025-11-03T13:21:46.000Z';
    sim.control.inject({
      channelId: channel,
      messageId: '5893',
      telegramDate,
      text: 'Ativo: PETRX245\nCompra: 0,82',
    });
    sim.control.inject({
      channelId: channel,
      messageId: '5893',
      telegramDate,
      text: 'Ativo: PETRX245\nCompra: 0,84',
    });
    // Same message id, another date: another message.
    sim.control.inject({
      channelId: channel,
      messageId: '5893',
      telegramDate: '2025-11-04T10:00:00Z',
      text: 'outro',
    });
    sim.control.inject({ channelId: channel, messageId: '5893', telegramDate, status: 'deleted' });
    const frames = messageFrames(await conn.waitFor((f) => messageFrames(f).length === 4));
    expect(frames.map((f) => f.event)).toEqual(['message', 'message.edited', 'message', 'message.deleted']);
    const [original, edited, , deleted] = frames.map((f) => JSON.parse(f.data));
    expect(edited).toMatchObject({
      id: original.id,
      text: 'Ativo: PETRX245\nCompra: 0,84',
      createdAt: original.createdAt,
    });
    // A deletion keeps the last content and says so in its status.
    expect(deleted).toMatchObject({
      id: original.id,
      status: 'deleted',
      text: 'Ativo: PETRX245\nCompra: 0,84',
    });
  });

  it('sends ping events with the server time, without an id', async () => {
    const conn = connect(streamUrl(freshChannel()));
    const frames = await conn.waitFor((f) => f.filter((x) => x.event === 'ping').length >= 2);
    const ping = frames.find((f) => f.event === 'ping');
    expect(ping?.id).toBeUndefined();
    expect(Number.isNaN(Date.parse(ping?.data ?? ''))).toBe(false);
  });

  it('serves raw events verbatim: unknown names and data that is not JSON', async () => {
    const channel = freshChannel();
    const conn = connect(streamUrl(channel));
    const bad = sim.control.injectRaw({
      channelId: channel,
      event: 'message',
      data: '{"messageId": 12, "text": ',
    });
    const odd = sim.control.injectRaw({
      channelId: channel,
      event: 'message.exploded',
      data: { hello: 'world' },
    });
    const frames = messageFrames(await conn.waitFor((f) => messageFrames(f).length === 2));
    expect(frames).toMatchObject([
      { id: bad.cursor, event: 'message', data: '{"messageId": 12, "text": ' },
      { id: odd.cursor, event: 'message.exploded', data: '{"hello":"world"}' },
    ]);
  });

  it('replays a cursor deep inside 10,000 messages exactly, and only its own channel', async () => {
    const channel = freshChannel();
    const other = freshChannel();
    const messages = Array.from({ length: 10_000 }, (_, i) => ({
      channelId: i % 10 === 9 ? other : channel,
      messageId: String(i + 1),
      text: `mensagem ${i}`,
    }));
    const emitted = sim.control.inject(messages).filter((e) => e.channelId === channel);
    expect(emitted).toHaveLength(9000);
    const from = emitted[8989]?.cursor ?? '';
    const conn = connect(streamUrl(channel), { 'Last-Event-ID': from });
    const frames = messageFrames(await conn.waitFor((f) => messageFrames(f).length >= 10));
    expect(frames.map((f) => f.id)).toEqual(emitted.slice(8990).map((e) => e.cursor));

    const all = connect(streamUrl(channel));
    const replayed = messageFrames(await all.waitFor((f) => messageFrames(f).length >= 9000, 20_000));
    expect(replayed.map((f) => f.id)).toEqual(emitted.map((e) => e.cursor));
  });

  it('answers 400 without a channel and for a cursor it cannot have issued', async () => {
    const missing = await fetch(`${sim.url}/api/messages/stream`);
    expect(missing.status).toBe(400);
    expect(await missing.json()).toEqual({
      success: false,
      message: 'Query parameter "channel" is required',
    });
    const badCursor = await fetch(streamUrl(CHANNEL), { headers: { 'Last-Event-ID': 'abc' } });
    expect(badCursor.status).toBe(400);
  });
});
