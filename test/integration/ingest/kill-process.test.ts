/**
 * `kill -9` of a real `tp-capital ingest` process mid-feed, then a new one: every message exactly once
 * in the inbox, every signal once. The process is what is tested here, so it runs as a child from the
 * compiled CLI (rebuilt in beforeAll); the gateway-sim runs in this process.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewaySim } from '../../../src/sim/gateway-sim.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/test-database.js';
import { type DbFacts, dbFacts, FAST_ENV, startSim, waitFor } from './harness.js';

const ROOT = join(import.meta.dirname, '../../..');
const children: ChildProcess[] = [];
let database: TestDatabase;
let sim: GatewaySim;
let facts: DbFacts;

beforeAll(async () => {
  // The CLI runs from dist/: compile the current sources first. Type errors elsewhere in the tree
  // still emit JavaScript; what matters is that the CLI is there afterwards.
  await promisify(execFile)('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: ROOT }).catch(
    () => undefined,
  );
  if (!existsSync(join(ROOT, 'dist/roles/ingest.js')))
    throw new Error('the build did not produce dist/roles/ingest.js');
  database = await createTestDatabase();
  sim = await startSim();
  facts = dbFacts(database.url);
}, 120_000);
afterAll(async () => {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await sim?.close();
  await facts?.close();
  await database?.drop();
});

interface Running {
  child: ChildProcess;
  lines: string[];
  exited: Promise<number | null>;
}

function spawnIngester(holder: string): Running {
  const child = spawn(
    process.execPath,
    [
      'bin/tp-capital.js',
      'ingest',
      '--gateway-url',
      sim.url,
      '--database-url',
      database.url,
      '--holder-id',
      holder,
    ],
    {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', ...FAST_ENV, INGEST_LEASE_TTL_MS: '1500', LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  children.push(child);
  const lines: string[] = [];
  let buffered = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    buffered += chunk.toString('utf8');
    const parts = buffered.split('\n');
    buffered = parts.pop() ?? '';
    lines.push(...parts);
  });
  child.stderr?.on('data', (chunk: Buffer) => lines.push(chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, lines, exited };
}

const connected = (r: Running) => r.lines.some((l) => l.includes('"gateway stream connected"'));

function post(n: number) {
  return {
    messageId: String(n),
    telegramDate: new Date(Date.UTC(2025, 10, 4, 10, 0, 0) + n * 1000).toISOString(),
    text:
      n % 5 === 0
        ? `Bom dia! Mensagem ${n}`
        : `Swing Trade\nAtivo: WEGE${n % 10}\nCompra: ${10 + (n % 7)},00 a ${11 + (n % 7)},00\nAlvo 1: 15,00\nStop: 8,00`,
  };
}

describe('kill -9 of the ingester process', () => {
  it('loses nothing and stores nothing twice across the crash and the restart', async () => {
    const first = spawnIngester('crashing-ingester');
    await waitFor('the first ingester to stream', () => connected(first), 30_000);

    const TOTAL = 1500;
    let sent = 0;
    const feed = (async () => {
      while (sent < TOTAL) {
        sim.control.inject(Array.from({ length: 25 }, (_, i) => post(sent + i + 1)));
        sent += 25;
        await new Promise((r) => setTimeout(r, 15));
      }
    })();
    // Mid-feed, with batches in flight.
    await waitFor(
      'a few hundred committed',
      async () => (await facts.count('forwarded_messages.messages')) >= 300,
    );
    first.child.kill('SIGKILL');
    expect(await first.exited).toBeNull();
    const atCrash = await facts.count('forwarded_messages.messages');

    const second = spawnIngester('restarted-ingester');
    await feed;
    const last = sim.control.emitted().lastCursor;
    await waitFor('the restarted ingester to catch up', async () => (await facts.cursor()) === last, 60_000);
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);

    const inbox = await facts.inbox();
    const ids = inbox.map((r) => Number(r.messageId));
    expect(atCrash).toBeLessThan(TOTAL);
    expect(ids).toHaveLength(TOTAL);
    expect(new Set(ids).size).toBe(TOTAL);
    const signals = await facts.signals();
    const expectedSignals = Array.from({ length: TOTAL }, (_, i) => i + 1).filter((n) => n % 5 !== 0);
    expect(signals.map((s) => Number(s.messageId)).sort((a, b) => a - b)).toEqual(expectedSignals);
    expect(await facts.count('signals.signal_events')).toBe(expectedSignals.length);
    // The restarted process took the lease after the dead one's expired, and released it on SIGTERM.
    expect(second.lines.some((l) => l.includes('"lease acquired: active"'))).toBe(true);
    expect(second.lines.some((l) => l.includes('"lease released"'))).toBe(true);
  });
});
