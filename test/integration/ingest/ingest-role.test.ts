/**
 * The composition roots in-process: `startIngest` wired from the configuration with the Redis bus (a
 * subscriber on the same prefix hears the committed events) and its /metrics and /ready server; the
 * lease between two ingesters; `tp-capital reprocess` through the CLI framework.
 */
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRedisBus } from '../../../src/bus/redis-bus.js';
import { createRedisConnections } from '../../../src/bus/redis-connections.js';
import type { SignalEvent } from '../../../src/domain/events.js';
import { runCommand } from '../../../src/roles/command.js';
import { startIngest } from '../../../src/roles/ingest.js';
import { reprocessCommand } from '../../../src/roles/reprocess.js';
import type { GatewaySim } from '../../../src/sim/gateway-sim.js';
import { cleanupPrefix, randomPrefix, redisUrl } from '../../helpers/redis.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/test-database.js';
import { type DbFacts, dbFacts, startIngester, startSim, testConfig, testLog, waitFor } from './harness.js';

let database: TestDatabase;
let sim: GatewaySim;
let facts: DbFacts;
const closers: Array<() => Promise<void>> = [];

beforeEach(async () => {
  database = await createTestDatabase();
  sim = await startSim();
  facts = dbFacts(database.url);
});
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
  await sim.close();
  await facts.close();
  await database.drop();
});

function post(n: number, text?: string) {
  return {
    messageId: String(n),
    telegramDate: new Date(Date.UTC(2025, 10, 5, 12, 0, n)).toISOString(),
    text: text ?? `Swing Trade\nAtivo: RENT${n % 10}\nCompra: 40,00 a 41,00\nAlvo 1: 45,00\nStop: 37,00`,
  };
}

describe('tp-capital ingest, wired from the configuration', () => {
  it('publishes committed events on the Redis bus and serves /metrics and /ready', async () => {
    const prefix = randomPrefix();
    const log = testLog('role');
    const config = testConfig({ REDIS_URL: redisUrl(), REDIS_KEY_PREFIX: prefix });
    const connections = createRedisConnections({ url: redisUrl(), keyPrefix: prefix, log });
    const subscriber = createRedisBus(connections, { log });
    const heard: SignalEvent[] = [];
    const unsubscribe = await subscriber.subscribe({ onEvents: (events) => heard.push(...events) });
    closers.push(async () => {
      await unsubscribe();
      await subscriber.close();
      await connections.close();
      await cleanupPrefix(redisUrl(), prefix);
    });

    const running = await startIngest(
      config,
      { gatewayUrl: sim.url, databaseUrl: database.url, holderId: 'role-test', metricsPort: 0 },
      log,
    );
    closers.push(() => running.close());
    await waitFor('the stream', () => running.ingester.status().mode === 'stream');
    sim.control.inject([post(1), post(2, 'RENT1 alvo 1 atingido')]);
    await waitFor('both events on Redis', () => heard.length === 2);
    expect(heard.map((e) => e.op)).toEqual(['created', 'target_hit']);

    const metrics = await (await fetch(`${running.metricsUrl}/metrics`)).text();
    expect(metrics).toMatch(/tp_capital_ingest_mode 1/);
    expect(metrics).toMatch(/tp_capital_gateway_breaker_state 0/);
    expect(metrics).toMatch(
      /tp_capital_signals_ingested_total\{channel="-1001649127710",status="inserted"\} 1/,
    );
    const ready = await fetch(`${running.metricsUrl}/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({
      ingester: { role: 'active', mode: 'stream', breaker: 'closed' },
    });
  });
});

describe('the lease', () => {
  it('lets one ingester ingest while another stands by, and hands over when the holder stops', async () => {
    const env = { INGEST_LEASE_TTL_MS: '1500' };
    const first = await startIngester({
      databaseUrl: database.url,
      gatewayUrl: sim.url,
      env,
      holderId: 'one',
    });
    closers.push(() => first.close());
    await waitFor('the first to be active', () => first.ingester.status().role === 'active');
    const second = await startIngester({
      databaseUrl: database.url,
      gatewayUrl: sim.url,
      env,
      holderId: 'two',
    });
    closers.push(() => second.close());
    await new Promise((r) => setTimeout(r, 1000));
    expect(second.ingester.status()).toMatchObject({ role: 'standby', mode: null });

    sim.control.inject([post(1), post(2)]);
    await waitFor('the first batch', async () => (await facts.count('forwarded_messages.messages')) === 2);
    await first.close();
    await waitFor('the standby to take over', () => second.ingester.status().role === 'active', 10_000);
    sim.control.inject([post(3)]);
    const last = sim.control.emitted().lastCursor;
    await waitFor('the rest', async () => (await facts.cursor()) === last);
    expect((await facts.inbox()).map((r) => r.messageId)).toEqual(['1', '2', '3']);
    expect(first.ingester.status().role).toBe('off');
  });
});

describe('tp-capital reprocess', () => {
  async function reprocess(args: string[]): Promise<{ code: number; out: string }> {
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    let out = '';
    stdout.on('data', (c: Buffer) => {
      out += c.toString();
    });
    stderr.resume();
    const code = await runCommand(reprocessCommand, args, {
      stdin: new PassThrough(),
      stdout,
      stderr,
      env: { DATABASE_URL: database.url, LOG_LEVEL: 'silent' },
    });
    return { code, out };
  }

  it('changes nothing without a parser change, and re-applies rows an older parser got wrong', async () => {
    const h = await startIngester({ databaseUrl: database.url, gatewayUrl: sim.url });
    closers.push(() => h.close());
    sim.control.inject([post(1), post(2, 'Bom dia a todos!'), post(3)]);
    const last = sim.control.emitted().lastCursor;
    await waitFor('the messages', async () => (await facts.cursor()) === last);

    const idle = await reprocess([]);
    expect(idle.code).toBe(0);
    expect(idle.out).toContain('scanned 3 inbox row(s)');
    expect(idle.out).toContain('events appended: 0');
    const eventsBefore = await facts.count('signals.signal_events');

    // An older parser that did not recognise message 3 as a signal.
    await facts.exec(`DELETE FROM signals.signal_events WHERE signal_id IN
      (SELECT id FROM signals.tp_capital_signals WHERE message_id = '3')`);
    await facts.exec(`DELETE FROM signals.tp_capital_signals WHERE message_id = '3'`);
    await facts.exec(`UPDATE forwarded_messages.messages SET outcome = 'ignored', reason = 'no_prices',
      parser_version = 0, signal_id = NULL WHERE message_id = '3'`);

    const fixed = await reprocess(['--outcome', 'ignored', '--since', '2025-11-01']);
    expect(fixed.code).toBe(0);
    expect(fixed.out).toContain('scanned 2 inbox row(s) (outcome: ignored');
    expect(fixed.out).toContain('"ignored→signal":1');
    expect(fixed.out).toContain('events appended: 1');
    expect((await facts.signals()).map((s) => s.messageId).sort()).toEqual(['1', '3']);
    expect(await facts.count('signals.signal_events')).toBe(eventsBefore);
    const again = await reprocess(['--outcome', 'ignored']);
    expect(again.out).toContain('events appended: 0');

    expect((await reprocess(['--outcome', 'everything'])).code).toBe(2);
  });
});
