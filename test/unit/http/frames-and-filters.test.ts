import { describe, expect, it } from 'vitest';
import type { SignalEvent } from '../../../src/domain/events.js';
import type { SignalView } from '../../../src/domain/signal.js';
import { etagMatches, queryHash } from '../../../src/http/signals-list.js';
import { compileFilter } from '../../../src/http/sse/client-filter.js';
import { pingFrame, resyncFrame, retryFrame, signalFrame } from '../../../src/http/sse/frames.js';

const signal: SignalView = {
  id: 7,
  ts: 1762176106000,
  channel: '-1001649127710',
  signal_type: 'Swing Trade',
  asset: 'PETRX245',
  buy_min: 0.82,
  buy_max: 0.86,
  target_1: 0.95,
  target_2: 1.3,
  target_final: 2.1,
  stop: 0.55,
  raw_message: '🟢Swing Trade\r\nline two\n\ndata: injected',
  source: 'telegram-gateway',
  ingested_at: '2025-11-03T13:21:50.120Z',
  created_at: '2025-11-03T13:21:50.120Z',
  updated_at: '2025-11-03T13:21:50.120Z',
  message_id: '5893',
  side: 'buy',
  targets: [{ index: 1, price: 0.95 }],
  status: 'open',
  valid_until: null,
  seq: 42,
};

describe('SSE frames', () => {
  it('puts a multi-line message on one data line', () => {
    const event: SignalEvent = { seq: 42, op: 'created', occurred_at: '2025-11-03T13:21:50.200Z', signal };
    const text = signalFrame(event).toString();
    const lines = text.split('\n');
    expect(lines.slice(0, 2)).toEqual(['event: signal', 'id: 42']);
    expect(lines[2]!.startsWith('data: ')).toBe(true);
    expect(lines.slice(3)).toEqual(['', '']);
    expect(JSON.parse(lines[2]!.slice(6))).toEqual({ seq: 42, op: 'created', signal });
  });

  it('builds ping, resync and retry frames', () => {
    expect(pingFrame(5).toString()).toBe('event: ping\ndata: 5\n\n');
    expect(resyncFrame(9, 'gone').toString()).toBe(
      'event: resync\nid: 9\ndata: {"reason":"gone","latest_seq":9}\n\n',
    );
    expect(retryFrame(3000, 6000, () => 0).toString()).toBe('retry: 3000\n\n');
    expect(retryFrame(3000, 6000, () => 0.999999).toString()).toBe('retry: 6000\n\n');
  });
});

describe('stream filters', () => {
  it('match on every given field', () => {
    expect(compileFilter({})(signal)).toBe(true);
    expect(compileFilter({ assets: ['PETRX245', 'VALE3'] })(signal)).toBe(true);
    expect(compileFilter({ assets: ['VALE3'] })(signal)).toBe(false);
    expect(compileFilter({ statuses: ['stopped'] })(signal)).toBe(false);
    expect(
      compileFilter({ channel: '-1001649127710', type: 'Swing Trade', statuses: ['open'] })(signal),
    ).toBe(true);
    expect(compileFilter({ type: 'Day Trade' })(signal)).toBe(false);
  });
});

describe('cache key and ETag', () => {
  it('hashes equivalent queries alike and different ones apart', () => {
    const a = queryHash({ limit: 100, assets: ['PETR4'], search: 'Petr' });
    expect(queryHash({ limit: 100, assets: ['PETR4'], search: 'pETR' })).toBe(a);
    expect(queryHash({ limit: 50, assets: ['PETR4'], search: 'Petr' })).not.toBe(a);
    expect(queryHash({ limit: 100, assets: ['PETR4'], before: 'x' })).not.toBe(
      queryHash({ limit: 100, assets: ['PETR4'] }),
    );
  });

  it('matches If-None-Match lists, weak tags and *', () => {
    expect(etagMatches('"1-a"', '"1-a"')).toBe(true);
    expect(etagMatches('W/"1-a"', '"1-a"')).toBe(true);
    expect(etagMatches('"0-a", "1-a"', '"1-a"')).toBe(true);
    expect(etagMatches('*', '"1-a"')).toBe(true);
    expect(etagMatches('"2-a"', '"1-a"')).toBe(false);
    expect(etagMatches(undefined, '"1-a"')).toBe(false);
  });
});
