/**
 * The service as three real processes sharing a Redis bus: `gateway-sim` (no feed: only what a test
 * injects), `ingest` and `api`, on a database cloned from the migrated template. Separate processes so
 * that a test can stop and restart the API while the ingester keeps ingesting.
 */
import { randomBytes } from 'node:crypto';
import { createSimControlClient, type SimControlClient } from '../../../src/sim/control-client.js';
import { cleanupPrefix, randomPrefix, redisUrl } from '../../helpers/redis.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/test-database.js';
import { type Child, cleanEnv, freePort, spawnCli, waitForHttp } from './processes.js';

export interface Stack {
  apiUrl: string;
  apiKey: string;
  sim: SimControlClient;
  api(): Child;
  /** SIGTERMs the API and waits for its exit (code 0 expected). */
  stopApi(): Promise<number | string>;
  startApi(): Promise<void>;
  close(): Promise<void>;
}

export async function startStack(): Promise<Stack> {
  const database: TestDatabase = await createTestDatabase();
  const prefix = randomPrefix();
  const apiKey = `tpc_e2e_${randomBytes(12).toString('hex')}`;
  const [simPort, apiPort] = [await freePort(), await freePort()];
  const simUrl = `http://127.0.0.1:${simPort}`;
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  const shared = {
    DATABASE_URL: database.url,
    REDIS_URL: redisUrl(),
    REDIS_KEY_PREFIX: prefix,
    LOG_LEVEL: 'warn',
  };
  // Signed sessions survive the API's restart only with a fixed secret.
  const sessionSecret = randomBytes(24).toString('hex');
  const children: Child[] = [];

  const sim = spawnCli(
    'gateway-sim',
    ['gateway-sim', '--port', String(simPort), '--feed', 'none', '--rate', '0'],
    {
      env: cleanEnv({ LOG_LEVEL: 'warn' }),
    },
  );
  children.push(sim);
  await waitForHttp(`${simUrl}/health`, 15_000);
  const control = createSimControlClient(simUrl, { timeoutMs: 5000 });

  const ingest = spawnCli('ingest', ['ingest'], {
    env: cleanEnv({ ...shared, TELEGRAM_GATEWAY_URL: simUrl, INGEST_BATCH_WAIT_MS: '5' }),
  });
  children.push(ingest);
  // The ingester is ready once it holds a stream open on the sim.
  const deadline = Date.now() + 20_000;
  while ((await control.stats()).openStreams < 1) {
    if (Date.now() > deadline || !ingest.alive())
      throw new Error(`ingester not streaming:\n${ingest.output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }

  let api: Child | null = null;
  const startApi = async () => {
    api = spawnCli('api', ['api', '--port', String(apiPort), '--host', '127.0.0.1'], {
      env: cleanEnv({
        ...shared,
        TP_CAPITAL_API_KEY: apiKey,
        SESSION_SECRET: sessionSecret,
        SSE_PING_MS: '2000',
      }),
    });
    children.push(api);
    await waitForHttp(`${apiUrl}/health`, 20_000);
  };
  await startApi();

  return {
    apiUrl,
    apiKey,
    sim: control,
    api: () => api as unknown as Child,
    async stopApi() {
      const { code } = await (api as unknown as Child).stop('SIGTERM', 8000);
      return code;
    },
    startApi,
    async close() {
      // API first, then the ingester (it commits what it holds), then the sim.
      for (const child of children.reverse()) await child.stop('SIGTERM', 8000).catch(() => undefined);
      await database.drop();
      await cleanupPrefix(redisUrl(), prefix);
    },
  };
}
