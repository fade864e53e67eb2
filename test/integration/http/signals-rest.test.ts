/** GET /signals and GET /signals/:id through app.inject() against a real database. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SignalView } from '../../../src/domain/signal.js';
import {
  auth,
  CHANNEL,
  commit,
  createTestApp,
  createWorld,
  signalItem,
  updateItem,
  type World,
} from './harness.js';

let world: World;
let ctx: Awaited<ReturnType<typeof createTestApp>>;

beforeAll(async () => {
  world = await createWorld();
  ctx = await createTestApp(world);
  await commit(world, ctx.bus, [
    signalItem('PETRX245'),
    signalItem('VALE3', { type: 'Day Trade' }),
    signalItem('BBAS3'),
    signalItem('ITUB4'),
    signalItem('WEGE3'),
  ]);
  await commit(world, ctx.bus, [updateItem('VALE3', 'stop_hit')]);
  await ctx.app.inject({ url: '/signals', headers: auth }); // warm: the subscriber has heard of everything
});

afterAll(async () => {
  await ctx?.app.close();
  await world?.close();
});

const get = (url: string, headers: Record<string, string> = {}) =>
  ctx.app.inject({ url, headers: { ...auth, ...headers } });

describe('GET /signals', () => {
  it('answers the legacy fields with their legacy types, newest first', async () => {
    const res = await get('/signals');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const body = res.json() as { data: SignalView[]; next_before: string | null };
    expect(body.data.map((s) => s.asset)).toEqual(['WEGE3', 'ITUB4', 'BBAS3', 'VALE3', 'PETRX245']);
    expect(body.next_before).toBeNull();
    const first = body.data[4]!;
    expect(first).toMatchObject({
      channel: CHANNEL,
      signal_type: 'Swing Trade',
      buy_min: 0.82,
      buy_max: 0.86,
      target_1: 0.95,
      stop: 0.55,
      side: 'buy',
      status: 'open',
      targets: [{ index: 1, price: 0.95 }],
    });
    expect(typeof first.ts).toBe('number');
    expect(typeof first.id).toBe('number');
    expect(typeof first.seq).toBe('number');
    expect(Date.parse(first.ingested_at)).not.toBeNaN();
  });

  it('pages with next_before', async () => {
    const page1 = (await get('/signals?limit=2')).json() as { data: SignalView[]; next_before: string };
    expect(page1.data.map((s) => s.asset)).toEqual(['WEGE3', 'ITUB4']);
    expect(page1.next_before).toEqual(expect.any(String));
    const page2 = (await get(`/signals?limit=2&before=${page1.next_before}`)).json() as {
      data: SignalView[];
      next_before: string;
    };
    expect(page2.data.map((s) => s.asset)).toEqual(['BBAS3', 'VALE3']);
    const page3 = (await get(`/signals?limit=2&before=${page2.next_before}`)).json() as {
      data: SignalView[];
      next_before: string | null;
    };
    expect(page3.data.map((s) => s.asset)).toEqual(['PETRX245']);
    expect(page3.next_before).toBeNull();
  });

  it('filters by asset, status, type, channel, search and time', async () => {
    const assets = async (query: string) =>
      ((await get(`/signals?${query}`)).json() as { data: SignalView[] }).data.map((s) => s.asset);
    expect(await assets('asset=vale3,petrx245')).toEqual(['VALE3', 'PETRX245']);
    expect(await assets('status=stopped')).toEqual(['VALE3']);
    expect(await assets('status=open&asset=VALE3')).toEqual([]);
    expect(await assets('type=Day%20Trade')).toEqual(['VALE3']);
    expect(await assets(`channel=${CHANNEL}&limit=1`)).toEqual(['WEGE3']);
    expect(await assets('channel=-100')).toEqual([]);
    expect(await assets('search=itub')).toEqual(['ITUB4']);
    expect(await assets('search=COMPRA%20BBAS')).toEqual(['BBAS3']);
    const all = ((await get('/signals')).json() as { data: SignalView[] }).data;
    const bbas = all.find((s) => s.asset === 'BBAS3')!;
    expect(await assets(`from=${bbas.ts}&to=${new Date(bbas.ts).toISOString()}`)).toEqual(['BBAS3']);
  });

  it.each([
    ['limit=abc', 'limit'],
    ['limit=0', 'limit'],
    ['limit=5000', 'limit'],
    ['from=garbage', 'from'],
    ['to=yesterday', 'to'],
    ['status=nope', 'status'],
    ['before=garbage', 'before'],
    ['before=%27%20OR%201%3D1', 'before'],
    ['asset=%3Cscript%3E', 'asset'],
  ])('?%s is a 400 naming %s', async (query, name) => {
    const res = await get(`/signals?${query}`);
    expect(res.statusCode).toBe(400);
    const body = res.json();
    expect(body).toEqual({
      error: 'Bad Request',
      message: expect.stringContaining(name),
      code: 'BAD_REQUEST',
    });
    expect(body.message.startsWith(name)).toBe(true);
  });

  it('sets an ETag from the latest seq and the query, and answers 304 to If-None-Match', async () => {
    const res = await get('/signals?asset=PETRX245');
    expect(res.headers['cache-control']).toBe('private, max-age=0, must-revalidate');
    const etag = String(res.headers.etag);
    expect(etag).toMatch(/^"\d+-[\w-]+"$/);
    expect(etag.startsWith(`"${res.headers['x-latest-seq']}-`)).toBe(true);
    expect(String((await get('/signals?asset=VALE3')).headers.etag)).not.toBe(etag);

    const again = await get('/signals?asset=PETRX245', { 'if-none-match': etag });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
    expect((await get('/signals?asset=PETRX245', { 'if-none-match': '"0-x"' })).statusCode).toBe(200);
  });

  it('serves the second read from the cache and misses after a new event', async () => {
    const counter = ctx.metrics.cacheRequests;
    const count = async (result: string) =>
      (await counter.get()).values.find((v) => v.labels.result === result)?.value ?? 0;
    const first = await get('/signals?limit=3');
    const second = await get('/signals?limit=3');
    expect(second.headers['x-cache']).toBe('hit');
    expect(second.body).toBe(first.body);
    const hits = await count('hit');
    const misses = await count('miss');
    expect(hits).toBeGreaterThan(0);

    const before = String(second.headers.etag);
    await commit(world, ctx.bus, [signalItem('MGLU3')]);
    await ctx.app.subscriber.settled();
    const third = await get('/signals?limit=3', { 'if-none-match': before });
    expect(third.statusCode).toBe(200); // the ETag changed with the seq: no 304
    expect(third.headers['x-cache']).toBe('miss');
    expect((third.json() as { data: SignalView[] }).data[0]!.asset).toBe('MGLU3');
    expect(await count('miss')).toBe(misses + 1);
    const rate = (await ctx.metrics.cacheHitRate.get()).values[0]!.value;
    expect(rate).toBeGreaterThan(0);
    expect(rate).toBeLessThan(1);
  });
});

describe('GET /signals/:id', () => {
  it('answers one signal with its lifecycle events', async () => {
    const list = (await get('/signals?asset=VALE3')).json() as { data: SignalView[] };
    const vale = list.data[0]!;
    const res = await get(`/signals/${vale.id}`);
    expect(res.statusCode).toBe(200);
    const body = res.json() as { data: SignalView; events: { seq: number; op: string }[] };
    expect(body.data).toEqual(vale);
    expect(body.events.map((e) => e.op)).toEqual(['created', 'stopped']);
    expect(res.headers.etag).toBeDefined();
    expect((await get(`/signals/${vale.id}`, { 'if-none-match': String(res.headers.etag) })).statusCode).toBe(
      304,
    );
  });

  it('is a 404 for an unknown id and a 400 for a bad one', async () => {
    const missing = await get('/signals/999999');
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toEqual({
      error: 'Not Found',
      message: expect.any(String),
      code: 'SIGNAL_NOT_FOUND',
    });
    const bad = await get('/signals/abc');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toMatch(/^id: /);
  });
});

describe('the rest of the surface', () => {
  it('answers unknown routes with the legacy 404 body', async () => {
    const res = await get('/nope');
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({
      error: 'Not Found',
      message: 'Route GET /nope not found',
      code: 'NOT_FOUND',
    });
  });

  it('echoes a sane x-correlation-id and generates one otherwise', async () => {
    expect((await get('/health', { 'x-correlation-id': 'abc-123' })).headers['x-correlation-id']).toBe(
      'abc-123',
    );
    const generated = (await get('/health', { 'x-correlation-id': 'bad id\u0001' })).headers[
      'x-correlation-id'
    ];
    expect(generated).toMatch(/^[0-9a-f-]{36}$/);
    expect((await get('/signals?limit=abc')).headers['x-correlation-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('refuses bodies over 64 KiB', async () => {
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/auth/session',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ apiKey: 'x'.repeat(70 * 1024) }),
    });
    expect(res.statusCode).toBe(413);
    expect(res.json()).toMatchObject({ error: 'Payload Too Large', code: 'PAYLOAD_TOO_LARGE' });
  });

  it('answers /health and /ready', async () => {
    const health = await ctx.app.inject({ url: '/health' });
    expect(health.json()).toEqual({
      status: 'healthy',
      service: 'tp-capital',
      version: '0.0.0-test',
      uptime: expect.any(Number),
    });
    const ready = await ctx.app.inject({ url: '/ready' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toMatchObject({
      status: 'healthy',
      checks: {
        database: { status: 'up' },
        redis: { status: 'disabled' },
        gateway: { mode: null, breaker: null },
        ingester: { role: 'off' },
        stream: { live: true },
      },
      auth: { keyConfigured: true },
      warnings: [],
    });
  });

  it('serves the OpenAPI document with every route and its parameters', async () => {
    const res = await ctx.app.inject({ url: '/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json() as {
      openapi: string;
      paths: Record<
        string,
        Record<string, { parameters?: { name: string }[]; responses: Record<string, unknown> }>
      >;
    };
    expect(doc.openapi).toBe('3.0.3');
    expect(Object.keys(doc.paths).sort()).toEqual(
      [
        '/auth/session',
        '/health',
        '/metrics',
        '/ready',
        '/signals',
        '/signals/stream',
        '/signals/{id}',
      ].sort(),
    );
    const list = doc.paths['/signals']!.get!;
    expect(list.parameters!.map((p) => p.name).sort()).toEqual(
      ['asset', 'before', 'channel', 'from', 'limit', 'search', 'status', 'to', 'type'].sort(),
    );
    expect(Object.keys(list.responses).sort()).toEqual(['200', '304', '400', '401', '403', '429', '503']);
    expect(doc.paths['/signals/stream']!.get!.responses['200']).toMatchObject({
      content: { 'text/event-stream': {} },
    });
  });
});
