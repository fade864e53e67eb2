/**
 * Plays a feed (the demo generator or a file's lines) at a rate in messages per second. The schedule is
 * computed from elapsed time, not from timer ticks, so that a busy event loop catches up instead of
 * drifting; `advance(n)` emits the next n messages at once for tests and benchmarks.
 */
import type { PartialMessage } from './sim-message.js';

export interface FeedState {
  rate: number;
  paused: boolean;
  /** Messages the feed has emitted (not counting injections). */
  emitted: number;
  /** A file feed that has no line left. The demo feed never ends. */
  exhausted: boolean;
}

export interface FeedRunner {
  pause(): void;
  resume(): void;
  setRate(rate: number): void;
  /** Emits up to `count` messages now, whatever the rate or pause; returns how many it emitted. */
  advance(count: number): number;
  state(): FeedState;
  close(): void;
}

/** At most this many messages in one timer turn, so that a huge rate never blocks the server. */
const MAX_BURST = 1000;

export function createFeedRunner(deps: {
  next: () => PartialMessage | undefined;
  emit: (message: PartialMessage) => void;
  rate: number;
}): FeedRunner {
  let rate = deps.rate;
  let paused = false;
  let exhausted = false;
  let emitted = 0;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  // The schedule: `sentSince` messages emitted since `since`.
  let since = performance.now();
  let sentSince = 0;

  function emitOne(): boolean {
    const message = deps.next();
    if (message === undefined) {
      exhausted = true;
      return false;
    }
    emitted += 1;
    deps.emit(message);
    return true;
  }

  function restartSchedule(): void {
    since = performance.now();
    sentSince = 0;
    schedule();
  }

  function schedule(): void {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (closed || paused || exhausted || rate <= 0) return;
    const period = Math.min(1000, Math.max(4, 1000 / rate));
    timer = setTimeout(tick, sentSince === 0 ? 0 : period);
    timer.unref();
  }

  function tick(): void {
    timer = undefined;
    // +1: the first message goes out as soon as the feed starts, then one every 1/rate seconds.
    const due = Math.floor(((performance.now() - since) * rate) / 1000) + 1 - sentSince;
    for (let i = 0; i < Math.min(due, MAX_BURST); i += 1) {
      if (!emitOne()) break;
      sentSince += 1;
    }
    schedule();
  }

  restartSchedule();

  return {
    pause() {
      paused = true;
      schedule();
    },
    resume() {
      paused = false;
      restartSchedule();
    },
    setRate(value) {
      rate = value;
      restartSchedule();
    },
    advance(count) {
      let n = 0;
      while (n < count && emitOne()) n += 1;
      return n;
    },
    state: () => ({ rate, paused, emitted, exhausted }),
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
    },
  };
}
