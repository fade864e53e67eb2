/**
 * The real processes of the push path: gateway-sim (no feed: the bench injects), the API (bench/api-host.mjs:
 * startApi plus a bare hello route in the same process) and the ingester (`tp-capital ingest`), sharing a
 * fresh database and a private Redis key prefix.
 */
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { createSimControlClient } from '../../dist/sim/control-client.js';
import { freePort, ROOT, spawnNode, spawnRole, stop, waitForHttp } from './procs.mjs';

export const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

export function baseEnv(databaseUrl) {
  return {
    NODE_ENV: 'development',
    LOG_LEVEL: 'warn',
    DATABASE_URL: databaseUrl,
    REDIS_URL,
    REDIS_KEY_PREFIX: `tpcbench${randomBytes(3).toString('hex')}:`,
  };
}

/** API limits lifted so that the load generators, all on 127.0.0.1, are not rate limited. */
export const API_ENV = {
  RATE_LIMIT_MAX: '1000000',
  RATE_LIMIT_WINDOW_MS: '1000',
  SSE_MAX_STREAMS_PER_CLIENT: '100000',
  SSE_CONNECTS_PER_MINUTE: '100000',
  DATABASE_POOL_MAX: '10',
};

export async function startSim() {
  const port = await freePort();
  const proc = spawnRole('gateway-sim', ['--port', String(port), '--feed', 'none', '--rate', '0'], {
    LOG_LEVEL: 'warn',
  });
  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(`${url}/health`, proc);
  return { proc, url, control: createSimControlClient(url), close: () => stop(proc) };
}

export async function startApiHost(env) {
  const [apiPort, helloPort] = [await freePort(), await freePort()];
  const proc = spawnNode(resolve(ROOT, 'bench/api-host.mjs'), [String(apiPort), String(helloPort)], {
    ...env,
    ...API_ENV,
  });
  const url = `http://127.0.0.1:${apiPort}`;
  await waitForHttp(`${url}/health`, proc);
  await waitForHttp(`http://127.0.0.1:${helloPort}/hello`, proc);
  return { proc, url, helloUrl: `http://127.0.0.1:${helloPort}/hello`, close: () => stop(proc) };
}

/** `tp-capital ingest`; waits until it holds the lease (/ready 200). */
export async function startIngester(env, gatewayUrl, extraEnv = {}) {
  const metricsPort = await freePort();
  const proc = spawnRole(
    'ingest',
    [
      '--gateway-url',
      gatewayUrl,
      '--metrics-port',
      String(metricsPort),
      '--holder-id',
      `bench-${Date.now()}`,
    ],
    { ...env, ...extraEnv },
  );
  const metricsUrl = `http://127.0.0.1:${metricsPort}`;
  await waitForHttp(`${metricsUrl}/ready`, proc, 30_000, 50);
  return { proc, metricsUrl, close: () => stop(proc, 6000) };
}

/** One sample of a Prometheus counter/gauge (sum over label sets matching `labels`). */
export async function scrape(url, name, labels = {}) {
  const text = await (await fetch(url)).text();
  let sum = 0;
  let found = false;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const rest = line.slice(name.length);
    if (rest[0] !== ' ' && rest[0] !== '{') continue;
    if (!Object.entries(labels).every(([k, v]) => rest.includes(`${k}="${v}"`))) continue;
    sum += Number(line.slice(line.lastIndexOf(' ') + 1));
    found = true;
  }
  return found ? sum : Number.NaN;
}
