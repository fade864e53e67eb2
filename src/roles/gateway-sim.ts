/**
 * `tp-capital gateway-sim`: the stand-in Telegram Gateway as a process. Serves until SIGINT/SIGTERM (or
 * the abort signal a test hands to serveGatewaySim), then ends its streams and closes within a second.
 */
import { z } from 'zod';
import { loadConfig } from '../config.js';
import { AppError } from '../errors.js';
import { createLogger } from '../logger.js';
import { createGatewaySim } from '../sim/gateway-sim.js';
import { type CommandIo, defineCommand, EXIT_FAILURE, EXIT_OK, UsageError } from './command.js';

const HELP = `Usage: tp-capital gateway-sim [options]

A stand-in Telegram Gateway served from memory (GATEWAY-CONTRACT.md): the event stream
GET /api/messages/stream, polling GET /api/messages/unprocessed, POST /api/messages/mark-processed
and GET /health, plus a control API under /__sim/ (inject messages, drop streams, fail the next N
requests, stall streams, go down / come back, pause the feed, report what was emitted).

Options:
  --port N          port to listen on (default: GATEWAY_SIM_PORT, 4010; 0 picks a free port)
  --host HOST       address to listen on (default: 127.0.0.1)
  --feed FEED       demo (generated TP Capital posts), none (only what /__sim/ injects), or the path
                    of a .jsonl file, one gateway message object a line (default: demo)
  --rate N          feed messages per second, decimals allowed; 0 = only injected (default: 1)
  --seed N          seed of the demo feed: the same seed gives the same posts (default: 1)
  --api-key KEY     require this key (X-API-Key, X-Gateway-Token or Authorization: Bearer) on the
                    gateway endpoints (default: TELEGRAM_GATEWAY_API_KEY when set, else no auth)
  --channel=ID      channel id of the feed's messages (default: TP_CAPITAL_SIGNALS_CHANNEL_ID,
                    -1001649127710); write it with '=' as channel ids start with a dash
  --ping-ms N       interval of the streams' ping events (default: 15000)
  -h, --help        show this help

A bad feed file stops the start with the line number, exit code 2.

Examples:
  tp-capital gateway-sim
  tp-capital gateway-sim --port 0 --feed none --rate 0 --channel=-1001649127710
  tp-capital gateway-sim --feed test/fixtures/feed.jsonl --rate 200 --api-key secret
  curl -N 'http://127.0.0.1:4010/api/messages/stream?channel=-1001649127710'
  curl -X POST http://127.0.0.1:4010/__sim/drop-streams`;

const integer = (name: string, min: number, max: number) =>
  z.coerce
    .number({ error: `${name} must be a number` })
    .int(`${name} must be an integer`)
    .min(min, `${name} must be at least ${min}`)
    .max(max, `${name} must be at most ${max}`);

const schema = z.strictObject({
  port: integer('port', 0, 65_535).optional(),
  host: z.string().min(1).default('127.0.0.1'),
  feed: z.string().min(1).default('demo'),
  rate: z.coerce
    .number({ error: 'rate must be a number' })
    .min(0, 'rate must be 0 or more')
    .max(100_000, 'rate must be at most 100000')
    .default(1),
  seed: integer('seed', 0, 2 ** 32 - 1).default(1),
  'api-key': z.string().min(1, 'api-key must not be empty').optional(),
  channel: z
    .string()
    .regex(/^-?\d{1,20}$/, 'channel must be a numeric Telegram channel id')
    .optional(),
  'ping-ms': integer('ping-ms', 10, 600_000).default(15_000),
});

export type GatewaySimArgs = z.output<typeof schema>;

/** Runs the sim until `stop` aborts. Exported so that tests can run the role in-process. */
export async function serveGatewaySim(
  args: GatewaySimArgs,
  io: CommandIo,
  stop: AbortSignal,
): Promise<number> {
  const config = loadConfig(io.env);
  const log = createLogger({ level: config.LOG_LEVEL, name: 'gateway-sim', destination: io.stdout });
  let sim: Awaited<ReturnType<typeof createGatewaySim>>;
  try {
    sim = await createGatewaySim({
      port: args.port ?? config.GATEWAY_SIM_PORT,
      host: args.host,
      feed: args.feed,
      rate: args.rate,
      seed: args.seed,
      apiKey: args['api-key'] ?? config.TELEGRAM_GATEWAY_API_KEY ?? null,
      channelId: args.channel ?? config.TP_CAPITAL_SIGNALS_CHANNEL_ID,
      pingMs: args['ping-ms'],
      log,
    });
  } catch (error) {
    if (error instanceof AppError && error.code === 'BAD_REQUEST') throw new UsageError(error.message);
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      io.stderr.write(
        `tp-capital gateway-sim: ${args.host}:${args.port ?? config.GATEWAY_SIM_PORT} is already in use\n`,
      );
      return EXIT_FAILURE;
    }
    throw error;
  }
  if (!stop.aborted) await new Promise((resolve) => stop.addEventListener('abort', resolve, { once: true }));
  log.info({ reason: String(stop.reason ?? 'stop') }, 'gateway-sim stopping');
  await sim.close();
  // Flush pino's asynchronous destination before the caller exits.
  await new Promise<void>((resolve) => log.flush(() => resolve()));
  return EXIT_OK;
}

export const gatewaySimCommand = defineCommand({
  name: 'gateway-sim',
  summary: 'a stand-in Telegram Gateway (stream, polling, ack, faults) for the demo, tests and benchmarks',
  help: HELP,
  options: {
    port: { type: 'string' },
    host: { type: 'string' },
    feed: { type: 'string' },
    rate: { type: 'string' },
    seed: { type: 'string' },
    'api-key': { type: 'string' },
    channel: { type: 'string' },
    'ping-ms': { type: 'string' },
  },
  schema,
  async run(args, io) {
    const controller = new AbortController();
    const onSignal = (signal: NodeJS.Signals) => controller.abort(signal);
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    try {
      return await serveGatewaySim(args, io, controller.signal);
    } finally {
      process.removeListener('SIGINT', onSignal);
      process.removeListener('SIGTERM', onSignal);
    }
  },
});
