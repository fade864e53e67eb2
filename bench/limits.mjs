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
- P4: RSS per client = (API VmRSS after connecting + 3 s idle − before) / clients; p99 over every delivery (sim emission → client), "to all" = emission → last client.
- P5: spawn of \`tp-capital api\` → first 200 on /health, existing migrated DB, Redis on. \`start\` (embedded PostgreSQL) is not measured.
- P6: 100 dashboards every 150 ms + 1 new signal per 600 ms (400 polls per signal, as 100 dashboards/15 s vs 1 signal/min), hit ratio from the API's \`tp_capital_cache_requests_total\` deltas.
- P7: VmRSS of the ingester after the P1 push burst and of the API with the P1 clients connected.

## What limits each figure now
${LIMITS}
`;
}

export const LIMITS = `(filled in after profiling)`;
