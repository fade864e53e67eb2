/**
 * `tp-capital start` (`npm start`): everything in one process group on embedded defaults. Each of
 * DATABASE_URL, REDIS_URL (or REDIS_SENTINELS) and TELEGRAM_GATEWAY_URL switches its part to the real
 * service; otherwise: embedded PostgreSQL under DATA_DIR, the in-memory bus and cache, gateway-sim
 * with the demo feed. Migrations run automatically. The terminal gets a short summary and one line per
 * gateway mode change; the JSON logs go to DATA_DIR/tp-capital.log.
 */
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import closeWithGrace from 'close-with-grace';
import { z } from 'zod';
import { type Config, loadConfig } from '../config.js';
import type { IngestStatus } from '../domain/ingest-status.js';
import { createLogger } from '../logger.js';
import { createMetrics } from '../metrics.js';
import { createGatewaySim, type GatewaySim } from '../sim/gateway-sim.js';
import { type EmbeddedPostgres, startEmbeddedPostgres } from '../store/embedded-postgres.js';
import { runMigrations } from '../store/index.js';
import { startApi } from './api.js';
import { type CommandIo, defineCommand, EXIT_OK } from './command.js';
import { startIngest } from './ingest.js';
import { openBusParts } from './shared-parts.js';
import { loadOrCreateSecrets } from './start-secrets.js';

const HELP = `Usage: tp-capital start [options]

Runs the whole service in one process group: the ingester and the API with the live dashboard.
With no configuration at all it uses embedded defaults:
  database   an embedded PostgreSQL under DATA_DIR (./data), migrated automatically
  bus/cache  in-process
  gateway    the built-in gateway-sim with a demo feed of TP Capital posts on GATEWAY_SIM_PORT (4010)
  API key    generated on the first start and kept in DATA_DIR/secrets.json
Each of DATABASE_URL, REDIS_URL (or REDIS_SENTINELS) and TELEGRAM_GATEWAY_URL switches that part to
the real service; TP_CAPITAL_API_KEY replaces the generated key. Ctrl-C (SIGINT) or SIGTERM stops
every part within SHUTDOWN_GRACE_MS; the next start keeps every earlier signal.

Options:
  --port N          the API and dashboard (default: PORT, 4005)
  --demo-rate N     demo feed messages per second (default 0.5; 0 = only what is injected)
  -h, --help        show this help

The terminal shows the URLs, the key and one line per gateway mode change; JSON logs go to
DATA_DIR/tp-capital.log. \`tp-capital status\` prints the running instance's state.`;

const schema = z.strictObject({
  port: z.coerce.number({ error: 'must be a number' }).int().min(0).max(65_535).optional(),
  'demo-rate': z.coerce.number({ error: 'must be a number' }).min(0).max(1000).optional(),
});

interface Part {
  name: string;
  close(): Promise<void>;
}

/** One terminal line per change of the gateway mode or breaker state. */
function watchMode(status: () => IngestStatus, print: (line: string) => void): () => void {
  let last = '';
  const timer = setInterval(() => {
    const { mode, breaker, role } = status();
    const now = `${role} · ${mode ?? '—'} · breaker ${breaker ?? '—'}`;
    if (now !== last) {
      const time = new Date().toLocaleTimeString('en-GB', { hour12: false });
      print(`${time}  ingester ${now}`);
      last = now;
    }
  }, 250);
  return () => clearInterval(timer);
}

