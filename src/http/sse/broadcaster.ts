/**
 * The SSE fan-out of one API process. Each event is serialised once into a Buffer, and that Buffer is
 * written to every matching client with a plain synchronous `write` (no per-client await, so one slow
 * socket never delays the others). One ping timer serves all clients.
 *
 * The slow-client bound: a client whose unsent bytes (`writableLength`: Node's buffer plus the
 * socket's) are past the bound is disconnected and counted; it reconnects with Last-Event-ID and is
 * replayed from the log, losing nothing. The check is made once per broadcast, before its first write
 * to the client: Node corks a response's socket until the next tick, so right after a synchronous
 * write even a fast client's writableLength holds the whole batch just written. What is still unsent
 * when the next broadcast starts is what the client has not taken.
 *
 * A client joins in `replaying` state: live events meant for it are queued (the same Buffers) while it
 * is replayed from the log, then flushed; every write is deduplicated by seq, so each client sees every
 * event exactly once and in order whatever the overlap between replay and live.
 */
import type { ServerResponse } from 'node:http';
import type { SignalEvent } from '../../domain/events.js';
import type { Logger } from '../../logger.js';
import type { Metrics } from '../../metrics.js';
import type { SignalFilter } from './client-filter.js';
import { pingFrame, signalFrame } from './frames.js';

export interface SseClient {
  readonly res: ServerResponse;
  readonly filter: SignalFilter;
  /** Highest seq this client has been sent (or was replayed past); later writes must be above it. */
  lastSeq: number;
  state: 'replaying' | 'live' | 'closed';
  pending: Array<{ seq: number; frame: Buffer }>;
  pendingBytes: number;
  /** The broadcast generation this client's buffer was last checked in. */
  checked: number;
}

export interface BroadcasterOptions {
  log: Logger;
  metrics: Pick<Metrics, 'sseClients' | 'sseEventsSent' | 'sseSlowDisconnects' | 'pipelineLatency'>;
  maxBufferBytes: number;
  pingMs: number;
  /** How many recent frames to keep for replays (reconnect storms replay the same events). */
  recentFrames?: number;
  now?: () => number;
}

export interface Broadcaster {
  /** Registers a client in `replaying` state with its starting point (0: everything from now on). */
  add(res: ServerResponse, filter: SignalFilter, afterSeq: number): SseClient;
  /** Ends the replay: flushes what was queued meanwhile (above the replayed seq) and goes live. */
  goLive(client: SseClient): void;
  remove(client: SseClient): void;
  /** Writes one frame to one client (replay); false when it was cut or is gone. */
  send(client: SseClient, seq: number, frame: Buffer): boolean;
  broadcast(events: SignalEvent[]): void;
  /** The serialised frame of an event, from the recent-frames ring when it is there. */
  frameOf(event: SignalEvent): Buffer;
  readonly size: number;
  readonly accepting: boolean;
  /** Stops accepting, ends every stream after what was written, waits up to graceMs, then destroys. */
  drain(graceMs: number): Promise<void>;
}

