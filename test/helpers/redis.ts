/**
 * Redis for tests. Tests that only read and write use the shared server (REDIS_URL or 127.0.0.1:6379)
 * under a random key prefix and clean it up. Tests that stop, kill or fail over a server start their
 * own throwaway `redis-server` processes here, never touching the shared one.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';

export function redisUrl(): string {
  return process.env.TEST_REDIS_URL || 'redis://127.0.0.1:6379';
}

export function randomPrefix(): string {
  return `test:${randomUUID().slice(0, 8)}:`;
}

/** Deletes every key under `prefix` on the server at `url`. */
export async function cleanupPrefix(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1, connectTimeout: 2000 });
  try {
    const pattern = `${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`;
    for await (const keys of redis.scanStream({ match: pattern, count: 500 })) {
      if ((keys as string[]).length > 0) await redis.unlink(...(keys as string[]));
    }
  } finally {
    redis.disconnect();
  }
}

/** Polls `check` until it returns a value other than undefined/false, or throws after `timeoutMs`. */
export async function pollUntil<T>(
  check: () => Promise<T | undefined | false> | T | undefined | false,
  { timeoutMs = 10_000, intervalMs = 50, what = 'condition' } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`, { cause: lastError });
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

export function freePort(): Promise<number> {
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

let binary: string | undefined;
function redisServerBinary(): string {
  binary ??= execFileSync('which', ['redis-server'], { encoding: 'utf8' }).trim();
  return binary;
}

// Children outlive a crashed test worker unless someone kills them.
const children = new Set<ChildProcess>();
let exitHookInstalled = false;
function track(child: ChildProcess): void {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => {
      for (const c of children) c.kill('SIGKILL');
    });
  }
  children.add(child);
  child.once('exit', () => children.delete(child));
}

/** Spawns redis-server and resolves when its log shows `ready`; rejects with its output otherwise. */
function spawnRedis(args: string[], ready: RegExp, timeoutMs = 10_000): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(redisServerBinary(), args, { stdio: ['ignore', 'pipe', 'pipe'] });
    track(child);
    let output = '';
    let settled = false;
    // Keep draining the pipes for the life of the process: a full pipe would block the server.
    const onData = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-8000);
      if (!settled && ready.test(output)) {
        settled = true;
        clearTimeout(timer);
        resolve(child);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    const fail = (why: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`redis-server ${args.join(' ')}: ${why}\n${output}`));
    };
    const timer = setTimeout(() => fail('not ready in time'), timeoutMs);
    child.once('exit', (code, signal) => fail(`exited (${code ?? signal})`));
    child.once('error', (error) => fail(error.message));
  });
}

function terminate(child: ChildProcess | undefined, signal: NodeJS.Signals): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill(signal);
  });
}

export interface ThrowawayRedis {
  url: string;
  port: number;
  /** Graceful shutdown (SIGTERM); `start()` brings it back on the same port, empty. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** kill -9. */
  kill(): Promise<void>;
  /** The running server's process id (e.g. to SIGSTOP it); throws when it is not running. */
  pid(): number;
}

/** A redis-server of the test's own on a free port, without persistence. `replicaOf`: host:port or URL. */
export async function startThrowawayRedis(
  options: { port?: number; replicaOf?: string } = {},
): Promise<ThrowawayRedis> {
  const port = options.port ?? (await freePort());
  const replicaOf = options.replicaOf?.replace(/^rediss?:\/\//, '').replace(/\/.*$/, '');
  let child: ChildProcess | undefined;
  let dir: string | undefined;
  const start = async () => {
    if (child && child.exitCode === null && child.signalCode === null) return;
    dir = mkdtempSync(join(tmpdir(), 'tpc-redis-'));
    // biome-ignore format: flag and value side by side
    const args = [
      '--port', String(port),
      '--bind', '127.0.0.1',
      '--save', '',
      '--appendonly', 'no',
      '--dir', dir,
      '--daemonize', 'no',
      // Replicas sync at once instead of waiting 5 s for company.
      '--repl-diskless-sync-delay', '0',
      ...(replicaOf ? ['--replicaof', ...replicaOf.split(':')] : []),
    ];
    child = await spawnRedis(args, /Ready to accept connections/);
  };
  const halt = async (signal: NodeJS.Signals) => {
    await terminate(child, signal);
    if (dir) rmSync(dir, { recursive: true, force: true });
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    start,
    stop: () => halt('SIGTERM'),
    kill: () => halt('SIGKILL'),
    pid: () => {
      if (!child?.pid || child.exitCode !== null || child.signalCode !== null) throw new Error('not running');
      return child.pid;
    },
  };
}

export interface ThrowawaySentinel {
  /** host:port, as REDIS_SENTINELS takes it. */
  address: string;
  port: number;
  masterName: string;
  stop(): Promise<void>;
  kill(): Promise<void>;
}

/** A Sentinel monitoring 127.0.0.1:`masterPort`, with a generated config in a temp dir it may rewrite. */
export async function startSentinel(options: {
  masterPort: number;
  quorum: number;
  downAfterMs: number;
  failoverTimeoutMs?: number;
  masterName?: string;
}): Promise<ThrowawaySentinel> {
  const port = await freePort();
  const name = options.masterName ?? 'tpc-test-master';
  const dir = mkdtempSync(join(tmpdir(), 'tpc-sentinel-'));
  const configFile = join(dir, 'sentinel.conf');
  writeFileSync(
    configFile,
    [
      `port ${port}`,
      'bind 127.0.0.1',
      'daemonize no',
      `dir ${dir}`,
      `sentinel monitor ${name} 127.0.0.1 ${options.masterPort} ${options.quorum}`,
      `sentinel down-after-milliseconds ${name} ${options.downAfterMs}`,
      `sentinel failover-timeout ${name} ${options.failoverTimeoutMs ?? 3000}`,
      `sentinel parallel-syncs ${name} 1`,
      '',
    ].join('\n'),
  );
  const child = await spawnRedis([configFile, '--sentinel'], /\+monitor master/);
  const cleanup = () => rmSync(dir, { recursive: true, force: true });
  return {
    address: `127.0.0.1:${port}`,
    port,
    masterName: name,
    stop: () => terminate(child, 'SIGTERM').finally(cleanup),
    kill: () => terminate(child, 'SIGKILL').finally(cleanup),
  };
}
