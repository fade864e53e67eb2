/**
 * P5: `tp-capital api` from spawn to its first 200 on /health (it listens only after the database pool,
 * Redis and the routes are set up), with an existing, migrated database. Median of `runs` cold spawns
 * (each a new node process; the OS file cache is warm after the first).
 */
import { freePort, spawnRole, stop, waitForHttp } from './lib/procs.mjs';
import { API_ENV } from './lib/stack.mjs';
import { nowMs, percentile, round } from './lib/stats.mjs';

export async function measureStartup({ env, runs }) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const port = await freePort();
    const start = nowMs();
    const proc = spawnRole('api', ['--port', String(port), '--host', '127.0.0.1'], { ...env, ...API_ENV });
    try {
      await waitForHttp(`http://127.0.0.1:${port}/health`, proc, 20_000, 5);
      times.push(nowMs() - start);
    } finally {
      await stop(proc);
    }
  }
  return { startup_ms: round(percentile(times, 50), 0), runs: times.map((t) => Math.round(t)) };
}
