/**
 * The mode machine of one active tenure (GATEWAY-CONTRACT.md "The breaker"):
 *   start → read the stored cursor → one drain poll → stream (Last-Event-ID = cursor);
 *   breaker open → poll every `pollIntervalMs`, no stream attempts; half-open → one stream attempt:
 *   success closes the breaker and the stream resumes; failure reopens it.
 * Reconnects resume from the cursor of the last delivery handed to the pipeline (which commits all it
 * accepted, in order) — the stored cursor at the start of the tenure. Polled messages carry no stream
 * cursor, so polling never moves it: after polling the stream replays from where it was, and the
 * idempotent upsert reports those messages unchanged. Every wait has a bound; `run` ends when `signal` aborts.
 */
import type { IngestMode } from '../domain/ingest-status.js';
import { isBreakerOpenError, type StreamSession } from '../gateway/index.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import type { AckQueue } from './ack-queue.js';
import { aborted, backoffDelay, sleep } from './backoff.js';
import type { Intake } from './intake.js';
import type { Pipeline } from './pipeline.js';
import type { GatewayPorts, IngestStore } from './ports.js';
import { createVersionGuard } from './version-guard.js';

export interface SupervisorOptions {
  gateway: GatewayPorts;
  store: Pick<IngestStore, 'getCursor'>;
  pipeline: Pipeline;
  intake: Intake;
  acks: AckQueue;
  channelId: string;
  pollIntervalMs: number;
  /** Bound on one request (also on waiting for a commit before the next poll page). */
  requestTimeoutMs: number;
  backoffMaxMs: number;
  /** Pages a drain may take before handing over to the stream. */
  maxDrainPages?: number;
  log: Logger;
  metrics: Metrics;
}

export interface Supervisor {
  run(signal: AbortSignal): Promise<void>;
  mode(): IngestMode | null;
  /** The cursor the next stream connection would send. */
  resumeCursor(): string | null;
  /** Replayed versions older than what polling had already applied (see version-guard.ts). */
  skippedStale(): number;
}

const STREAM_BACKOFF_BASE_MS = 200;

