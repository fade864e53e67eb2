/**
 * The opossum breaker around gateway requests (GATEWAY-CONTRACT.md "The breaker"). It wraps short
 * actions only: a stream *connection attempt* (until the answer's headers), a poll, an ack. A stream
 * that dies after connecting is recorded with `recordFailure` so that a flapping stream still opens it.
 * Each transition is one `info` line; the breaker that decides the ingest mode also drives the
 * `tp_capital_gateway_breaker_*` metrics (pass `metrics` to that one only).
 */
import CircuitBreaker from 'opossum';
import type { BreakerState } from '../domain/ingest-status.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';

export interface BreakerSettings {
  timeoutMs: number;
  errorThresholdPercentage: number;
  resetTimeoutMs: number;
  volumeThreshold: number;
}

export interface GatewayBreaker {
  /** Runs `action` through the breaker; rejects at once (code EOPENBREAKER) while open. */
  fire<T>(action: () => Promise<T>): Promise<T>;
  /** Counts a failure that happened outside a fired action (a stream that died after connecting). */
  recordFailure(error: unknown): void;
  state(): BreakerState;
  /** Called on every transition, after the log line and the metrics. Returns an unsubscribe. */
  onTransition(listener: (state: BreakerState) => void): () => void;
  close(): void;
}

const GAUGE: Record<BreakerState, number> = { closed: 0, halfOpen: 1, open: 2 };

export function isBreakerOpenError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === 'EOPENBREAKER';
}

export function createGatewayBreaker(options: {
  name: string;
  settings: BreakerSettings;
  log: Logger;
  metrics?: Metrics | undefined;
}): GatewayBreaker {
  const { name, settings, log, metrics } = options;
  const breaker = new CircuitBreaker((action: () => Promise<unknown>) => action(), {
    name,
    timeout: settings.timeoutMs,
    errorThresholdPercentage: settings.errorThresholdPercentage,
    resetTimeout: settings.resetTimeoutMs,
    volumeThreshold: settings.volumeThreshold,
  });
  const listeners = new Set<(state: BreakerState) => void>();
  let current: BreakerState = 'closed';
  metrics?.breakerState.set(GAUGE.closed);

  function enter(state: BreakerState): void {
    if (state === current) return;
    const from = current;
    current = state;
    const stats = breaker.stats;
    log.info(
      { breaker: name, from, to: state, failures: stats.failures, fires: stats.fires },
      'gateway breaker transition',
    );
    metrics?.breakerState.set(GAUGE[state]);
    metrics?.breakerTransitions.inc({ to: state });
    for (const listener of listeners) listener(state);
  }
  breaker.on('open', () => enter('open'));
  breaker.on('halfOpen', () => enter('halfOpen'));
  breaker.on('close', () => enter('closed'));

  return {
    fire<T>(action: () => Promise<T>): Promise<T> {
      return breaker.fire(action) as Promise<T>;
    },
    recordFailure(error) {
      // A fired rejection is how opossum counts a failure; while open it is only a (harmless) reject.
      const reason = error instanceof Error ? error : new Error(String(error));
      breaker.fire(() => Promise.reject(reason)).catch(() => {});
    },
    state: () => current,
    onTransition(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close() {
      listeners.clear();
      breaker.shutdown();
    },
  };
}
