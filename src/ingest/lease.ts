/**
 * Only the lease holder ingests (DESIGN.md "Processes and roles"). The keeper renews every ttl/3; a
 * refusal means someone else holds it: stop at once. A renewal that cannot reach the database keeps
 * the lease only while it cannot have expired (last success + ttl − ttl/3), then stops too. A standby
 * asks every ttl/3, so it takes over within the ttl plus one period.
 */
import type { Logger } from '../logger.js';
import { sleep } from './backoff.js';
import type { LeaseStore } from './ports.js';

export interface LeaseKeeper {
  start(): void;
  isHeld(): boolean;
  /** Ends the loop; the lease is kept until `release()` (so the last batch can finish first). */
  halt(): Promise<void>;
  release(): Promise<void>;
}

function bounded<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`lease request timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export function createLeaseKeeper(options: {
  store: LeaseStore;
  name: string;
  holder: string;
  ttlMs: number;
  log: Logger;
  onAcquired: () => void;
  onLost: (why: 'taken' | 'unreachable') => void;
}): LeaseKeeper {
  const { store, name, holder, ttlMs, log } = options;
  const period = Math.max(100, Math.floor(ttlMs / 3));
  const halted = new AbortController();
  let held = false;
  let lastRenewal = 0;
  let failures = 0;
  let loop: Promise<void> | null = null;

  async function tick(): Promise<void> {
    let granted: boolean | null;
    try {
      granted = await bounded(store.acquire(name, holder, ttlMs), period);
      failures = 0;
    } catch (error) {
      granted = null;
      failures += 1;
      if (failures === 1 || failures % 20 === 0)
        log.warn({ err: error, lease: name, held }, 'lease request failed');
    }
    if (halted.signal.aborted) return;
    if (granted === true) {
      lastRenewal = Date.now();
      if (!held) {
        held = true;
        log.info({ lease: name, holder, ttlMs }, 'lease acquired: active');
        options.onAcquired();
      }
    } else if (granted === false && held) {
      held = false;
      log.warn({ lease: name, holder }, 'lease taken by another holder: standing by');
      options.onLost('taken');
    } else if (granted === null && held && Date.now() - lastRenewal > ttlMs - period) {
      held = false;
      log.warn({ lease: name, holder }, 'lease could not be renewed before it expires: standing by');
      options.onLost('unreachable');
    }
  }

  return {
    start() {
      if (loop) return;
      loop = (async () => {
        while (!halted.signal.aborted) {
          await tick();
          await sleep(period, halted.signal);
        }
      })();
    },
    isHeld: () => held,
    async halt() {
      halted.abort();
      await loop;
    },
    async release() {
      if (!held) return;
      held = false;
      try {
        await bounded(store.release(name, holder), period);
        log.info({ lease: name, holder }, 'lease released');
      } catch (error) {
        log.warn({ err: error, lease: name }, 'releasing the lease failed; it expires by itself');
      }
    },
  };
}
