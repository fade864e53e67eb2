/**
 * `tp-capital status`: asks a running API for /ready and prints breaker, mode, lag, SSE clients and
 * counts in a few lines — what an operator wants to see first.
 */
import { z } from 'zod';
import { loadConfig } from '../config.js';
import { type CommandIo, defineCommand, EXIT_FAILURE, EXIT_OK } from './command.js';

const HELP = `Usage: tp-capital status [options]

Prints the state of a running TP-Capital (GET /ready): overall status, database, Redis, the gateway's
mode and breaker, ingest lag, the ingester's role and commits, SSE clients and the latest event seq.

Options:
  --url URL     the API (default: http://127.0.0.1:<PORT>, PORT from the environment, 4005)
  --json        print /ready's JSON as it is
  -h, --help    show this help

Exit status: 0 when healthy or degraded, 1 when unhealthy or unreachable, 2 on bad usage.`;

const schema = z.strictObject({
  url: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }).optional(),
  json: z.boolean().optional(),
});

const dependency = z.object({
  status: z.string(),
  latencyMs: z.number().nullable(),
  error: z.string().optional(),
});
const readySchema = z.object({
  status: z.enum(['healthy', 'degraded', 'unhealthy']),
  checks: z.object({
    database: dependency,
    redis: dependency,
    gateway: z.object({
      mode: z.string().nullable(),
      breaker: z.string().nullable(),
      lagSeconds: z.number().nullable(),
    }),
    ingester: z.object({
      role: z.string(),
      lastCommitAt: z.string().nullable(),
      committed: z.number().nullable(),
    }),
    stream: z.object({ clients: z.number(), lastSeq: z.number().nullable(), live: z.boolean() }),
  }),
  warnings: z.array(z.string()),
});
export type ReadyReport = z.infer<typeof readySchema>;

export function formatStatus(ready: ReadyReport): string {
  const { database, redis, gateway, ingester, stream } = ready.checks;
  const dep = (d: z.infer<typeof dependency>) =>
    d.status === 'up' ? `up (${d.latencyMs} ms)` : `${d.status}${d.error ? ` (${d.error})` : ''}`;
  const lines = [
    `status     ${ready.status}`,
    `database   ${dep(database)}`,
    `redis      ${dep(redis)}`,
    `gateway    mode ${gateway.mode ?? '—'} · breaker ${gateway.breaker ?? '—'} · lag ${
      gateway.lagSeconds === null ? '—' : `${gateway.lagSeconds} s`
    }`,
    `ingester   ${ingester.role} · ${ingester.committed ?? '—'} committed · last commit ${ingester.lastCommitAt ?? '—'}`,
    `stream     ${stream.clients} SSE clients · last seq ${stream.lastSeq ?? '—'} · bus ${stream.live ? 'live' : 'down'}`,
    ...ready.warnings.map((w) => `warning    ${w}`),
  ];
  return lines.join('\n');
}

export const statusCommand = defineCommand({
  name: 'status',
  summary: "a running instance's breaker, mode, lag, SSE clients and counts (from /ready)",
  help: HELP,
  options: { url: { type: 'string' }, json: { type: 'boolean' } },
  schema,
  async run(args, io: CommandIo) {
    const base = args.url ?? `http://127.0.0.1:${loadConfig(io.env).PORT}`;
    let response: Response;
    try {
      response = await fetch(new URL('/ready', base), { signal: AbortSignal.timeout(5000) });
    } catch (error) {
      io.stderr.write(`tp-capital status: ${base} does not answer (${(error as Error).message})\n`);
      return EXIT_FAILURE;
    }
    const body: unknown = await response.json().catch(() => null);
    const ready = readySchema.safeParse(body);
    if (!ready.success) {
      io.stderr.write(
        `tp-capital status: ${base}/ready answered ${response.status} without a readiness report\n`,
      );
      return EXIT_FAILURE;
    }
    io.stdout.write(`${args.json ? JSON.stringify(body, null, 2) : formatStatus(ready.data)}\n`);
    return ready.data.status === 'unhealthy' ? EXIT_FAILURE : EXIT_OK;
  },
});
