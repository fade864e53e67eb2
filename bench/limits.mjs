/** The notes of latest.md: how quick mode scales the figures, and what limits each figure now. */
export function limitsNotes(mode, plan, d) {
  const scale =
    mode === 'quick'
      ? `## Quick mode (scaled)
- P1 push: ${plan.p1Clients} SSE clients instead of 1,000, ${plan.p1Seconds} s at 100 msg/s; poll baseline: ${plan.pollSamples} samples.
- P2: ${plan.p2Count} messages instead of 50,000.
- P3: ${plan.p3Seconds} s per autocannon run. P6: ${plan.p6Seconds} s.
- P4: ${plan.p4Clients} clients (over ${plan.p4Procs} client processes) instead of 10,000, so \`sse_clients\` is below the target by design; the full run (\`npm run bench\`) opens 10,000.
- P7: API RSS measured with ${d.p7.api_clients} clients (and with ${d.p4.clients} in P4), not 1,000.
`
      : '';
  return `${scale}
## How each figure is measured
- P1: one process each for gateway-sim, the ingester (\`tp-capital ingest\`) and the API (bench/api-host.mjs = \`startApi\` + a hello route); SSE clients in 2 child processes. Latency = the client's receipt − the sim's \`emittedAt\` (both performance.timeOrigin + now(), comparable across processes), over every (message, client) delivery. Poll: the sim fails every stream request, the ingester (breaker reset 1 h) polls every 5 s; samples are spread over the poll cycle.
- P2: in-process: the demo feed's mixed posts, parsed and committed by \`applyBatch\` in batches of 100 (parse time included); the raw baseline re-inserts the resulting inbox rows with 100-row parameterised INSERTs into a LIKE copy of the inbox table (same indexes).
- P3: autocannon, 100 connections, from the bench process; the uncached run adds a unique far-future \`to\` bound per request (same 50 rows, always a cache miss → PostgreSQL).
- P4: on a fresh API process (started for P4, 2 s idle): RSS per client = (VmRSS after connecting + 3 s idle − before) / clients; p99 over every delivery (sim emission → client), "to all" = emission → last client.
- P5: spawn of \`tp-capital api\` → first 200 on /health, existing migrated DB, Redis on. \`start\` (embedded PostgreSQL) is not measured.
- P6: 100 dashboards every 150 ms + 1 new signal per 600 ms (400 polls per signal, as 100 dashboards/15 s vs 1 signal/min), hit ratio from the API's \`tp_capital_cache_requests_total\` deltas.
- P7: VmRSS of the ingester after the P1 push burst and of the API with the P1 clients connected.

## What limits each figure now
${LIMITS}
`;
}

/**
 * What limits each figure: from profiles taken next to this bench (node --cpu-prof of the API under
 * autocannon, per-statement timings and EXPLAIN ANALYZE of the ingest transaction), not from this run.
 */
