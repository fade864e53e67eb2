/**
 * Child process: the real API (startApi, configured from the environment like `tp-capital api`) and,
 * in the SAME process, a bare Fastify "hello" route on another port — P3's baseline. Prints one JSON
 * line `{"api": url, "hello": url}` when both listen; SIGTERM closes both.
 */
import Fastify from 'fastify';
import { loadConfig } from '../dist/config.js';
import { createLogger } from '../dist/logger.js';
import { startApi } from '../dist/roles/api.js';

const [apiPort, helloPort] = process.argv.slice(2).map(Number);
const config = loadConfig(process.env);
const log = createLogger({ level: config.LOG_LEVEL, name: 'bench-api' });
const api = await startApi({ port: apiPort, host: '127.0.0.1' }, config, log);
const hello = Fastify({ logger: false });
hello.get('/hello', async () => ({ hello: 'world' }));
const helloUrl = await hello.listen({ port: helloPort, host: '127.0.0.1' });
process.stdout.write(`${JSON.stringify({ api: api.url, hello: helloUrl })}\n`);

process.once('SIGTERM', async () => {
  await Promise.allSettled([hello.close(), api.close()]);
  process.exit(0);
});
