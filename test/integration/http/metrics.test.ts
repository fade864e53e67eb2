/**
 * GET /metrics: the exposition parsed strictly (and checked by `promtool check metrics` when the
 * machine has it), the families API.md requires present with the right types, and the HTTP and cache
 * metrics moving with real requests. prom-client's default process metrics are exempt (API.md).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMetrics } from '../../../src/metrics.js';
import { readExposition } from './exposition.js';
import { auth, commit, createTestApp, createWorld, signalItem, type World } from './harness.js';

let world: World;
let ctx: Awaited<ReturnType<typeof createTestApp>>;
let text: string;

const isDefault = (name: string) => /^tp_capital_(process_|nodejs_)/.test(name);

beforeAll(async () => {
  world = await createWorld();
  ctx = await createTestApp(world, {
    metrics: createMetrics(),
    extra: { dbPoolStats: () => ({ total: 3, idle: 2, waiting: 0 }) },
  });
  await commit(world, ctx.bus, [signalItem('PETR4')]);
  await ctx.app.subscriber.settled();
  await ctx.app.inject({ url: '/signals', headers: auth });
  await ctx.app.inject({ url: '/signals', headers: auth });
  await ctx.app.inject({ url: '/signals?limit=abc', headers: auth });
  const res = await ctx.app.inject({ url: '/metrics' });
  expect(res.statusCode).toBe(200);
  expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
  text = res.body;
});

afterAll(async () => {
  await ctx?.app.close();
  await world?.close();
});

describe('GET /metrics', () => {
  it('is a clean exposition apart from the default process metrics', () => {
    const { problems } = readExposition(text);
    const ours = problems.filter((p) => !/tp_capital_(process_|nodejs_)/.test(p));
    expect(ours).toEqual([]);
  });

  it('has every family API.md names, with its type', () => {
    const { families } = readExposition(text);
    const expected: Record<string, string> = {
      tp_capital_signals_ingested_total: 'counter',
      tp_capital_gateway_breaker_state: 'gauge',
      tp_capital_gateway_breaker_transitions_total: 'counter',
      tp_capital_ingest_mode: 'gauge',
      tp_capital_gateway_requests_total: 'counter',
      tp_capital_ingest_lag_seconds: 'histogram',
      tp_capital_pipeline_latency_seconds: 'histogram',
      tp_capital_cache_requests_total: 'counter',
      tp_capital_cache_hit_rate: 'gauge',
      tp_capital_sse_clients: 'gauge',
      tp_capital_sse_events_sent_total: 'counter',
      tp_capital_sse_slow_disconnects_total: 'counter',
      tp_capital_http_request_duration_seconds: 'histogram',
      tp_capital_db_pool_connections: 'gauge',
      tp_capital_inbox_messages_total: 'counter',
    };
    for (const [name, type] of Object.entries(expected)) {
      expect(families.get(name)?.type, name).toBe(type);
    }
    for (const name of families.keys()) expect(name.startsWith('tp_capital_'), name).toBe(true);
  });

  it('counts requests by route pattern and cache lookups by result', () => {
    const { families } = readExposition(text);
    const http = families.get('tp_capital_http_request_duration_seconds')!.samples;
    const count = (route: string, status: string) =>
      http.find(
        (s) =>
          s.name.endsWith('_count') &&
          s.labels.route === route &&
          s.labels.status_code === status &&
          s.labels.method === 'GET',
      )?.value;
    expect(count('/signals', '200')).toBe(2);
    expect(count('/signals', '400')).toBe(1);
    const cache = families.get('tp_capital_cache_requests_total')!.samples;
    expect(cache.find((s) => s.labels.result === 'hit')?.value).toBe(1);
    expect(cache.find((s) => s.labels.result === 'miss')?.value).toBe(1);
    const pool = families.get('tp_capital_db_pool_connections')!.samples;
    expect(pool.find((s) => s.labels.state === 'idle')?.value).toBe(2);
  });

  it('the reader catches what promtool would reject', () => {
    const bad = [
      '# HELP x_total a counter',
      '# TYPE x_total counter',
      'x_total{a="b} 1',
      '# TYPE y gauge',
      'y 1',
      'y{1a="x"} 2',
      'z 3',
      '# HELP w_total not a counter',
      '# TYPE w_total gauge',
      'w_total nope',
      '',
    ].join('\n');
    const { problems } = readExposition(bad);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/bad labels/),
        expect.stringMatching(/y: no HELP/),
        expect.stringMatching(/sample z without HELP/),
        expect.stringMatching(/_total on a gauge/),
        expect.stringMatching(/bad value nope/),
      ]),
    );
  });

  it('passes promtool check metrics when promtool is installed', () => {
    let promtool: string;
    try {
      promtool = execFileSync('which', ['promtool'], { encoding: 'utf8' }).trim();
    } catch {
      // Not on this machine (it comes with Debian's `prometheus` package): the strict reader above stands in.
      return;
    }
    const result = spawnSync(promtool, ['check', 'metrics'], { input: text, encoding: 'utf8' });
    const complaints = `${result.stdout}${result.stderr}`
      .split('\n')
      .filter((line) => line.trim() !== '' && !isDefault(line.split(' ')[0] ?? ''));
    expect(complaints).toEqual([]);
  });
});
