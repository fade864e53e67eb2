/**
 * Real child processes of bin/tp-capital.js for the end-to-end tests: spawn with a chosen environment,
 * keep their output, wait for a line or an HTTP answer, stop them with a signal and a deadline, and
 * make sure none outlives its test file (`reapAll` in afterAll reports any that was still alive).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../../..');
const BIN = resolve(ROOT, 'bin/tp-capital.js');

export interface Child {
  name: string;
  process: ChildProcess;
  /** Everything written so far on stdout and stderr. */
  output(): string;
  /** Resolves with the first match of `pattern` in the output (waiting for it), rejects after `timeoutMs` or on exit. */
  waitFor(pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray>;
  /** Resolves with the exit code (or signal name) once the process has exited. */
  exited: Promise<number | string>;
  alive(): boolean;
  /** Sends `signal`, waits up to `timeoutMs` for the exit; SIGKILLs and rejects if it is not gone by then. */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<{ code: number | string; ms: number }>;
}

const children = new Set<Child>();

/**
 * The names src/config.ts reads, taken from its schema's keys, so that a test can strip every one of
 * them from the environment it hands a child ("no configuration at all").
 */
export function configVariableNames(): string[] {
  const source = readFileSync(resolve(ROOT, 'src/config.ts'), 'utf8');
  const body = source.slice(source.indexOf('const schema = z.object({'), source.indexOf('});'));
  return [...body.matchAll(/^\s{2}([A-Z][A-Z0-9_]+):/gm)].map((m) => m[1] as string);
}

/** process.env without any variable of src/config.ts, plus `extra`. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of configVariableNames()) delete env[name];
  return { ...env, ...extra };
}

export function spawnCli(
  name: string,
  args: string[],
  options: { env: NodeJS.ProcessEnv; cwd?: string },
): Child {
  const proc = spawn(process.execPath, [BIN, ...args], {
    cwd: options.cwd ?? ROOT,
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  const listeners = new Set<() => void>();
  const append = (chunk: Buffer) => {
    text += chunk.toString('utf8');
    for (const listener of listeners) listener();
  };
  proc.stdout?.on('data', append);
  proc.stderr?.on('data', append);
  let done = false;
  const exited = new Promise<number | string>((resolveExit) => {
    proc.on('exit', (code, signal) => {
      done = true;
      for (const listener of listeners) listener();
      resolveExit(code ?? signal ?? 'unknown');
    });
  });

  const child: Child = {
    name,
    process: proc,
    output: () => text,
    exited,
    alive: () => !done,
    waitFor: (pattern, timeoutMs) =>
      new Promise((resolveMatch, reject) => {
        const check = () => {
          const match = text.match(pattern);
          if (match) finish(() => resolveMatch(match));
          else if (done)
            finish(() => reject(new Error(`${name} exited before printing ${pattern}:\n${tail(text)}`)));
        };
        const timer = setTimeout(
          () =>
            finish(() => reject(new Error(`${name}: no ${pattern} within ${timeoutMs} ms:\n${tail(text)}`))),
          timeoutMs,
        );
        const finish = (settle: () => void) => {
          clearTimeout(timer);
          listeners.delete(check);
          settle();
        };
        listeners.add(check);
        check();
      }),
    async stop(signal = 'SIGTERM', timeoutMs = 5000) {
      const t0 = performance.now();
      if (done) return { code: await exited, ms: 0 };
      proc.kill(signal);
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<'late'>((r) => {
        timer = setTimeout(() => r('late'), timeoutMs);
      });
      const result = await Promise.race([exited, late]);
      clearTimeout(timer);
      if (result === 'late') {
        proc.kill('SIGKILL');
        await exited;
        throw new Error(`${name} did not exit within ${timeoutMs} ms of ${signal}:\n${tail(text)}`);
      }
      return { code: result, ms: Math.round(performance.now() - t0) };
    },
  };
  children.add(child);
  void exited.then(() => children.delete(child));
  return child;
}

/** SIGKILLs every child still running; returns the names of those that were (a test should fail on any). */
export async function reapAll(): Promise<string[]> {
  const alive = [...children].filter((c) => c.alive());
  for (const child of alive) child.process.kill('SIGKILL');
  await Promise.all(alive.map((c) => c.exited));
  return alive.map((c) => c.name);
}

function tail(text: string): string {
  return text.split('\n').slice(-30).join('\n');
}

export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

/** Polls `url` until it answers `status` (default 200); rejects after `timeoutMs`. */
export async function waitForHttp(url: string, timeoutMs: number, status = 200): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
      await response.arrayBuffer();
      if (response.status === status) return;
      last = `HTTP ${response.status}`;
    } catch (error) {
      last = String(error);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${url} did not answer ${status} within ${timeoutMs} ms (last: ${last})`);
}

/** Processes (pid → command line) whose command line contains `needle`, read from /proc. */
export function processesMentioning(needle: string): Map<number, string> {
  const found = new Map<number, string>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
      if (cmdline.includes(needle)) found.set(Number(entry), cmdline);
    } catch {
      // The process ended while we looked.
    }
  }
  return found;
}

/** Live children of `pid` (from /proc/<n>/stat), with their command lines. */
export function childrenOf(pid: number): Map<number, string> {
  const found = new Map<number, string>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Field 4 (ppid) follows the parenthesised command name, which may itself contain spaces.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) {
        found.set(Number(entry), readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' ').trim());
      }
    } catch {
      // The process ended while we looked.
    }
  }
  return found;
}

/** Those of `pids` that still run the same command line (a reused pid does not count). */
export function stillRunning(pids: Map<number, string>): Map<number, string> {
  const alive = new Map<number, string>();
  for (const [pid, cmdline] of pids) {
    try {
      const now = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
      if (now === cmdline) alive.set(pid, cmdline);
    } catch {
      // Gone.
    }
  }
  return alive;
}
