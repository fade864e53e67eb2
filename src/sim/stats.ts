/** What the sim has served, by endpoint and outcome: the benchmarks' and the tests' view from the gateway side. */
import { ENDPOINT_KINDS, type EndpointKind } from './faults.js';

export const OUTCOMES = ['ok', 'unauthorized', 'bad_request', 'failed', 'down'] as const;
export type Outcome = (typeof OUTCOMES)[number];

export interface AckStats {
  /** mark-processed requests that were answered 200. */
  requests: number;
  /** Message ids those requests named (with repeats). */
  requested: number;
  /** Messages they marked (one message id may match several channels). */
  updated: number;
}

export interface StatsSnapshot {
  requests: Record<EndpointKind, Record<Outcome, number>>;
  acks: AckStats;
}

export interface Stats {
  record(kind: EndpointKind, outcome: Outcome): void;
  recordAck(requested: number, updated: number): void;
  snapshot(): StatsSnapshot;
}

export function createStats(): Stats {
  const zero = (): Record<Outcome, number> => ({
    ok: 0,
    unauthorized: 0,
    bad_request: 0,
    failed: 0,
    down: 0,
  });
  const requests = Object.fromEntries(ENDPOINT_KINDS.map((k) => [k, zero()])) as Record<
    EndpointKind,
    Record<Outcome, number>
  >;
  const acks: AckStats = { requests: 0, requested: 0, updated: 0 };
  return {
    record(kind, outcome) {
      requests[kind][outcome] += 1;
    },
    recordAck(requested, updated) {
      acks.requests += 1;
      acks.requested += requested;
      acks.updated += updated;
    },
    snapshot: () => ({
      requests: Object.fromEntries(
        ENDPOINT_KINDS.map((k) => [k, { ...requests[k] }]),
      ) as StatsSnapshot['requests'],
      acks: { ...acks },
    }),
  };
}