export function createSupervisor(options: SupervisorOptions): Supervisor {
  const { gateway, pipeline, intake, acks, log, metrics } = options;
  const breaker = gateway.streamBreaker;
  let mode: IngestMode | null = null;
  let cursor: string | null = null;
  let pollFailures = 0;
  const guard = createVersionGuard();

  function setMode(next: IngestMode): void {
    if (mode === next) return;
    const from = mode;
    mode = next;
    metrics.ingestMode.set(next === 'stream' ? 1 : 0);
    log.info({ from, to: next, cursor }, 'ingest mode');
  }

  async function readCursor(signal: AbortSignal): Promise<string | null> {
    for (let attempt = 1; !signal.aborted; attempt += 1) {
      try {
        return await options.store.getCursor(options.channelId);
      } catch (error) {
        const delay = backoffDelay(attempt, 200, options.backoffMaxMs);
        if (attempt === 1 || attempt % 20 === 0)
          log.warn({ err: error, attempt }, 'reading the cursor failed; retrying');
        await sleep(delay, signal);
      }
    }
    return null;
  }

  /** Polls pages until one is short, a poll fails, or `maxPages`. */
  async function pollPages(kind: 'drain' | 'poll', maxPages: number, signal: AbortSignal): Promise<void> {
    for (let page = 0; page < maxPages && !signal.aborted; page += 1) {
      // Nothing new is asked for while the previous page is not committed (a database outage).
      if (!(await pipeline.flush(options.requestTimeoutMs))) return;
      let decoded: Awaited<ReturnType<GatewayPorts['poll']['poll']>>;
      try {
        decoded = await gateway.pollBreaker.fire(() => gateway.poll.poll(signal));
        pollFailures = 0;
      } catch (error) {
        pollFailures += 1;
        if (
          !signal.aborted &&
          !isBreakerOpenError(error) &&
          (pollFailures === 1 || pollFailures % 20 === 0)
        ) {
          log.warn({ err: error, kind, failures: pollFailures }, 'gateway poll failed');
        }
        return;
      }
      let entries = 0;
      for (const item of decoded) {
        guard.polled(item);
        const entry = intake.toEntry(item, null);
        if (entry) {
          pipeline.push(entry);
          entries += 1;
        }
      }
      if (kind === 'drain' || entries > 0)
        log.debug({ kind, page, messages: decoded.length }, 'gateway poll');
      if (decoded.length < gateway.poll.limit) return;
      // A full page: the next one must not repeat it, so commit and acknowledge first.
      if (!(await pipeline.flush(options.requestTimeoutMs))) return;
      if (!(await acks.flush(options.requestTimeoutMs))) return;
    }
  }

  /** Sleeps one poll interval, or less when the breaker turns half-open (time for a stream attempt). */
  function pollTick(signal: AbortSignal): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        unsubscribe();
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, options.pollIntervalMs);
      const unsubscribe = breaker.onTransition((state) => {
        if (state !== 'open') done();
      });
      if (signal.aborted) done();
      else signal.addEventListener('abort', done, { once: true });
    });
  }

  async function streamOnce(signal: AbortSignal, stopped: Promise<void>, attempt: number): Promise<number> {
    const session: StreamSession = gateway.stream.open(cursor, {
      onDelivery(delivery) {
        const { decoded } = delivery;
        const entry =
          decoded.type === 'message' && guard.isStale(decoded)
            ? intake.superseded(decoded.message, delivery.cursor)
            : intake.toEntry(decoded, delivery.cursor);
        if (!entry) return;
        pipeline.push(entry);
        if (delivery.cursor) cursor = delivery.cursor;
      },
      waitForRoom: () => pipeline.waitForRoom(),
    });
    // Stopping must not wait for a pending connection attempt to time out.
    const closeOnStop = () => session.close();
    signal.addEventListener('abort', closeOnStop, { once: true });
    try {
      await breaker.fire(() => session.opened);
    } catch (error) {
      signal.removeEventListener('abort', closeOnStop);
      session.close();
      if (signal.aborted) return attempt;
      const next = attempt + 1;
      if (!isBreakerOpenError(error)) {
        log[next === 1 ? 'warn' : 'debug'](
          { err: error, attempt: next, cursor },
          'gateway stream connection failed',
        );
      }
      if (breaker.state() === 'closed')
        await sleep(backoffDelay(next, STREAM_BACKOFF_BASE_MS, options.backoffMaxMs), signal);
      return next;
    }
    setMode('stream');
    log.info({ cursor }, 'gateway stream connected');
    const end = await Promise.race([session.ended, stopped.then(() => null)]);
    signal.removeEventListener('abort', closeOnStop);
    session.close();
    if (end === null) return 0;
    log.info({ reason: end.reason, detail: end.detail, cursor }, 'gateway stream ended');
    if (end.failure) breaker.recordFailure(new Error(`stream ${end.reason}: ${end.detail ?? ''}`));
    // Even a clean end waits a little (with jitter), so that a gateway ending every stream at once is not stormed.
    await sleep(backoffDelay(1, STREAM_BACKOFF_BASE_MS, options.backoffMaxMs), signal);
    return 0;
  }

  return {
    mode: () => mode,
    resumeCursor: () => cursor,
    skippedStale: () => guard.skipped(),
    async run(signal) {
      const stopped = aborted(signal);
      cursor = await readCursor(signal);
      if (signal.aborted) return;
      // The drain poll is for a first start (no cursor): with a stored cursor, the stream's replay after
      // it delivers every version and deletion since, in order, while polling shows only each message's
      // latest state and omits deletions — applied first, it would misorder lifecycle updates after a
      // failover or a database outage. Messages before the cursor are committed already.
      if (cursor === null) {
        log.info('ingester active with no stored cursor: draining the gateway, then streaming');
        await pollPages('drain', options.maxDrainPages ?? 50, signal);
      } else {
        log.info({ cursor }, 'ingester active: resuming the stream after the stored cursor');
      }
      setMode(breaker.state() === 'open' ? 'polling' : 'stream');
      let attempt = 0;
      while (!signal.aborted) {
        if (breaker.state() === 'open') {
          setMode('polling');
          await pollPages('poll', 10, signal);
          if (breaker.state() === 'open') await pollTick(signal);
          continue;
        }
        attempt = await streamOnce(signal, stopped, attempt);
      }
      mode = null;
    },
  };
}
