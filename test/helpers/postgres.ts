/**
 * PostgreSQL for the tests, on any machine: TEST_DATABASE_URL when set, else the server on
 * 127.0.0.1:5432 (user postgres) when it answers, else a throwaway cluster started here from the local
 * binaries (initdb/pg_ctl from /usr/lib/postgresql/<version>/bin or PATH, run as the `postgres` OS user
 * when we are root). No server at all is a thrown error that says what to install — never a skip.
 *
 * `startThrowawayPostgres()` is also what outage tests use: a private server they may stop, start
 * again on the same data directory and port, or kill -9, without touching the shared one.
 */
import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);

export interface ProvisionedPostgres {
  /** A URL with CREATE DATABASE rights (the `postgres` database of the server). */
  adminUrl: string;
  /** Stops what provisioning started (nothing, for a server that was already there). */
  stop(): Promise<void>;
}

export interface ThrowawayPostgres {
  url: string;
  port: number;
  dataDir: string;
  /** Fast shutdown; the data directory stays, `start()` brings the same server back on the same port. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** SIGKILL to the postmaster and every backend: a crash, not a shutdown. */
  kill(): Promise<void>;
  /** Stops the server and deletes its files. */
  destroy(): Promise<void>;
}

/** `url` with its database name replaced. */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${encodeURIComponent(database)}`;
  return u.toString();
}

export async function canConnect(url: string, timeoutMs = 2000): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: timeoutMs });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

export async function provisionPostgres(): Promise<ProvisionedPostgres> {
  const fromEnv = process.env.TEST_DATABASE_URL;
  if (fromEnv) {
    if (!(await canConnect(fromEnv, 5000))) {
      throw new Error('TEST_DATABASE_URL is set but no PostgreSQL answers there (or it refuses the login)');
    }
    return { adminUrl: fromEnv, stop: async () => undefined };
  }
  const local = 'postgres://postgres@127.0.0.1:5432/postgres';
  if (await canConnect(local)) return { adminUrl: local, stop: async () => undefined };
  const server = await startThrowawayPostgres();
  return { adminUrl: server.url, stop: () => server.destroy() };
}

function findBinDir(): string {
  const root = '/usr/lib/postgresql';
  if (existsSync(root)) {
    const versions = readdirSync(root)
      .filter((v) => existsSync(join(root, v, 'bin', 'initdb')) && existsSync(join(root, v, 'bin', 'pg_ctl')))
      .sort((a, b) => Number(b) - Number(a));
    if (versions[0]) return join(root, versions[0], 'bin');
  }
  for (const dir of (process.env.PATH ?? '').split(':')) {
    if (dir && existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl'))) return dir;
  }
  throw new Error(
    'No PostgreSQL for the tests: TEST_DATABASE_URL is unset, nothing answers on 127.0.0.1:5432, and no ' +
      'initdb/pg_ctl were found (looked in /usr/lib/postgresql/*/bin and PATH). Install PostgreSQL ' +
      '(e.g. `apt-get install postgresql`) or set TEST_DATABASE_URL.',
  );
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

function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/** Runs a PostgreSQL binary, as the `postgres` OS user when we are root (initdb refuses root). */
async function pgBin(binDir: string, name: string, args: string[]): Promise<string> {
  const file = join(binDir, name);
  const [cmd, argv] = isRoot() ? ['runuser', ['-u', 'postgres', '--', file, ...args]] : [file, args];
  const { stdout } = await run(cmd, argv, { timeout: 120_000 });
  return stdout;
}

function processTree(rootPid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const list = children.get(ppid) ?? [];
      list.push(Number(entry));
      children.set(ppid, list);
    } catch {
      // the process ended while we looked
    }
  }
  const out: number[] = [];
  const walk = (pid: number) => {
    out.push(pid);
    for (const child of children.get(pid) ?? []) walk(child);
  };
  walk(rootPid);
  return out;
}

/** Exited, or a zombie nobody reaps (PID 1 of a container may not). */
function isGone(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return true;
  }
}

async function waitUntil(
  check: () => boolean | Promise<boolean>,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function startThrowawayPostgres(): Promise<ThrowawayPostgres> {
  const binDir = findBinDir();
  const base = mkdtempSync(join(tmpdir(), 'tpc-pg-'));
  if (isRoot()) {
    const { stdout: uid } = await run('id', ['-u', 'postgres']);
    const { stdout: gid } = await run('id', ['-g', 'postgres']);
    chownSync(base, Number(uid.trim()), Number(gid.trim()));
  }
  const dataDir = join(base, 'data');
  const logFile = join(base, 'server.log');
  const port = await freePort();
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  await pgBin(binDir, 'initdb', [
    '-D',
    dataDir,
    '-U',
    'postgres',
    '-A',
    'trust',
    '-E',
    'UTF8',
    '--locale=C',
    '-N',
  ]);
  const serverOptions = [
    `-p ${port}`,
    '-c listen_addresses=127.0.0.1',
    `-c unix_socket_directories=${base}`,
    // Skipping fsync only risks data on an OS crash; a killed server (kill()) still loses no commit,
    // which outage tests rely on — so synchronous_commit stays on.
    '-c fsync=off',
    '-c full_page_writes=off',
  ].join(' ');

  const logTail = () => {
    try {
      return readFileSync(logFile, 'utf8').split('\n').slice(-15).join('\n');
    } catch {
      return '(no server log)';
    }
  };
  const postmasterPid = (): number | null => {
    try {
      return Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    } catch {
      return null;
    }
  };

  const server: ThrowawayPostgres = {
    url,
    port,
    dataDir,
    async start() {
      try {
        await pgBin(binDir, 'pg_ctl', [
          '-D',
          dataDir,
          '-l',
          logFile,
          '-w',
          '-t',
          '60',
          '-o',
          serverOptions,
          'start',
        ]);
      } catch (error) {
        throw new Error(`throwaway PostgreSQL did not start:\n${logTail()}`, { cause: error });
      }
    },
    async stop() {
      if (postmasterPid() === null) return;
      await pgBin(binDir, 'pg_ctl', ['-D', dataDir, '-m', 'fast', '-w', 'stop']);
    },
    async kill() {
      const pid = postmasterPid();
      if (pid === null) return;
      const pids = processTree(pid);
      for (const p of pids) {
        try {
          process.kill(p, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      await waitUntil(() => pids.every(isGone), 10_000, 'the killed server to exit');
      // PostgreSQL takes a lingering zombie for a live postmaster and would refuse to start; every
      // process of the old server is dead, so its lock files are safe to remove.
      rmSync(join(dataDir, 'postmaster.pid'), { force: true });
      rmSync(join(base, `.s.PGSQL.${port}.lock`), { force: true });
      rmSync(join(base, `.s.PGSQL.${port}`), { force: true });
    },
    async destroy() {
      await server.stop().catch(() => server.kill());
      rmSync(base, { recursive: true, force: true });
    },
  };
  await server.start();
  return server;
}
