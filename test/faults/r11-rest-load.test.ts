/**
 * R11: many concurrent REST clients on one API process (autocannon in a process of its own) reading
 * GET /signals while the feed goes on: no error but configured 429s; p99 measured (TARGETS: ≤ 50 ms,
 * reported, not asserted — tests never assert timings). Scaled for the 2-core box that also runs the
 * load generator, the ingester, the sim, PostgreSQL and Redis: FAULTS_R11_CONNECTIONS (default 1000)
 * connections for FAULTS_R11_SECONDS (default 20 s instead of 60 s).
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { demoChunks, HEADER, printRow } from './audit.js';
import { AUTH, type Stack, startStack } from './harness.js';
import { ROOT, sleep, waitFor } from './processes.js';

const CONNECTIONS = Number(process.env.FAULTS_R11_CONNECTIONS ?? 1000);
const SECONDS = Number(process.env.FAULTS_R11_SECONDS ?? 20);

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ apiEnv: { LOG_LEVEL: 'warn' } });
});
afterAll(async () => {
  await stack?.close();
});

interface AutocannonResult {
  latency: { p50: number; p99: number; max: number };
  requests: { total: number; average: number };
  errors: number;
  timeouts: number;
  non2xx: number;
  statusCodeStats?: Record<string, { count: number }>;
}

it('R11: concurrent REST clients get answers, no errors but 429s; p99 reported', async () => {
  const api = stack.apis[0]!;
  const next = demoChunks(1111);
  await stack.sim.inject(next(500));
  await waitFor(
    'the first signals',
    async () => (await stack.facts.count('signals.tp_capital_signals')) > 100,
  );
  let feeding = true;
  const feed = (async () => {
    while (feeding) {
      await stack.sim.inject(next(2)); // ~4 msg/s: the cache key moves on as it would in production
      await sleep(500);
    }
  })();
  // biome-ignore format: flag and value side by side
  const { stdout } = await promisify(execFile)(join(ROOT, 'node_modules/.bin/autocannon'), [
    '-j', '-c', String(CONNECTIONS), '-d', String(SECONDS), '-t', '10',
    '-H', `x-api-key=${AUTH['x-api-key']}`, `${api.url}/signals?limit=50`,
  ], { maxBuffer: 16 << 20 });
  feeding = false;
  await feed;
  const result = JSON.parse(stdout) as AutocannonResult;
  const codes = Object.fromEntries(
    Object.entries(result.statusCodeStats ?? {}).map(([k, v]) => [k, v.count]),
  );
  const ok = codes['200'] ?? 0;
  const limited = codes['429'] ?? 0;
  const bad = Object.entries(codes)
    .filter(([k]) => k !== '200' && k !== '429' && k !== '304')
    .reduce((n, [, c]) => n + c, 0);
  console.log(HEADER);
  printRow(
    'R11',
    `${CONNECTIONS} REST clients × ${SECONDS} s: ${Math.round(result.requests.average)} req/s, p99 ${result.latency.p99} ms`,
    {
      emitted: `${result.requests.total} req`,
      stored: '-',
      delivered: `200×${ok} 429×${limited}`,
      lost: bad + result.errors,
      duplicated: 0,
    },
    '-',
    {
      codes,
      errors: result.errors,
      timeouts: result.timeouts,
      p50: result.latency.p50,
      p99: result.latency.p99,
      max: result.latency.max,
    },
  );
  expect(result.requests.total).toBeGreaterThan(0);
  expect(ok).toBeGreaterThan(0);
  expect(bad).toBe(0);
  expect(result.errors).toBe(0);
  expect(api.process.running()).toBe(true);
});
