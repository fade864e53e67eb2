/**
 * A real PgBouncer (the local `pgbouncer` binary, Debian's package) in front of a test PostgreSQL,
 * so that tests can prove the app works through transaction pooling: a server connection is lent to a
 * client for one transaction only, and a small pool makes several clients share the same few server
 * connections. `[databases] * = …` routes every database name through, so cloned test databases need
 * no configuration. Started as the `postgres` OS user when we are root (PgBouncer refuses root).
 */
import { execFile, spawn } from 'node:child_process';
import {
  chownSync,
  closeSync,
  existsSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);

export interface PgBouncerOptions {
  upstreamHost: string;
  upstreamPort: number;
  /** The role clients log in as; PgBouncer logs in to PostgreSQL with the same name. */
  user?: string;
  /** Only for an upstream that wants one; PgBouncer itself lets clients in without (auth_type trust). */
  password?: string;
  /** Server connections per database (and user). Small, so that clients really share them. */
  poolSize?: number;
  poolMode?: 'transaction' | 'session' | 'statement';
}

export interface PgBouncer {
  port: number;
  /** A URL that reaches `dbName` on the upstream server through PgBouncer. */
  urlFor(dbName: string): string;
  /** The admin console (`SHOW POOLS`, `SHOW STATS`, …), as the same user (an admin_user). */
  adminUrl: string;
  /** PgBouncer's own log so far (errors are logged; connections are not). */
  log(): string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Debian installs it in /usr/sbin, which a non-root user's PATH often lacks. */
function findPgBouncer(): string {
  const dirs = [...(process.env.PATH ?? '').split(':'), '/usr/sbin', '/usr/local/sbin'];
  for (const dir of dirs) {
    if (dir && existsSync(join(dir, 'pgbouncer'))) return join(dir, 'pgbouncer');
  }
  throw new Error('pgbouncer not found (PATH, /usr/sbin): install it, e.g. `apt-get install pgbouncer`');
}

function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/** A quoted auth-file field ("" escapes a quote). */
const authQuote = (value: string) => `"${value.replace(/"/g, '""')}"`;

function configText(
  options: Required<Omit<PgBouncerOptions, 'password'>>,
  port: number,
  dir: string,
): string {
  return `[databases]
* = host=${options.upstreamHost} port=${options.upstreamPort}

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = ${port}
;; TCP only: the tests use nothing else, and no socket file is left in a shared directory.
unix_socket_dir =
auth_type = trust
auth_file = ${join(dir, 'userlist.txt')}
admin_users = ${options.user}
pool_mode = ${options.poolMode}
default_pool_size = ${options.poolSize}
min_pool_size = 0
reserve_pool_size = 0
;; Many clients (every test's pools and plain clients) over a few server connections.
max_client_conn = 500
;; Transaction mode never resets a server connection between clients (the DISCARD ALL default applies
;; to session mode only): what a client leaves in the session (SET, prepared statements, temp tables)
;; is what the next client gets. Empty here to say so; production behaves the same.
server_reset_query =
;; A client stuck behind a full pool fails within a test's timeout instead of hanging it.
query_wait_timeout = 30
server_connect_timeout = 5
server_login_retry = 1
;; node-postgres sends only user, database and application_name (which PgBouncer tracks itself), so
;; nothing has to be ignored; psql-like tools may send extra_float_digits.
ignore_startup_parameters = extra_float_digits
log_connections = 0
log_disconnections = 0
log_pooler_errors = 1
`;
}

async function waitForConsole(
  adminUrl: string,
  exited: () => string | null,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const why = exited();
    if (why !== null) throw new Error(why);
    const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 1000 });
    client.on('error', () => undefined);
    try {
      await client.connect();
      // The admin console speaks the simple query protocol only: a query without parameters.
      await client.query('SHOW VERSION');
      return;
    } catch (error) {
      if (Date.now() > deadline)
        throw new Error('PgBouncer did not accept connections in time', { cause: error });
    } finally {
      await client.end().catch(() => undefined);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function startOnce(
  options: Required<Omit<PgBouncerOptions, 'password'>> & { password?: string },
): Promise<PgBouncer> {
  const dir = mkdtempSync(join(tmpdir(), 'tpc-pgbouncer-'));
  const port = await freePort();
  const user = encodeURIComponent(options.user);
  const auth = options.password === undefined ? '' : `:${encodeURIComponent(options.password)}`;
  const urlFor = (dbName: string) =>
    `postgres://${user}${auth}@127.0.0.1:${port}/${encodeURIComponent(dbName)}`;
  const configFile = join(dir, 'pgbouncer.ini');
  const logFile = join(dir, 'pgbouncer.log');
  writeFileSync(configFile, configText(options, port, dir));
  // With auth_type trust only the name counts; a password here is what PgBouncer logs in upstream with.
  writeFileSync(
    join(dir, 'userlist.txt'),
    `${authQuote(options.user)} ${authQuote(options.password ?? '')}\n`,
  );

  const args = [configFile];
  if (isRoot()) {
    // PgBouncer drops to this user itself (-u); it reads its files again on reload, as that user.
    const { stdout: uid } = await run('id', ['-u', 'postgres']);
    const { stdout: gid } = await run('id', ['-g', 'postgres']);
    for (const path of [dir, configFile, join(dir, 'userlist.txt')]) {
      chownSync(path, Number(uid.trim()), Number(gid.trim()));
    }
    args.unshift('-u', 'postgres');
  }
  const logFd = openSync(logFile, 'a');
  const child = spawn(findPgBouncer(), args, { stdio: ['ignore', logFd, logFd] });
  closeSync(logFd);
  let finalLog: string | undefined;
  const log = () => {
    if (finalLog !== undefined) return finalLog;
    try {
      return readFileSync(logFile, 'utf8');
    } catch {
      return '';
    }
  };
  let exit: string | null = null;
  const exited = new Promise<void>((resolve) => {
    child.once('error', (error) => {
      exit = `pgbouncer could not be started: ${error.message}`;
      resolve();
    });
    child.once('exit', (code, signal) => {
      exit ??= `pgbouncer exited (code ${code}, signal ${signal}):\n${log().split('\n').slice(-10).join('\n')}`;
      resolve();
    });
  });

  const adminUrl = urlFor('pgbouncer');
  const stop = async () => {
    // SIGTERM is PgBouncer's immediate shutdown: it closes client and server connections at once.
    if (exit === null) child.kill('SIGTERM');
    await exited;
    finalLog = log();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitForConsole(adminUrl, () => exit, 10_000);
  } catch (error) {
    await stop();
    throw error;
  }
  return { port, urlFor, adminUrl, log, stop };
}

export async function startPgBouncer(options: PgBouncerOptions): Promise<PgBouncer> {
  const resolved = {
    upstreamHost: options.upstreamHost,
    upstreamPort: options.upstreamPort,
    user: options.user ?? 'postgres',
    poolSize: options.poolSize ?? 3,
    poolMode: options.poolMode ?? 'transaction',
    ...(options.password === undefined ? {} : { password: options.password }),
  };
  // The free port is found before PgBouncer binds it: another process may take it in between.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(resolved);
    } catch (error) {
      if (attempt >= 3 || !/Address already in use/.test(String((error as Error).message))) throw error;
    }
  }
}

/** Where a PostgreSQL URL points, for `startPgBouncer`. */
export function upstreamOf(
  url: string,
): Pick<PgBouncerOptions, 'upstreamHost' | 'upstreamPort' | 'user' | 'password'> {
  const u = new URL(url);
  return {
    upstreamHost: u.hostname || '127.0.0.1',
    upstreamPort: Number(u.port || 5432),
    user: decodeURIComponent(u.username) || 'postgres',
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
  };
}
