/**
 * Per-client limits on /signals/stream (per process): how many streams a client may hold at once and
 * how many it may open per minute. The client is its address (request.ip, which honours TRUST_PROXY).
 */
export type LimitVerdict =
  | { ok: true; release: () => void }
  | { ok: false; reason: 'concurrent' | 'rate'; retryAfterS: number; message: string };

export interface StreamLimits {
  acquire(client: string): LimitVerdict;
  /** Open streams of a client (for tests and /ready). */
  openStreams(client: string): number;
}

export interface StreamLimitsOptions {
  maxConcurrent: number;
  connectsPerMinute: number;
  now?: () => number;
}

const WINDOW_MS = 60_000;

export function createStreamLimits(options: StreamLimitsOptions): StreamLimits {
  const now = options.now ?? Date.now;
  const open = new Map<string, number>();
  const windows = new Map<string, { start: number; count: number }>();

  // Fixed one-minute windows; stale ones are dropped when the map grows, so it stays bounded.
  const windowOf = (client: string, at: number) => {
    let window = windows.get(client);
    if (!window || at - window.start >= WINDOW_MS) {
      if (windows.size > 10_000) {
        for (const [key, w] of windows) if (at - w.start >= WINDOW_MS) windows.delete(key);
      }
      window = { start: at, count: 0 };
      windows.set(client, window);
    }
    return window;
  };

  return {
    acquire(client) {
      const at = now();
      const window = windowOf(client, at);
      if (window.count >= options.connectsPerMinute) {
        return {
          ok: false,
          reason: 'rate',
          retryAfterS: Math.max(1, Math.ceil((window.start + WINDOW_MS - at) / 1000)),
          message: `more than ${options.connectsPerMinute} stream connects per minute`,
        };
      }
      const current = open.get(client) ?? 0;
      if (current >= options.maxConcurrent) {
        return {
          ok: false,
          reason: 'concurrent',
          retryAfterS: 5,
          message: `at most ${options.maxConcurrent} concurrent streams per client`,
        };
      }
      window.count++;
      open.set(client, current + 1);
      let released = false;
      return {
        ok: true,
        release: () => {
          if (released) return;
          released = true;
          const left = (open.get(client) ?? 1) - 1;
          if (left <= 0) open.delete(client);
          else open.set(client, left);
        },
      };
    },
    openStreams: (client) => open.get(client) ?? 0,
  };
}
