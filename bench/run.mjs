/**
 * `npm run bench` (full) / `npm run bench -- --quick` (≤ 120 s): P1–P7 of TARGETS.md with real
 * processes (gateway-sim, ingester, API; the local PostgreSQL and Redis), each figure next to its
 * baseline from this same run. Writes bench/results/latest.{json,md}; the LAST line printed is the
 * JSON summary in TARGETS.md's shape.
 */
import { cpus } from 'node:os';
import { createLogger } from '../dist/logger.js';
import { createBenchDatabase } from './lib/db.mjs';
import { killAll, rssKiB } from './lib/procs.mjs';
import { openSsePool } from './lib/sse-pool.mjs';
import { baseEnv, startApiHost, startIngester, startSim } from './lib/stack.mjs';
import { round, sleep } from './lib/stats.mjs';
import { limitsNotes } from './limits.mjs';
import { measurePoll, measurePush } from './p1-e2e.mjs';
import { measureIngest } from './p2-ingest.mjs';
import { measureRest } from './p3-rest.mjs';
import { measureFanout } from './p4-fanout.mjs';
import { measureStartup } from './p5-startup.mjs';
import { measureCache } from './p6-cache.mjs';

const quick = process.argv.includes('--quick');
const mode = quick ? 'quick' : 'full';
const plan = quick
  ? {
      p1Clients: 200,
      p1Seconds: 5,
      pollSamples: 3,
      p2Count: 10_000,
      p3Seconds: 3,
      p4Clients: 2000,
      p4Procs: 2,
      p4Events: 20,
      p5Runs: 3,
      p6Seconds: 6,
    }
  : {
      p1Clients: 1000,
      p1Seconds: 20,
      pollSamples: 8,
      p2Count: 50_000,
      p3Seconds: 10,
      p4Clients: 10_000,
      p4Procs: 4,
      p4Events: 50,
      p5Runs: 5,
      p6Seconds: 30,
    };

const log = createLogger({ level: 'warn', name: 'bench' });
const say = (text) => process.stderr.write(`[bench ${((Date.now() - t0) / 1000).toFixed(1)}s] ${text}\n`);
const t0 = Date.now();
const startedAt = new Date(t0).toISOString();
const cleanups = [];

async function main() {
  const details = {
    machine: `${cpus().length} cores (${cpus()[0]?.model ?? '?'}), node ${process.version}`,
    plan,
  };

  say(`P2 ingest burst: ${plan.p2Count} messages`);
  details.p2 = await measureIngest({ count: plan.p2Count, log });
  say(`P2 ${JSON.stringify(details.p2)}`);
  // Not in the summary: the same burst in batches of 500, to show what the per-batch cost is.
  details.p2_batch500 = await measureIngest({ count: plan.p2Count, log, batch: 500 });
  say(`P2 (batches of 500) ${JSON.stringify(details.p2_batch500)}`);

  const database = await createBenchDatabase('e2e', log);
  cleanups.push(() => database.drop());
  const env = baseEnv(database.url);
  const sim = await startSim();
  cleanups.push(() => sim.close());
  const api = await startApiHost(env);
  cleanups.push(() => api.close());
  let ingester = await startIngester(env, sim.url);
  cleanups.push(() => ingester.close());

  say('P5 startup');
  details.p5 = await measureStartup({ env, runs: plan.p5Runs });
  say(`P5 ${JSON.stringify(details.p5)}`);

  say(`P1 push: ${plan.p1Clients} SSE clients, 100 msg/s for ${plan.p1Seconds} s`);
  const pool = await openSsePool(`${api.url}/signals/stream`, plan.p1Clients, 2);
  if (pool.connected !== plan.p1Clients)
    say(`P1: only ${pool.connected} of ${plan.p1Clients} clients connected`);
  const push = await measurePush({ sim, pool, rate: 100, durationS: plan.p1Seconds });
  say(`P1 push ${JSON.stringify(push)}`);
  details.p7 = {
    ingester_rss_kib: rssKiB(ingester.proc.child.pid),
    api_rss_kib: rssKiB(api.proc.child.pid),
    api_clients: pool.connected,
  };
  say(`P7 ${JSON.stringify(details.p7)}`);

  say(`P1 poll: ${plan.pollSamples} samples at a 5 s poll interval`);
  await ingester.close();
  const poll = await measurePoll({ sim, pool, env, samples: plan.pollSamples, pollIntervalMs: 5000 });
  say(`P1 poll ${JSON.stringify(poll)}`);
  details.p1 = { push, poll };
  await pool.close();
  ingester = await startIngester(env, sim.url);

  say('P3 REST');
  details.p3 = await measureRest({ api, connections: 100, durationS: plan.p3Seconds });
  say(`P3 ${JSON.stringify(details.p3)}`);

  say('P6 cache hit ratio');
  details.p6 = await measureCache({ sim, api, dashboards: 100, durationS: plan.p6Seconds });
  say(`P6 ${JSON.stringify(details.p6)}`);

  await sleep(500);
  say(`P4 fan-out: ${plan.p4Clients} clients over ${plan.p4Procs} processes`);
  // A fresh API process: the one P3/P6 loaded is still giving memory back, which would hide the clients' cost.
  const fanoutApi = await startApiHost(env);
  cleanups.push(() => fanoutApi.close());
  await sleep(2000);
  details.p4 = await measureFanout({
    sim,
    api: fanoutApi,
    clients: plan.p4Clients,
    processes: plan.p4Procs,
    events: plan.p4Events,
  });
  say(`P4 ${JSON.stringify(details.p4)}`);

  const summary = {
    e2e_push_ms: { p50: push.p50, p95: push.p95, p99: push.p99 },
    e2e_poll_ms: { p50: poll.p50, p95: poll.p95, p99: poll.p99 },
    ingest_msgs_per_s: details.p2.ingest_msgs_per_s,
    raw_insert_rows_per_s: details.p2.raw_insert_rows_per_s,
    rest_cached_rps: details.p3.cached.rps,
    rest_db_rps: details.p3.db.rps,
    hello_rps: details.p3.hello.rps,
    rest_cached_p99_ms: details.p3.cached.p99_ms,
    sse_clients: details.p4.clients,
    sse_fanout_p99_ms: details.p4.delivery_ms.p99,
    sse_kb_per_client: details.p4.kb_per_client,
    sse_lost: details.p4.lost,
    cache_hit_ratio: details.p6.cache_hit_ratio,
    startup_ms: details.p5.startup_ms,
  };
  return { summary, details };
}

async function cleanup() {
  for (const fn of cleanups.reverse()) await fn().catch((error) => say(`cleanup: ${error.message}`));
}

try {
  const { summary, details } = await main();
  await cleanup();
  const durationS = round((Date.now() - t0) / 1000, 1);
  const { writeResults } = await import('./report.mjs');
  writeResults({ mode, summary, details, notes: limitsNotes(mode, plan, details), startedAt, durationS });
  say(`done in ${durationS} s; wrote bench/results/latest.json and latest.md`);
  process.stdout.write(`${JSON.stringify(summary)}\n`);
  process.exit(0);
} catch (error) {
  say(`FAILED: ${error.stack ?? error}`);
  killAll();
  await cleanup();
  process.exit(1);
}
