/**
 * The faults the control API switches on: failing the next N requests, stalled streams, a gateway
 * that is down. Plain state; the routes and the stream hub consult it on every request and write.
 */

export const ENDPOINT_KINDS = ['stream', 'poll', 'ack', 'health'] as const;
export type EndpointKind = (typeof ENDPOINT_KINDS)[number];
export const FAIL_KINDS = ['stream', 'poll', 'ack', 'health', 'any'] as const;
export type FailKind = (typeof FAIL_KINDS)[number];

export interface Faults {
  /** The next `count` requests of that kind (any: of every gateway endpoint) answer 500. Adds up. */
  failNext(count: number, kind: FailKind): void;
  /** Consumes one pending failure for a request of this kind; true when the request must fail. */
  takeFailure(kind: EndpointKind): boolean;
  pendingFailures(): Record<FailKind, number>;
  clearFailures(): void;
  stalled: boolean;
  down: boolean;
}

export function createFaults(): Faults {
  const pending: Record<FailKind, number> = { stream: 0, poll: 0, ack: 0, health: 0, any: 0 };
  return {
    stalled: false,
    down: false,
    failNext(count, kind) {
      pending[kind] += count;
    },
    takeFailure(kind) {
      // The specific budget first, so that `any` still covers what the specific one did not.
      if (pending[kind] > 0) {
        pending[kind] -= 1;
        return true;
      }
      if (pending.any > 0) {
        pending.any -= 1;
        return true;
      }
      return false;
    },
    pendingFailures: () => ({ ...pending }),
    clearFailures() {
      for (const kind of FAIL_KINDS) pending[kind] = 0;
    },
  };
}
