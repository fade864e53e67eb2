/**
 * P1: gateway event → SSE client. Push: the sim emits new signals at `rate` msg/s (one injection per
 * message, timed by the sim's own `emittedAt`), the ingester streams them, commits, publishes on Redis,
 * the API writes them to every connected SSE client, which stamps the receipt. Poll (the baseline of the
 * same run): the sim fails every stream request, the ingester's stream breaker opens and it polls every
 * GATEWAY_POLL_INTERVAL_MS (5 s); a few messages are emitted at spread-out phases of the poll cycle.
 */
import { newSignalPost } from './lib/signals.mjs';
import { scrape, startIngester } from './lib/stack.mjs';
import { nowMs, sleep, summary } from './lib/stats.mjs';

const base = Math.floor(Date.now() / 1000) * 1000;

async function emit(sim) {
  const post = newSignalPost(base);
  const [entry] = await sim.control.inject(post);
  return { id: post.messageId, emittedAt: entry.emittedAt };
}

/** Latencies of every (message, client) delivery, and how many expected deliveries never came. */
function deliveries(sent, collected, clients) {
  const latencies = [];
  let received = 0;
  for (const { id, emittedAt } of sent) {
    const times = collected.times.get(id) ?? [];
    received += times.length;
    for (const t of times) latencies.push(t - emittedAt);
  }
  return { latencies, lost: sent.length * clients - received, received };
}

async function waitDelivered(pool, sent, clients, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  const ids = sent.map((s) => s.id);
  while ((await pool.count(ids)) < sent.length * clients && Date.now() < deadline) await sleep(250);
  const collected = await pool.collect(false);
  return { ...deliveries(sent, collected, clients), collected };
}

export async function measurePush({ sim, pool, rate, durationS }) {
  // Warm-up: the first events pay for JIT and connection setup everywhere.
  const warm = [];
  for (let i = 0; i < 20; i++) {
    warm.push(await emit(sim));
    await sleep(1000 / rate);
  }
  await waitDelivered(pool, warm, pool.connected, 5000);
  await pool.collect(true);

  const sent = [];
  const total = Math.round(rate * durationS);
  const start = nowMs();
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / rate;
    const wait = due - nowMs();
    if (wait > 1) await sleep(wait);
    sent.push(await emit(sim));
  }
  const achievedRate = (total / (nowMs() - start)) * 1000;
  const result = await waitDelivered(pool, sent, pool.connected, 10_000);
  await pool.collect(true);
  return {
    ...summary(result.latencies),
    messages: total,
    clients: pool.connected,
    achieved_rate: Math.round(achievedRate),
    deliveries: result.received,
    lost: result.lost,
    dupes: result.collected.dupes,
  };
}

/** Restarts an ingester whose stream always fails, so that it polls; times `samples` messages. */
export async function measurePoll({ sim, pool, env, samples, pollIntervalMs }) {
  await sim.control.failNext(1_000_000, 'stream');
  const ingester = await startIngester(env, sim.url, {
    GATEWAY_POLL_INTERVAL_MS: String(pollIntervalMs),
    GATEWAY_BACKOFF_MAX_MS: '200',
    GATEWAY_BREAKER_RESET_TIMEOUT_MS: '3600000',
  });
  try {
    const deadline = Date.now() + 30_000;
    while ((await scrape(`${ingester.metricsUrl}/metrics`, 'tp_capital_ingest_mode')) !== 0) {
      if (Date.now() > deadline) throw new Error('the ingester never switched to polling');
      await sleep(100);
    }
    await pool.collect(true);
    const sent = [];
    // Spread the emissions over one poll cycle, so the samples see different phases of it.
    for (let i = 0; i < samples; i++) {
      sent.push(await emit(sim));
      if (i < samples - 1) await sleep(pollIntervalMs / samples + 137);
    }
    const result = await waitDelivered(pool, sent, pool.connected, pollIntervalMs * 2 + 5000);
    // Per message: the first client's receipt (the ingest path is what differs; fan-out is measured by push).
    const firsts = sent.map(
      ({ id, emittedAt }) => Math.min(...(result.collected.times.get(id) ?? [Infinity])) - emittedAt,
    );
    await pool.collect(true);
    return {
      ...summary(result.latencies),
      samples,
      lost: result.lost,
      poll_interval_ms: pollIntervalMs,
      first_receipt_ms: firsts.map((v) => Math.round(v)),
    };
  } finally {
    await ingester.close();
    await sim.control.clearFaults();
  }
}
