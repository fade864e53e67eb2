/**
 * The ingester as one object that a role builds from ready-made parts: lease → (when held) a tenure of
 * pipeline + supervisor; losing the lease ends the tenure at once (queue dropped, cursor untouched);
 * `stop()` ends it gracefully (intake closed, queued batches committed within the grace, lease released).
 */
import type { Config } from '../config.js';
import type { IngestStatus } from '../domain/ingest-status.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import { type AckQueue, createAckQueue } from './ack-queue.js';
import { createIntake, type IntakeCounters } from './intake.js';
import { createLeaseKeeper, type LeaseKeeper } from './lease.js';
import { createPipeline, type Pipeline } from './pipeline.js';
import type { EventPublisher, GatewayPorts, IngestStore, LeaseStore, ParseFn } from './ports.js';
import { createSupervisor, type Supervisor } from './supervisor.js';

export type IngesterConfig = Pick<
  Config,
  | 'TP_CAPITAL_SIGNALS_CHANNEL_ID'
  | 'GATEWAY_POLL_INTERVAL_MS'
  | 'GATEWAY_REQUEST_TIMEOUT_MS'
  | 'GATEWAY_BACKOFF_MAX_MS'
  | 'INGEST_BATCH_MAX'
  | 'INGEST_BATCH_WAIT_MS'
  | 'INGEST_LEASE_TTL_MS'
  | 'SHUTDOWN_GRACE_MS'
>;

export interface IngesterDeps {
  config: IngesterConfig;
  store: IngestStore;
  /** Null: no lease (a single embedded process); the ingester is active as soon as it starts. */
  lease: LeaseStore | null;
  publisher: EventPublisher;
  gateway: GatewayPorts;
  parse: ParseFn;
  /** Who holds the lease: unique per process (e.g. host:pid:random). */
  holderId: string;
  log: Logger;
  metrics: Metrics;
  /** Lease name; one per channel. */
  leaseName?: string;
}

export interface IngesterCounters extends IntakeCounters {
  committed: number;
  /** Stream-replayed versions older than what polling had applied: kept as superseded, not applied. */
  skippedStale: number;
  /** Accepted, not yet committed. */
  queued: number;
  acksPending: number;
  ackFailures: number;
}

export interface Ingester {
  start(): void;
  /** Stops intake, commits what was accepted (within `graceMs`), releases the lease. */
  stop(graceMs?: number): Promise<void>;
  status(): IngestStatus;
  counters(): IngesterCounters;
  /** The cursor the next stream connection would send (null when not active). */
  resumeCursor(): string | null;
}

interface Tenure {
  controller: AbortController;
  pipeline: Pipeline;
  supervisor: Supervisor;
  running: Promise<void>;
}

export function createIngester(deps: IngesterDeps): Ingester {
  const { config, log, metrics, gateway } = deps;
  const channelId = config.TP_CAPITAL_SIGNALS_CHANNEL_ID;
  const intake = createIntake({ parse: deps.parse, log, metrics });
  const acks: AckQueue = createAckQueue({
    send: (ids) => gateway.ackBreaker.fire(() => gateway.ack.ack(ids)),
    log,
    backoffMaxMs: config.GATEWAY_BACKOFF_MAX_MS,
  });
  let started = false;
  let stopped = false;
  let tenure: Tenure | null = null;
  // Tenures begin and end one after the other, never overlapping.
  let transitions: Promise<void> = Promise.resolve();
  let committed = 0;
  let lastCommitAt: Date | null = null;
  let lagSeconds: number | null = null;
  let keeper: LeaseKeeper | null = null;
  let skippedBefore = 0;

  function begin(): void {
    transitions = transitions.then(() => {
      if (stopped || tenure) return;
      const controller = new AbortController();
      const pipeline = createPipeline({
        store: deps.store,
        publisher: deps.publisher,
        acks,
        channelId,
        batchMax: config.INGEST_BATCH_MAX,
        batchWaitMs: config.INGEST_BATCH_WAIT_MS,
        highWater: config.INGEST_BATCH_MAX * 10,
        backoffMaxMs: config.GATEWAY_BACKOFF_MAX_MS,
        log,
        metrics,
        onCommitted(info) {
          committed += info.messages;
          lastCommitAt = info.committedAt;
          if (info.latestTelegramDate) {
            lagSeconds = Math.max(0, info.committedAt.getTime() - info.latestTelegramDate.getTime()) / 1000;
          }
        },
      });
      const supervisor = createSupervisor({
        gateway,
        store: deps.store,
        pipeline,
        intake,
        acks,
        channelId,
        pollIntervalMs: config.GATEWAY_POLL_INTERVAL_MS,
        requestTimeoutMs: config.GATEWAY_REQUEST_TIMEOUT_MS,
        backoffMaxMs: config.GATEWAY_BACKOFF_MAX_MS,
        log,
        metrics,
      });
      const running = supervisor.run(controller.signal).catch((error: unknown) => {
        // The supervisor handles its own failures; reaching here is a bug, never a reason to crash.
        log.error({ err: error }, 'ingest supervisor failed');
      });
      tenure = { controller, pipeline, supervisor, running };
    });
    transitions = transitions.catch((error: unknown) =>
      log.error({ err: error }, 'starting an ingest tenure failed'),
    );
  }

  function end(mode: 'drain' | 'discard', graceMs: number): Promise<void> {
    const current = tenure;
    if (current) current.controller.abort(); // intake stops now, not after the queue
    transitions = transitions.then(async () => {
      const active = tenure;
      if (!active) return;
      tenure = null;
      active.controller.abort();
      await active.running;
      skippedBefore += active.supervisor.skippedStale();
      await active.pipeline.stop(mode, graceMs);
    });
    // A failed transition must not poison the chain: the next begin() still runs.
    transitions = transitions.catch((error: unknown) =>
      log.error({ err: error }, 'ending an ingest tenure failed'),
    );
    return transitions;
  }

  return {
    start() {
      if (started) return;
      started = true;
      if (!deps.lease) {
        begin();
        return;
      }
      keeper = createLeaseKeeper({
        store: deps.lease,
        name: deps.leaseName ?? `ingest:${channelId}`,
        holder: deps.holderId,
        ttlMs: config.INGEST_LEASE_TTL_MS,
        log,
        onAcquired: begin,
        onLost: () => {
          void end('discard', 0);
        },
      });
      keeper.start();
    },
    async stop(graceMs = config.SHUTDOWN_GRACE_MS) {
      if (stopped) return;
      stopped = true;
      await keeper?.halt();
      await end('drain', graceMs);
      await keeper?.release();
      await acks.flush(Math.min(graceMs, config.GATEWAY_REQUEST_TIMEOUT_MS));
      await acks.stop();
    },
    status() {
      const active = tenure !== null;
      return {
        role: !started || stopped ? 'off' : active ? 'active' : 'standby',
        mode: tenure?.supervisor.mode() ?? null,
        breaker: started && !stopped ? gateway.streamBreaker.state() : null,
        lagSeconds,
        lastCommitAt: lastCommitAt?.toISOString() ?? null,
        committed,
      };
    },
    counters: () => ({
      ...intake.counters(),
      committed,
      skippedStale: skippedBefore + (tenure?.supervisor.skippedStale() ?? 0),
      queued: tenure?.pipeline.queued() ?? 0,
      acksPending: acks.pending(),
      ackFailures: acks.failures(),
    }),
    resumeCursor: () => tenure?.supervisor.resumeCursor() ?? null,
  };
}
