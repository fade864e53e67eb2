/**
 * P4: SSE fan-out on one API process. `clients` real SSE connections spread over a few client processes;
 * RSS per idle client = the RSS delta of a fresh API process (connected and idle vs before, idle) / clients; then
 * `events` new signals at 5/s go through the whole path (sim → ingester → Redis → API) and every client
 * must receive every one: latency per delivery from the sim's emission, the time for each event to reach
 * the LAST client, and lost = expected deliveries − received ones.
 */

import { rssKiB } from './lib/procs.mjs';
import { newSignalPost } from './lib/signals.mjs';
import { openSsePool } from './lib/sse-pool.mjs';
import { round, sleep, summary } from './lib/stats.mjs';

const base = Math.floor(Date.now() / 1000) * 1000 + 500_000;

export async function measureFanout({ sim, api, clients, processes, events }) {
  const rssBefore = rssKiB(api.proc.child.pid);
  const startConnect = Date.now();
  const pool = await openSsePool(`${api.url}/signals/stream`, clients, processes);
  const connectS = (Date.now() - startConnect) / 1000;
  try {
    await sleep(3000);
    const rssIdle = rssKiB(api.proc.child.pid);
    // Warm-up (a fresh process: the first broadcasts pay for JIT), not counted.
    for (let i = 0; i < 3; i++) {
      await sim.control.inject(newSignalPost(base));
      await sleep(200);
    }
    await sleep(500);
    await pool.collect(true);
    const sent = [];
    for (let i = 0; i < events; i++) {
      const post = newSignalPost(base);
      const [entry] = await sim.control.inject(post);
      sent.push({ id: post.messageId, emittedAt: entry.emittedAt });
      await sleep(200);
    }
    const expected = sent.length * pool.connected;
    const ids = sent.map((s) => s.id);
    const deadline = Date.now() + 15_000;
    while ((await pool.count(ids)) < expected && Date.now() < deadline) await sleep(300);
    const collected = await pool.collect(false);
    const received = sent.reduce((sum, s) => sum + (collected.times.get(s.id)?.length ?? 0), 0);
    const latencies = [];
    const toAll = [];
    for (const { id, emittedAt } of sent) {
      const times = collected.times.get(id) ?? [];
      let last = 0;
      for (const t of times) {
        latencies.push(t - emittedAt);
        if (t > last) last = t;
      }
      if (times.length > 0) toAll.push(last - emittedAt);
    }
    const rssLoaded = rssKiB(api.proc.child.pid);
    return {
      clients: pool.connected,
      failed_connects: pool.failed,
      connect_s: round(connectS, 1),
      events: sent.length,
      delivery_ms: summary(latencies),
      to_all_ms: { ...summary(toAll), max: round(Math.max(...toAll)) },
      lost: expected - received,
      dupes: collected.dupes,
      closed_streams: collected.closed,
      rss_before_kib: rssBefore,
      rss_idle_kib: rssIdle,
      rss_after_events_kib: rssLoaded,
      kb_per_client: round((rssIdle - rssBefore) / pool.connected, 2),
    };
  } finally {
    await pool.close();
  }
}
