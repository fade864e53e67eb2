/**
 * The real processes of a fault scenario, as children of the test: `tp-capital gateway-sim | ingest |
 * api | migrate` from the compiled CLI (bin/tp-capital.js → dist/, built by `npm run test:faults`).
 * Their output is kept (the auth scenario greps it for keys) and every child is SIGKILLed when the
 * worker exits, so that a failed scenario leaves nothing running.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '../..');

export interface RoleProcess {
  name: string;
  child: ChildProcess;
  /** stdout and stderr, line by line (capped: the oldest lines go first). */
  lines: string[];
  /** Everything the process wrote, for the secret grep (capped at 64 MiB). */
  output(): string;
  exited: Promise<number | null>;
  running(): boolean;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves with the exit code. */
  stop(graceMs?: number): Promise<number | null>;
  kill9(): Promise<void>;
}

const alive = new Set<ChildProcess>();
let hooked = false;
function track(child: ChildProcess): void {
  if (!hooked) {
    hooked = true;
    process.once('exit', () => {
      for (const c of alive) c.kill('SIGKILL');
    });
  }
  alive.add(child);
  child.once('exit', () => alive.delete(child));
}

const MAX_LINES = 50_000;
const MAX_OUTPUT = 64 << 20;

export function spawnRole(name: string, args: string[], env: Record<string, string>): RoleProcess {
  const child = spawn(process.execPath, ['bin/tp-capital.js', ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'test', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  track(child);
  const lines: string[] = [];
  const chunks: string[] = [];
  let size = 0;
  let partial = '';
  const onData = (chunk: Buffer) => {
    const text = chunk.toString('utf8');
    if (size < MAX_OUTPUT) {
      chunks.push(text);
      size += text.length;
    }
    partial += text;
    const parts = partial.split('\n');
    partial = parts.pop() ?? '';
    lines.push(...parts);
    if (lines.length > MAX_LINES) lines.splice(0, lines.length - MAX_LINES);
    if (process.env.FAULTS_ECHO) for (const p of parts) process.stderr.write(`[${name}] ${p}\n`);
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const running = () => child.exitCode === null && child.signalCode === null;
  return {
    name,
    child,
    lines,
    output: () => chunks.join(''),
    exited,
    running,
    async stop(graceMs = 8000) {
      if (!running()) return child.exitCode;
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      child.kill('SIGTERM');
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
    async kill9() {
      if (!running()) return;
      child.kill('SIGKILL');
      await exited;
    },
  };
}

export { waitFor } from '../helpers/wait-for.js';

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Status of a GET, or 0 when nothing answers. */
export async function httpStatus(url: string, headers: Record<string, string> = {}): Promise<number> {
  try {
    const response = await fetch(url, { headers, signal: AbortSignal.timeout(3000) });
    await response.arrayBuffer();
    return response.status;
  } catch {
    return 0;
  }
}
