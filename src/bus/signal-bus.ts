/**
 * The SignalBus carries committed signal events from the ingester to every API instance. It is a
 * doorbell, not the truth: the event log is. A subscriber that was cut off hears `onReconnect` once
 * the subscription is live again, and fills the gap from the log.
 */
import type { SignalEvent } from '../domain/events.js';

export interface SignalBusHandlers {
  /** One call per published batch, in publish order. Exceptions are logged, never propagated. */
  onEvents(events: SignalEvent[]): void;
  /**
   * The subscription is live again after a time it was not (a lost connection, a failover, or a
   * first subscribe that could not reach the broker): events published meanwhile were not delivered.
   */
  onReconnect?(): void;
}

export type Unsubscribe = () => Promise<void>;

export interface SignalBus {
  /** Publishes one batch (after COMMIT). Rejects when the broker cannot take it; the log still has it. */
  publish(events: SignalEvent[]): Promise<void>;
  /**
   * Registers handlers. Resolves once the subscription is live or its first attempt failed (then the
   * bus keeps trying and calls `onReconnect` when it is live); never waits for a broker that is down.
   */
  subscribe(handlers: SignalBusHandlers): Promise<Unsubscribe>;
  close(): Promise<void>;
}