export function createBroadcaster(options: BroadcasterOptions): Broadcaster {
  const { log, metrics, maxBufferBytes } = options;
  const now = options.now ?? Date.now;
  const clients = new Set<SseClient>();
  const recent = new Map<number, Buffer>();
  const recentMax = options.recentFrames ?? 2048;
  let accepting = true;
  let generation = 0;

  const remember = (seq: number, frame: Buffer) => {
    recent.set(seq, frame);
    if (recent.size > recentMax) recent.delete(recent.keys().next().value as number);
  };

  const cut = (client: SseClient, why: string) => {
    if (client.state === 'closed') return;
    metrics.sseSlowDisconnects.inc();
    log.warn(
      { unsent: client.res.writableLength, pending: client.pendingBytes, why },
      'sse client too slow: cut',
    );
    remove(client);
    client.res.destroy();
  };

  /** False (and the client cut) when what it had not taken before this generation passes the bound. */
  const admit = (client: SseClient, gen: number): boolean => {
    if (client.checked === gen) return true;
    client.checked = gen;
    if (client.res.writableLength <= maxBufferBytes) return true;
    cut(client, 'buffer');
    return false;
  };

  const write = (client: SseClient, seq: number, frame: Buffer, gen: number): boolean => {
    if (client.state === 'closed' || seq <= client.lastSeq || !admit(client, gen)) return false;
    client.lastSeq = seq;
    client.res.write(frame);
    return true;
  };

  const remove = (client: SseClient) => {
    if (client.state === 'closed') return;
    client.state = 'closed';
    client.pending = [];
    if (clients.delete(client)) metrics.sseClients.set(clients.size);
  };

  const ping = setInterval(() => {
    const frame = pingFrame(now());
    const gen = ++generation;
    for (const client of clients) if (admit(client, gen)) client.res.write(frame);
  }, options.pingMs);
  ping.unref();

  const frameOf = (event: SignalEvent) => recent.get(event.seq) ?? signalFrame(event);

  return {
    add(res, filter, afterSeq) {
      const client: SseClient = {
        res,
        filter,
        lastSeq: afterSeq,
        state: 'replaying',
        pending: [],
        pendingBytes: 0,
        checked: 0,
      };
      clients.add(client);
      metrics.sseClients.set(clients.size);
      return client;
    },

    goLive(client) {
      if (client.state !== 'replaying') return;
      const queued = client.pending;
      client.pending = [];
      client.pendingBytes = 0;
      client.state = 'live';
      let sent = 0;
      const gen = ++generation;
      for (const { seq, frame } of queued) if (write(client, seq, frame, gen)) sent++;
      if (sent > 0) metrics.sseEventsSent.inc(sent);
    },

    remove,

    send(client, seq, frame) {
      // Replay writes wait for drain past a high-water mark below the bound (replay.ts).
      const sent = write(client, seq, frame, ++generation);
      if (sent) metrics.sseEventsSent.inc();
      return sent;
    },

    broadcast(events) {
      let sent = 0;
      const gen = ++generation;
      for (const event of events) {
        const frame = signalFrame(event);
        remember(event.seq, frame);
        for (const client of clients) {
          if (client.state === 'closed' || !client.filter(event.signal)) continue;
          if (client.state === 'replaying') {
            client.pending.push({ seq: event.seq, frame });
            client.pendingBytes += frame.length;
            if (client.pendingBytes > maxBufferBytes) cut(client, 'replay queue');
          } else if (write(client, event.seq, frame, gen)) {
            sent++;
          }
        }
        if (event.op === 'created') {
          // Gateway receipt (the ingester's ingested_at) to the moment the frame is handed to the sockets.
          const receivedAt = Date.parse(event.signal.ingested_at);
          if (Number.isFinite(receivedAt))
            metrics.pipelineLatency.observe(Math.max(0, now() - receivedAt) / 1000);
        }
      }
      if (sent > 0) metrics.sseEventsSent.inc(sent);
    },

    frameOf,

    get size() {
      return clients.size;
    },

    get accepting() {
      return accepting;
    },

    async drain(graceMs) {
      accepting = false;
      clearInterval(ping);
      const open = [...clients];
      const closed = open.map(
        (client) =>
          new Promise<void>((resolve) => {
            if (client.res.destroyed || client.res.writableFinished) return resolve();
            client.res.once('close', () => resolve());
          }),
      );
      // end() flushes what was already written, then closes: the client reconnects (elsewhere).
      for (const client of open) {
        remove(client);
        client.res.end();
      }
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), graceMs);
      });
      const outcome = await Promise.race([Promise.all(closed).then(() => 'drained' as const), timeout]);
      clearTimeout(timer);
      if (outcome === 'timeout') {
        const stuck = open.filter((client) => !client.res.destroyed);
        log.warn({ clients: stuck.length }, 'sse drain timed out: destroying the remaining streams');
        for (const client of stuck) client.res.destroy();
      }
    },
  };
}
