/** gateway-sim's polling, ack and health endpoints over real HTTP, as GATEWAY-CONTRACT.md words them. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGatewaySim, type GatewaySim } from '../../../src/sim/gateway-sim.js';

let sim: GatewaySim;
let channelNo = 0;
const freshChannel = () => {
  channelNo += 1;
  return `-100888000${channelNo}`;
};

async function poll(query: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${sim.url}/api/messages/unprocessed?${query}`);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function ack(body: unknown): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${sim.url}/api/messages/mark-processed`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

const idsOf = (body: Record<string, unknown>) =>
  (body.data as Array<{ messageId: string }>).map((m) => m.messageId);

beforeAll(async () => {
  sim = await createGatewaySim({});
});
afterAll(async () => {
  await sim.close();
});

describe('GET /api/messages/unprocessed', () => {
  it('lists the channel’s messages oldest first with count and filters, honouring status and limit', async () => {
    const channel = freshChannel();
    sim.control.inject([
      { channelId: channel, messageId: '1', text: 'um' },
      { channelId: channel, messageId: '2', text: 'dois', status: 'queued' },
      { channelId: freshChannel(), messageId: '3', text: 'outro canal' },
      { channelId: channel, messageId: '4', text: 'quatro', status: 'failed' },
      { channelId: channel, messageId: '5', text: 'cinco' },
    ]);
    const all = await poll(`channel=${channel}`);
    expect(all.status).toBe(200);
    expect(idsOf(all.body)).toEqual(['1', '2', '4', '5']);

    const filtered = await poll(
      `channel=${channel}&status=received,queued&excludeProcessedBy=tp-capital&limit=2`,
    );
    expect(filtered.body).toMatchObject({
      success: true,
      count: 2,
      filters: { channel, status: ['received', 'queued'], excludeProcessedBy: 'tp-capital', limit: 2 },
    });
    expect(idsOf(filtered.body)).toEqual(['1', '2']);
  });

  it('leaves out what a consumer marked processed, for that consumer only', async () => {
    const channel = freshChannel();
    sim.control.inject(
      ['1', '2', '3'].map((messageId) => ({ channelId: channel, messageId, text: `m${messageId}` })),
    );
    const marked = await ack({ messageIds: ['1', '3'], processedBy: 'tp-capital' });
    expect(marked.status).toBe(200);
    expect(idsOf((await poll(`channel=${channel}&excludeProcessedBy=tp-capital`)).body)).toEqual(['2']);
    expect(idsOf((await poll(`channel=${channel}&excludeProcessedBy=someone-else`)).body)).toEqual([
      '1',
      '2',
      '3',
    ]);
  });

  it('offers an edited message again, and never a deleted one under status=received,queued', async () => {
    const channel = freshChannel();
    const telegramDate = '2025-11-03T13:00:00Z';
    sim.control.inject([
      { channelId: channel, messageId: '7', telegramDate, text: 'v1' },
      { channelId: channel, messageId: '8', telegramDate, text: 'apagar' },
    ]);
    await ack({ messageIds: ['7', '8'], processedBy: 'tp-capital' });
    sim.control.inject([
      { channelId: channel, messageId: '7', telegramDate, text: 'v2' },
      { channelId: channel, messageId: '8', telegramDate, status: 'deleted' },
    ]);
    const after = await poll(`channel=${channel}&status=received,queued&excludeProcessedBy=tp-capital`);
    expect(after.body.data).toMatchObject([{ messageId: '7', text: 'v2' }]);
  });

  it('answers 400 with the contract’s message without a channel, and for a bad limit', async () => {
    const missing = await poll('status=received');
    expect(missing).toEqual({
      status: 400,
      body: { success: false, message: 'Query parameter "channel" is required' },
    });
    const badLimit = await poll(`channel=${freshChannel()}&limit=abc`);
    expect(badLimit.status).toBe(400);
    expect(badLimit.body.success).toBe(false);
  });
});

describe('POST /api/messages/mark-processed', () => {
  it('answers in the contract’s shape and matches message ids across channels, as the real gateway does', async () => {
    const a = freshChannel();
    const b = freshChannel();
    sim.control.inject([
      { channelId: a, messageId: '900001', text: 'a' },
      { channelId: b, messageId: '900001', text: 'b' },
      { channelId: a, messageId: '900002', text: 'c' },
    ]);
    const before = sim.control.stats().acks;
    const marked = await ack({ messageIds: ['900001', '900002'], processedBy: 'tp-capital' });
    expect(marked).toEqual({
      status: 200,
      body: {
        success: true,
        message: '3 message(s) marked as processed',
        data: { requested: 2, updated: 3, processedBy: 'tp-capital' },
      },
    });
    expect(idsOf((await poll(`channel=${b}&excludeProcessedBy=tp-capital`)).body)).toEqual([]);
    const after = sim.control.stats().acks;
    expect(after.requests - before.requests).toBe(1);
    expect(after.updated - before.updated).toBe(3);
  });

  it('answers 400 to a body it cannot read', async () => {
    expect((await ack({ messageIds: 'x', processedBy: 'tp-capital' })).status).toBe(400);
    expect((await ack({ messageIds: ['1'] })).status).toBe(400);
  });
});

describe('GET /health', () => {
  it('reports healthy', async () => {
    const response = await fetch(`${sim.url}/health`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ status: 'healthy', service: 'telegram-gateway-api' });
    expect(Number.isNaN(Date.parse(String(body.timestamp)))).toBe(false);
  });
});