export const LIMITS = `Profiled on this machine on 2026-12-03 with \`node --cpu-prof\` (API under autocannon), per-statement
timings of the ingest transaction (pg Client.query wrapped) and EXPLAIN (ANALYZE, BUFFERS). The machine is
2 cores shared with other sessions' test runs (load average 3–4 during these runs): absolute numbers move
run to run, the same-run ratios less so.

- **P1 push** — the commit, not the fan-out. With ONE client at 20 msg/s the push p50 is already ~13 ms, and
  the API's own \`tp_capital_pipeline_latency_seconds\` (gateway receipt → SSE write) averages ~13 ms. One
  \`applyBatch\` of a single new signal takes ~6.5 ms (median, in-process): 5 round trips — BEGIN + SET LOCAL +
  advisory lock 0.55 ms, load 1.1 ms, id/seq allocation 0.45 ms, write 1.4 ms, COMMIT (WAL flush) 0.9 ms — plus
  pool checkout and JS; then Redis PUBLISH → subscriber → broadcast. At 100 msg/s the 2 client processes and the
  SSE writes compete for the same 2 cores, which is what stretches p95/p99. p50 ≤ 5 ms would need fewer round
  trips per commit: fold BEGIN/lock into the load and COMMIT into the write (simple-protocol statements with
  escaped literals — a change to store/transaction.ts, outside this lane), saving ~2 of 5 round trips. Publishing
  before COMMIT is not an option (zero loss). The poll baseline's percentiles depend on where the samples fall
  in the 5 s cycle (few samples in quick mode).
- **P2 ingest** — per 100-message batch ~11–14 ms of database time: load ~2.5–3.5 ms, write ~4–6 ms (inserting
  into three indexed tables, jsonb event payloads), COMMIT ~1–2 ms, allocation ~0.5–1.5 ms, BEGIN ~0.5–0.9 ms,
  plus ~2 ms of JS (parse + plan + JSON). The raw baseline is one round trip into one table per 100 rows.
  **Fixed in this lane:** the batch statements join JSON key lists whose size the planner cannot see (it assumes
  100 rows); once the inbox held a few thousand rows it hashed the WHOLE inbox (versions lookup) and the whole
  signals table (own signals, the UPDATE of changed signals) on every batch — the batch cost grew with the
  table. The ingest transaction now runs with \`SET LOCAL enable_hashjoin = off; SET LOCAL enable_mergejoin = off\`
  (src/store/ingest-repository.ts), so every lookup is a keyed index scan at any table size: ~4.2k → ~7k msg/s
  on 10,000 messages (and no decay with size). What is left: 5 round trips and the index maintenance of three
  tables per batch. Next steps: fold BEGIN and COMMIT into the load/write round trips (store/transaction.ts),
  prepared statements (the write plans in ~0.3–3 ms each time; blocked by PgBouncer transaction mode unless
  \`max_prepared_statements\` is set), and larger batches under burst (see the 500-message figure in latest.json:
  the per-batch cost amortises).
- **P3 REST (src/http, suggestions only)** — cached path profile: the shared rate limiter's Redis INCR per request
  (\`@fastify/rate-limit\` RedisStore → ioredis write) is ~21 % of the API's CPU (writeUtf8String self time is
  that write syscall) and a round trip of latency on every cached hit; the response writev ~13 %; helmet ~5 %
  (parseDirectives/dashify per request); GC ~9 %. Suggestions: (1) rate-limit locally (in-memory store, limit / N
  replicas) or with a local token bucket synced to Redis in batches — or exempt cached \`GET /signals\` hits;
  (2) precompute the static security headers once and set them with one \`reply.headers(obj)\`; drop the
  browser-document headers (CSP, COOP, CORP, Origin-Agent-Cluster, X-Download-Options, X-DNS-Prefetch-Control,
  X-Permitted-Cross-Domain-Policies, X-XSS-Protection) on JSON routes; (3) the body is ~30 KB for 50 signals vs
  17 bytes of hello — the ratio can never reach 1. Uncached path: ~3.5 ms of API CPU per request — pg row parsing
  (parseDate, parseRow), \`rowToView\`, JSON.stringify and GC (15 %), a read-only transaction (BEGIN/query/COMMIT =
  3 round trips), and a 30 KB Redis SET per miss. Suggestion: build the page in PostgreSQL
  (\`SELECT json_build_object('data', coalesce(json_agg(...), '[]'), ...)\` with timestamps formatted in SQL) so the
  API passes one text through, and a single statement instead of a transaction.
- **P4 SSE fan-out** — delivery latency = the P1 commit path + N synchronous socket writes per event (syscall-
  bound, as the API owner found) + the client processes, which run on the same 2 cores and parse every frame.
  One full run (bench/results/full.md): 10,000 clients connected in 3.3 s, 0 lost, 0 duplicated, 17 KiB RSS per
  idle client, delivery p99 784 ms (to-all 885 ms): each event is 10,000 writes of a ~1.2 KB frame (12 MB) and the
  4 client processes must parse 50,000 frames/s, all on 2 cores. Suggestions for src/http: a smaller live frame
  (the full SignalView with \`raw_message\` is most of the bytes; clients could fetch the rest), and coalescing
  the events of one bus message / one tick into one write per client (already one Buffer per event; one write
  for several events cuts the syscalls). RSS per idle client: ~17 KiB at 10,000 and ~19 KiB at 2,000 (fixed
  heap growth weighs more with fewer clients) — just above the 16 KiB target.
- **P1 at 1,000 clients (full run)** — saturated: 100 msg/s × 1,000 clients = 100,000 SSE frames/s (~120 MB/s)
  written by the API and parsed by 2 client processes, on 2 cores shared with PostgreSQL, Redis, the ingester,
  the sim — and, during these runs, other sessions' test suites (top showed ~11 runnable tasks; the API got only
  ~21 % of a core in a probe). Push p50 rose to ~0.7–0.8 s with 0 lost. This box cannot show P1 at 1,000 clients
  without the clients on another machine.
- **P5 startup** — module loading/compilation (compileSourceTextModule, wrapSafe) and the PostgreSQL/Redis
  connections; close to 1 s under load. A bundled build (one file) or a V8 compile cache
  (\`module.enableCompileCache()\`, Node ≥ 22) would cut the load time.
- **P6 cache hit ratio (src/http, suggestion)** — met, but the count is fragile: misses are counted per request,
  before the single-flight. When a new signal changes the latest seq, every concurrent request for the new key
  counts a \`miss\` while only ONE database read happens (\`inFlight\` in http/signals-list.ts): ~3 "misses" per
  new signal on a quiet machine, ~27 per signal (ratio 0.92) in a run of this bench on the loaded machine, where
  the read took longer. Count the requests that join an in-flight read as hits (or as a separate \`coalesced\`
  result): the ratio would then be ~1 − 1/400 ≈ 0.997 whatever the load.
- **P7 memory** — not profiled; the ingester's RSS (~130 MB after the burst) is near its 150 MB bound and is worth
  a heap snapshot (the whole CLI and its dependencies load at start); the API's RSS grows ~11 KiB per SSE client.
`;
