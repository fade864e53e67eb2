/**
 * A typed HTTP client of the sim's control API, for tests and benchmarks that drive a sim running in
 * another process. Same operations and results as `sim.control`, asynchronous.
 */
import { AppError } from '../errors.js';
import type { FailKind } from './faults.js';
import type { FeedState } from './feed-runner.js';
import type { MessageState } from './message-store.js';
import type {
  EmittedEntry,
  EmittedReport,
  FaultStatus,
  RawEventInput,
  SimControl,
  StatsReport,
} from './sim-control.js';
import type { PartialMessageInput } from './sim-message.js';

/** SimControl with every result wrapped in a promise. */
export type SimControlClient = {
  [K in keyof SimControl]: (...args: Parameters<SimControl[K]>) => Promise<ReturnType<SimControl[K]>>;
};

export function createSimControlClient(
  baseUrl: string,
  options: { timeoutMs?: number } = {},
): SimControlClient {
  const root = `${baseUrl.replace(/\/+$/, '')}/__sim`;
  const timeoutMs = options.timeoutMs ?? 30_000;

  async function call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${root}${path}`, {
      method,
      signal: AbortSignal.timeout(timeoutMs),
      ...(body !== undefined && {
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }),
    });
    const text = await response.text();
    if (!response.ok) {
      let message = text;
      try {
        message = (JSON.parse(text) as { message?: string }).message ?? text;
      } catch {
        // Not JSON: keep the text.
      }
      const code = response.status === 400 ? 'BAD_REQUEST' : 'INTERNAL';
      throw new AppError(
        code,
        `gateway-sim ${method} ${path}: ${response.status} ${message}`,
        response.status,
      );
    }
    return JSON.parse(text) as T;
  }

  return {
    inject: async (messages: PartialMessageInput | PartialMessageInput[]) =>
      (
        await call<{ emitted: EmittedEntry[] }>('POST', '/messages', {
          messages: Array.isArray(messages) ? messages : [messages],
        })
      ).emitted,
    injectRaw: async (input: RawEventInput) =>
      (await call<{ emitted: EmittedEntry }>('POST', '/raw', input)).emitted,
    dropStreams: () => call<{ dropped: number }>('POST', '/drop-streams'),
    failNext: (count: number, kind?: FailKind) =>
      call<FaultStatus>('POST', '/fail', kind === undefined ? { count } : { count, kind }),
    stall: () => call<FaultStatus>('POST', '/stall'),
    unstall: () => call<FaultStatus>('POST', '/unstall'),
    down: () => call<FaultStatus>('POST', '/down'),
    up: () => call<FaultStatus>('POST', '/up'),
    clearFaults: () => call<FaultStatus>('POST', '/clear-faults'),
    pauseFeed: () => call<FeedState>('POST', '/feed/pause'),
    resumeFeed: () => call<FeedState>('POST', '/feed/resume'),
    setRate: (rate: number) => call<FeedState>('POST', '/feed/rate', { rate }),
    advanceFeed: (count: number) =>
      call<{ advanced: number; lastCursor: string | null }>('POST', '/feed/advance', { count }),
    emitted: (opts: { after?: string; limit?: number } = {}) => {
      const query = new URLSearchParams();
      if (opts.after !== undefined) query.set('after', opts.after);
      if (opts.limit !== undefined) query.set('limit', String(opts.limit));
      const qs = query.toString();
      return call<EmittedReport>('GET', `/emitted${qs ? `?${qs}` : ''}`);
    },
    messages: async () => (await call<{ messages: MessageState[] }>('GET', '/messages')).messages,
    stats: () => call<StatsReport>('GET', '/stats'),
  };
}
