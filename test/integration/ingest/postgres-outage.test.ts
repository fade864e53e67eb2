/**
 * PostgreSQL stopped mid-feed (TARGETS.md R4, scaled down) on a throwaway server: the ingester holds
 * the same batch and retries without advancing the cursor, then catches up by itself. A sampler reads
 * (cursor, inbox) in one statement all along and checks the cursor is never ahead of the data.
 */
import pg from 'pg';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewaySim } from '../../../src/sim/gateway-sim.js';
import { runMigrations } from '../../../src/store/index.js';
import { startThrowawayPostgres, type ThrowawayPostgres } from '../../helpers/postgres.js';
import {
  CHANNEL,
  dbFacts,
  type Harness,
  metricValue,
  startIngester,
  startSim,
  streaming,
  waitFor,
} from './harness.js';

let server: ThrowawayPostgres;
let sim: GatewaySim;
let harness: Harness | null = null;

beforeAll(async () => {
  server = await startThrowawayPostgres();
  await runMigrations(server.url, pino({ level: 'silent' }));
  sim = await startSim();
}, 120_000);
afterAll(async () => {
  await harness?.close();
  await sim?.close();
  await server?.destroy();
});

function post(n: number) {
  return {
    messageId: String(n),
    telegramDate: new Date(Date.UTC(2025, 10, 3, 9, 0, n)).toISOString(),
    text: `Day Trade\nAtivo: ITUB${n % 10}\nCompra: 30,00 a 31,00\nAlvo: 33,00\nStop: 28,00`,
  };
}

/** Every message emitted at or before the stored cursor must already be in the inbox. */
function createSampler(url: string) {
  const pool = new pg.Pool({ connectionString: url, max: 1, connectionTimeoutMillis: 500 });
  pool.on('error', () => undefined);
  const violations: string[] = [];
  let samples = 0;
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      try {
        const { rows } = await pool.query(
          `SELECT (SELECT cursor FROM metrics.ingest_cursor WHERE channel_id = $1) AS cursor,
                  (SELECT coalesce(array_agg(message_id), '{}') FROM forwarded_messages.messages) AS ids`,
          [CHANNEL],
        );
        const row = rows[0] as { cursor: string | null; ids: string[] };
        if (row.cursor !== null) {
          samples += 1;
          const stored = new Set(row.ids);
          for (const entry of sim.control.emitted().events) {
            if (Number(entry.cursor) > Number(row.cursor)) break;
            const id = entry.message?.messageId;
            if (id && !stored.has(id)) violations.push(`cursor ${row.cursor} ahead of message ${id}`);
          }
        }
      } catch {
        // The server is down: nothing to sample.
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  return {
    violations,
    samples: () => samples,
    async stop() {
      stopped = true;
      await loop;
      await pool.end();
    },
  };
}

async function outage(options: { from: number; ttlMs: string; downMs: number; during: number }) {
  const { from, during } = options;
  harness = await startIngester({
    databaseUrl: server.url,
    gatewayUrl: sim.url,
    env: { INGEST_LEASE_TTL_MS: options.ttlMs },
  });
  await streaming(harness);
  const facts = dbFacts(server.url);
  const sampler = createSampler(server.url);
  let lostLease = false;
  let maxQueued = 0;
  let watchdogs = 0;
  const signalsBefore = await facts.count('signals.tp_capital_signals');
  const eventsBefore = await facts.count('signals.signal_events');
  try {
    sim.control.inject(Array.from({ length: 50 }, (_, i) => post(from + i)));
    const firstHalf = sim.control.emitted().lastCursor;
    await waitFor('the first half', async () => (await facts.cursor()) === firstHalf);
    const committedBefore = harness.ingester.status().committed;

    await server.stop();
    sim.control.inject(Array.from({ length: during }, (_, i) => post(from + 50 + i)));
    const downUntil = Date.now() + options.downMs;
    while (Date.now() < downUntil) {
      if (harness.ingester.status().role !== 'active') lostLease = true;
      maxQueued = Math.max(maxQueued, harness.ingester.counters().queued);
      // Nothing can be committed meanwhile, and the process is still there.
      expect(harness.ingester.status().committed).toBe(committedBefore);
      await new Promise((r) => setTimeout(r, 50));
    }
    await server.start();

    const last = sim.control.emitted().lastCursor;
    await waitFor('the catch-up', async () => (await facts.cursor()) === last, 30_000);
    const total = 50 + during;
    const ids = (await facts.inbox()).map((r) => Number(r.messageId)).filter((id) => id >= from);
    expect(ids).toHaveLength(total);
    expect(new Set(ids).size).toBe(total);
    expect(await facts.count('signals.tp_capital_signals')).toBe(signalsBefore + total);
    expect(await facts.count('signals.signal_events')).toBe(eventsBefore + total);
    await waitFor('the stream again', () => harness?.ingester.status().mode === 'stream');
    watchdogs = await metricValue(harness.metrics, 'gatewayRequests', { outcome: 'watchdog' });
  } finally {
    await sampler.stop();
    await facts.close();
    await harness.close();
    harness = null;
  }
  expect(sampler.samples()).toBeGreaterThan(0);
  expect(sampler.violations).toEqual([]);
  return { lostLease, maxQueued, watchdogs };
}

describe('PostgreSQL outage mid-feed', () => {
  it('holds the batch and retries it without advancing the cursor, then lands everything once', async () => {
    // A lease that outlives the outage: the same tenure retries the same batch until it commits. 1,500
    // messages during the outage: past the queue's high-water mark (10 batches), the stream stops reading.
    const result = await outage({ from: 1, ttlMs: '10000', downMs: 2500, during: 1500 });
    expect(result.lostLease).toBe(false);
    expect(result.maxQueued).toBeGreaterThanOrEqual(1000);
    expect(result.maxQueued).toBeLessThan(1500);
    // The watchdog sleeps while the intake is held: no reconnect for a stream we stopped reading.
    expect(result.watchdogs).toBe(0);
  });

  it('stands by when the lease cannot be renewed in time, and takes it back when the database returns', async () => {
    const { lostLease } = await outage({ from: 2001, ttlMs: '1500', downMs: 2500, during: 50 });
    expect(lostLease).toBe(true);
  });
});
