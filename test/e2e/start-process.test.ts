/**
 * `tp-capital start` as a new user runs it: a real process in an empty directory with none of the
 * variables src/config.ts reads, so everything is embedded (PostgreSQL under ./data, gateway-sim with
 * the demo feed, in-process bus). Only the ports are chosen, so that the test never collides with a
 * service already on 4005/4010: the API's with `--port` (a flag), the sim's with GATEWAY_SIM_PORT, the
 * one setting `start` takes from the environment alone. Startup times are printed, not asserted.
 */
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Child,
  childrenOf,
  cleanEnv,
  freePort,
  processesMentioning,
  reapAll,
  spawnCli,
  stillRunning,
  waitForHttp,
} from './helpers/processes.js';
import { firstSseEvent } from './helpers/sse.js';

let dir: string;
let apiPort: number;
let simPort: number;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tpc-start-'));
  // The embedded PostgreSQL runs as the postgres user when we are root: it must reach ./data.
  chmodSync(dir, 0o755);
  apiPort = await freePort();
  simPort = await freePort();
});

afterAll(async () => {
  const leftover = await reapAll();
  const postgres = processesMentioning(dir);
  for (const pid of postgres.keys()) process.kill(pid, 'SIGKILL');
  rmSync(dir, { recursive: true, force: true });
  expect(leftover, 'children still running after the tests').toEqual([]);
  expect([...postgres.values()], 'postgres processes left running').toEqual([]);
});

interface Started {
  child: Child;
  key: string;
  readyMs: number;
  reportedS: string;
}

async function startService(): Promise<Started> {
  const t0 = performance.now();
  const child = spawnCli('tp-capital start', ['start', '--port', String(apiPort)], {
    cwd: dir,
    env: cleanEnv({ GATEWAY_SIM_PORT: String(simPort) }),
  });
  const [, reportedS] = await child.waitFor(/ready in ([\d.]+) s/, 60_000);
  const [, key] = await child.waitFor(/API key\s+(tpc_\S+)/, 1000);
  await waitForHttp(`http://127.0.0.1:${apiPort}/ready`, 10_000);
  const readyMs = Math.round(performance.now() - t0);
  return { child, key: key as string, readyMs, reportedS: reportedS as string };
}

/** The embedded postmaster (from its postmaster.pid) and its children, with their command lines. */
function postgresTree(): Map<number, string> {
  const pidFile = join(dir, 'data', 'postgres', 'postmaster.pid');
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  const tree = new Map([...processesMentioning(dir), ...childrenOf(pid)]);
  expect([...tree.keys()]).toContain(pid);
  return tree;
}

async function stopAndCheck(started: Started): Promise<void> {
  const tree = postgresTree();
  const { code, ms } = await started.child.stop('SIGTERM', 5000);
  console.log(`tp-capital start: SIGTERM → exit ${code} in ${ms} ms`);
  expect(code).toBe(0);
  expect(started.child.output()).toMatch(/stopped in \d+ ms/);
  expect([...stillRunning(tree).values()], 'postgres processes of the stopped instance').toEqual([]);
  expect([...processesMentioning(dir).values()], `processes mentioning ${dir}`).toEqual([]);
  expect(existsSync(join(dir, 'data', 'postgres', 'postmaster.pid'))).toBe(false);
}

async function countSignals(key: string): Promise<number> {
  const response = await fetch(`http://127.0.0.1:${apiPort}/signals?limit=1000`, {
    headers: { 'X-API-Key': key },
  });
  expect(response.status).toBe(200);
  const body = (await response.json()) as { data: unknown[] };
  return body.data.length;
}

describe('tp-capital start with no configuration', () => {
  let signalsBefore = 0;
  let firstKey = '';

  it('starts cold (initdb included), streams a demo signal over SSE and stops cleanly on SIGTERM', async () => {
    expect(existsSync(join(dir, 'data'))).toBe(false);
    const started = await startService();
    firstKey = started.key;
    console.log(
      `cold start: ready (GET /ready 200) ${started.readyMs} ms after spawn; the process reported ${started.reportedS} s`,
    );
    const out = started.child.output();
    expect(out).toContain(`dashboard  http://localhost:${apiPort}/`);
    expect(out).toMatch(/database\s+embedded PostgreSQL/);
    expect(out).toMatch(/gateway\s+built-in gateway-sim with the demo feed/);
    expect(out).toMatch(/bus\/cache\s+in-process/);
    const secrets = JSON.parse(readFileSync(join(dir, 'data', 'secrets.json'), 'utf8')) as { apiKey: string };
    expect(secrets.apiKey).toBe(started.key);
    expect(existsSync(join(dir, 'data', 'tp-capital.log'))).toBe(true);

    // The stream needs the key: without it, 401.
    const anonymous = await fetch(`http://127.0.0.1:${apiPort}/signals`);
    expect(anonymous.status).toBe(401);
    await anonymous.arrayBuffer();

    // The demo feed posts about every 2 s, and not every post is a signal: 20 s is generous.
    const t0 = performance.now();
    const event = await firstSseEvent(
      `http://127.0.0.1:${apiPort}/signals/stream`,
      { 'X-API-Key': started.key },
      'signal',
      20_000,
    );
    console.log(`first demo signal over SSE after ${Math.round(performance.now() - t0)} ms`);
    expect(event.id).toMatch(/^\d+$/);
    const payload = JSON.parse(event.data) as { seq: number; signal: { asset: string; status: string } };
    expect(payload.seq).toBe(Number(event.id));
    expect(payload.signal.asset).toMatch(/^[A-Z0-9]+$/);

    signalsBefore = await countSignals(started.key);
    expect(signalsBefore).toBeGreaterThan(0);
    await stopAndCheck(started);
  });

  it('starts warm with the same key and every earlier signal, and stops cleanly again', async () => {
    expect(signalsBefore).toBeGreaterThan(0);
    const started = await startService();
    console.log(
      `warm start: ready (GET /ready 200) ${started.readyMs} ms after spawn; the process reported ${started.reportedS} s`,
    );
    expect(started.key).toBe(firstKey);
    expect(await countSignals(started.key)).toBeGreaterThanOrEqual(signalsBefore);
    await stopAndCheck(started);
  });
});
