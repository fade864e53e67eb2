/**
 * 1,000 SSE clients on one API process: every client receives every event exactly once, in order.
 * The clients live in a separate process (sse-load-client.mjs) so they do not share the server's event
 * loop. The test also prints (never asserts) commit → frame-parsed-by-the-client times and the
 * server's RSS per connected client; both processes share this machine's two cores.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { pollUntil } from '../../helpers/redis.js';
import { createTestApp, createWorld, KEYS, listen, signalItem, type World } from './harness.js';

const CLIENTS = 1000;
const EVENTS = 20;
const CLIENT_SCRIPT = fileURLToPath(new URL('./sse-load-client.mjs', import.meta.url));

let world: World;
let ctx: Awaited<ReturnType<typeof createTestApp>>;

beforeAll(async () => {
  world = await createWorld();
  ctx = await createTestApp(world);
});

afterAll(async () => {
  await ctx?.app.close();
  await world?.close();
});

const epochNow = () => performance.timeOrigin + performance.now();
const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
const ms = (v: number) => Math.round(v * 10) / 10;

it(`delivers every event to ${CLIENTS} clients exactly once, in order`, async () => {
  const { url } = await listen(ctx.app);
  const rssBefore = process.memoryUsage().rss;
  const child = spawn(
    process.execPath,
    [CLIENT_SCRIPT, `${url}/signals/stream`, String(CLIENTS), String(EVENTS), KEYS[0]!],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const next = async () =>
    JSON.parse(String((await lines.next()).value)) as { type: string; received?: [number, number][][] };
  try {
    expect((await next()).type).toBe('connected');
    await pollUntil(() => ctx.app.broadcaster.size === CLIENTS, { what: 'all clients registered' });
    const rssPerClientKb = (process.memoryUsage().rss - rssBefore) / 1024 / CLIENTS;

    const sentAt = new Map<number, number>();
    for (let i = 0; i < EVENTS; i++) {
      const report = await world.ingest.applyBatch([signalItem(`FAN${i}`)], null);
      const committed = epochNow();
      for (const event of report.events) sentAt.set(event.seq, committed);
      await ctx.bus.publish(report.events);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const report = await next();
    expect(report.type).toBe('report');
    const expected = [...sentAt.keys()];
    for (const client of report.received!) expect(client.map(([seq]) => seq)).toEqual(expected);

    const latencies = report.received!.flatMap((client) => client.map(([seq, at]) => at - sentAt.get(seq)!));
    latencies.sort((a, b) => a - b);
    const toLast = expected.map((seq, index) => {
      const arrivals = report.received!.map((client) => client[index]![1]);
      return Math.max(...arrivals) - sentAt.get(seq)!;
    });
    toLast.sort((a, b) => a - b);
    console.log(
      JSON.stringify({
        sse_clients: CLIENTS,
        events: EVENTS,
        commit_to_client_ms: { p50: ms(percentile(latencies, 50)), p99: ms(percentile(latencies, 99)) },
        commit_to_last_client_ms: { p50: ms(percentile(toLast, 50)), max: ms(toLast[toLast.length - 1]!) },
        server_rss_kb_per_client: ms(rssPerClientKb),
      }),
    );
  } finally {
    child.kill();
  }
});
