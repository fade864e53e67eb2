/**
 * Real processes for the bench: the CLI roles (bin/tp-capital.js) and the bench's own child scripts,
 * their readiness, their RSS (from /proc) and their shutdown. Every child is killed by its own pid.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sleep } from './stats.mjs';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const BIN = resolve(ROOT, 'bin/tp-capital.js');

const children = new Set();

/** Spawns `node <script> ...args`; stderr is kept (last 4 KiB) for error messages. */
export function spawnNode(script, args, env, options = {}) {
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), script, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: options.ipc ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'],
  });
  let tail = '';
  const keep = (chunk) => {
    tail = (tail + chunk.toString()).slice(-4096);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  children.add(child);
  child.once('exit', () => children.delete(child));
  return { child, tail: () => tail };
}

export function spawnRole(role, args, env, options = {}) {
  return spawnNode(BIN, [role, ...args], env, options);
}

export async function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

/** Polls `url` until it answers 200; rejects after timeoutMs or when the process exits. */
export async function waitForHttp(url, proc, timeoutMs = 20_000, intervalMs = 20) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc && proc.child.exitCode !== null) {
      throw new Error(`process exited (${proc.child.exitCode}) before ${url} answered:\n${proc.tail()}`);
    }
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
      await response.arrayBuffer();
      if (response.ok) return;
    } catch {
      // not up yet
    }
    await sleep(intervalMs);
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms${proc ? `:\n${proc.tail()}` : ''}`);
}

/** Resident set size of a process in KiB (VmRSS). */
export function rssKiB(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /VmRSS:\s+(\d+)\s+kB/.exec(status);
  return match ? Number(match[1]) : Number.NaN;
}

/** SIGTERM, then SIGKILL after graceMs. */
export async function stop(proc, graceMs = 3000) {
  const { child } = proc;
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolveExit) => child.once('exit', resolveExit));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/** Last resort on a failed run: kill what is still running, by pid. */
export function killAll() {
  for (const child of children) child.kill('SIGKILL');
}
