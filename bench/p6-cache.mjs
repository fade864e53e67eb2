/**
 * P6: cache hit ratio under dashboards polling, time-compressed 100×: 100 dashboards polling
 * `GET /signals?limit=50` every 150 ms (instead of 15 s) while one new signal arrives every 600 ms
 * (instead of 1 a minute) — the same 400 polls per new signal. The ratio is read from the API's own
 * counters (`tp_capital_cache_requests_total{result}` on /metrics), as a delta over the window.
 */
import { newSignalPost } from './lib/signals.mjs';
import { scrape } from './lib/stack.mjs';
import { round, sleep } from './lib/stats.mjs';

const base = Math.floor(Date.now() / 1000) * 1000 + 800_000;

async function counters(api) {
  const url = `${api.url}/metrics`;
  return {
    hit: (await scrape(url, 'tp_capital_cache_requests_total', { result: 'hit' })) || 0,
    miss: (await scrape(url, 'tp_capital_cache_requests_total', { result: 'miss' })) || 0,
    error: (await scrape(url, 'tp_capital_cache_requests_total', { result: 'error' })) || 0,
  };
}

export async function measureCache({ sim, api, dashboards, durationS, pollMs = 150, signalMs = 600 }) {
  const before = await counters(api);
  const stopAt = Date.now() + durationS * 1000;
  let polls = 0;
  let failures = 0;
  const dashboard = async (offset) => {
    await sleep(offset);
    while (Date.now() < stopAt) {
      const started = Date.now();
      try {
        const response = await fetch(`${api.url}/signals?limit=50`);
        await response.arrayBuffer();
        if (response.ok) polls += 1;
        else failures += 1;
      } catch {
        failures += 1;
      }
      await sleep(Math.max(0, pollMs - (Date.now() - started)));
    }
  };
  let signals = 0;
  const feed = async () => {
    while (Date.now() < stopAt) {
      await sleep(signalMs);
      await sim.control.inject(newSignalPost(base));
      signals += 1;
    }
  };
  await Promise.all([
    feed(),
    ...Array.from({ length: dashboards }, (_, i) => dashboard((i * pollMs) / dashboards)),
  ]);
  const after = await counters(api);
  const hit = after.hit - before.hit;
  const miss = after.miss - before.miss;
  return {
    cache_hit_ratio: round(hit / (hit + miss), 4),
    hits: hit,
    misses: miss,
    cache_errors: after.error - before.error,
    polls,
    failures,
    signals,
    polls_per_signal: round(polls / Math.max(1, signals), 0),
  };
}