export const startCommand = defineCommand({
  name: 'start',
  summary: 'everything in one process: embedded defaults, ingester, API and live dashboard (npm start)',
  help: HELP,
  options: { port: { type: 'string' }, 'demo-rate': { type: 'string' } },
  schema,
  async run(args, io: CommandIo) {
    const began = performance.now();
    const loaded = loadConfig(io.env);
    const print = (line = '') => io.stdout.write(`${line}\n`);
    const dataDir = resolve(loaded.DATA_DIR);
    await mkdir(dataDir, { recursive: true, mode: 0o755 });
    const logFile = resolve(dataDir, 'tp-capital.log');
    const log = createLogger({ level: loaded.LOG_LEVEL, name: 'start', file: logFile });
    const secrets = await loadOrCreateSecrets(dataDir);
    const stack: Part[] = [];
    let stopping = false;

    const stop = async () => {
      stopping = true;
      // Last started, first stopped: the API drains its streams, the ingester commits what it holds,
      // then the gateway-sim and the database go.
      for (const part of stack.reverse()) {
        await part
          .close()
          .catch((error: unknown) => log.error({ err: error, part: part.name }, 'stop failed'));
      }
      await new Promise<void>((flushed) => log.flush(() => flushed()));
    };

    try {
      let embedded: EmbeddedPostgres | null = null;
      if (!loaded.DATABASE_URL) {
        embedded = await startEmbeddedPostgres({ dataDir, password: secrets.postgresPassword, log });
        stack.push({ name: 'embedded PostgreSQL', close: embedded.stop });
      }
      const databaseUrl = loaded.DATABASE_URL ?? embedded!.url;
      await runMigrations(databaseUrl, log);

      let sim: GatewaySim | null = null;
      if (!loaded.TELEGRAM_GATEWAY_URL) {
        sim = await createGatewaySim({
          port: loaded.GATEWAY_SIM_PORT,
          host: '127.0.0.1',
          channelId: loaded.TP_CAPITAL_SIGNALS_CHANNEL_ID,
          feed: 'demo',
          rate: args['demo-rate'] ?? 0.5,
          seed: Date.now() % 1_000_000,
          log: log.child({ module: 'gateway-sim' }),
        });
        stack.push({ name: 'gateway-sim', close: sim.close });
      }
      const gatewayUrl = loaded.TELEGRAM_GATEWAY_URL ?? sim!.url;

      const config: Config = Object.freeze({
        ...loaded,
        DATABASE_URL: databaseUrl,
        TP_CAPITAL_API_KEY: loaded.TP_CAPITAL_API_KEY ?? [secrets.apiKey],
        SESSION_SECRET: loaded.SESSION_SECRET ?? secrets.sessionSecret,
      });
      const metrics = createMetrics();
      const parts = await openBusParts(config, log);
      stack.push({ name: 'bus and cache', close: () => parts.close() });
      const ingest = await startIngest(config, { gatewayUrl, databaseUrl }, log, { metrics, parts });
      stack.push({ name: 'ingester', close: ingest.close });
      const api = await startApi({ ...(args.port === undefined ? {} : { port: args.port }) }, config, log, {
        metrics,
        parts,
        ingestStatus: async () => ingest.ingester.status(),
      });
      stack.push({ name: 'api', close: api.close });

      const port = new URL(api.url).port;
      const base = `http://localhost:${port}`;
      const key = loaded.TP_CAPITAL_API_KEY ? '(from TP_CAPITAL_API_KEY)' : secrets.apiKey;
      print(`TP-Capital is running — ready in ${((performance.now() - began) / 1000).toFixed(1)} s`);
      print();
      print(`  dashboard  ${base}/`);
      print(
        `  API key    ${key}${loaded.TP_CAPITAL_API_KEY ? '' : `   (kept in ${resolve(dataDir, 'secrets.json')})`}`,
      );
      print(`  REST       curl -H "X-API-Key: <key>" ${base}/signals`);
      print(`  live       curl -N -H "X-API-Key: <key>" ${base}/signals/stream`);
      print(`  status     npx tp-capital status --url ${base}`);
      print();
      print(
        `  database   ${embedded ? `embedded PostgreSQL (${resolve(dataDir, 'postgres')}, 127.0.0.1:${embedded.port})` : 'DATABASE_URL'}`,
      );
      print(`  bus/cache  ${parts.redis ? `Redis (${parts.redis.status().mode})` : 'in-process (memory)'}`);
      print(`  gateway    ${sim ? `built-in gateway-sim with the demo feed (${sim.url})` : gatewayUrl}`);
      print(`  logs       ${logFile}`);
      print();
      print('Ctrl-C stops everything.');
      const unwatch = watchMode(() => ingest.ingester.status(), print);
      stack.push({ name: 'mode watch', close: async () => unwatch() });
    } catch (error) {
      await stop();
      throw error;
    }

    await new Promise<void>((resolveStop) => {
      closeWithGrace({ delay: loaded.SHUTDOWN_GRACE_MS }, async ({ signal, err }) => {
        if (stopping) return;
        if (err) log.error({ err }, 'fatal error: stopping');
        print(`\n${signal ?? 'error'}: stopping…`);
        const t0 = performance.now();
        await stop();
        print(`stopped in ${Math.round(performance.now() - t0)} ms`);
        resolveStop();
      });
    });
    return EXIT_OK;
  },
});
