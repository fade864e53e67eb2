/**
 * The signal machinery of one API instance, as decorations: the read repository, the cached list, the
 * SSE broadcaster with its per-client limits, and the bus subscriber that feeds it. The subscriber
 * starts when the app is ready; on close, it stops first (no more events), then every stream is ended
 * after the last event written and drained within the grace period.
 */
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Cache } from '../../bus/cache.js';
import type { SignalBus } from '../../bus/signal-bus.js';
import type { Logger } from '../../logger.js';
import type { Metrics } from '../../metrics.js';
import type { SignalsReader, StreamTuning } from '../deps.js';
import { createSignalSubscriber, type SignalSubscriber } from '../signal-subscriber.js';
import { createSignalsListService, type SignalsListService } from '../signals-list.js';
import { type Broadcaster, createBroadcaster } from '../sse/broadcaster.js';
import { createStreamLimits, type StreamLimits } from '../sse/stream-limits.js';

declare module 'fastify' {
  interface FastifyInstance {
    signals: SignalsReader;
    signalsList: SignalsListService;
    broadcaster: Broadcaster;
    subscriber: SignalSubscriber;
    streamLimits: StreamLimits;
    streamTuning: StreamTuning;
    streamConfig: { maxBufferBytes: number };
  }
}

export interface SignalCoreOptions {
  log: Logger;
  signals: SignalsReader;
  cache: Cache;
  bus: SignalBus;
  busLive?: () => boolean;
  metrics: Metrics;
  tuning: StreamTuning;
  cacheTtlS: number;
  maxBufferBytes: number;
  pingMs: number;
  maxStreamsPerClient: number;
  connectsPerMinute: number;
  /** How long streams get to flush and close on shutdown. */
  drainMs: number;
}

export const signalCorePlugin = fp(
  async (app: FastifyInstance, options: SignalCoreOptions) => {
    const { log } = options;
    const broadcaster = createBroadcaster({
      log: log.child({ module: 'sse-broadcaster' }),
      metrics: options.metrics,
      maxBufferBytes: options.maxBufferBytes,
      pingMs: options.pingMs,
    });
    const subscriber = createSignalSubscriber({
      bus: options.bus,
      signals: options.signals,
      broadcast: (events) => broadcaster.broadcast(events),
      log,
      ...(options.busLive ? { busLive: options.busLive } : {}),
      pageSize: options.tuning.pageSize,
      safetyCheckMs: options.tuning.safetyCheckMs,
    });
    const signalsList = createSignalsListService({
      signals: options.signals,
      cache: options.cache,
      subscriber,
      metrics: options.metrics,
      ttlSeconds: options.cacheTtlS,
      log: log.child({ module: 'signals-list' }),
    });

    app.decorate('signals', options.signals);
    app.decorate('signalsList', signalsList);
    app.decorate('broadcaster', broadcaster);
    app.decorate('subscriber', subscriber);
    app.decorate(
      'streamLimits',
      createStreamLimits({
        maxConcurrent: options.maxStreamsPerClient,
        connectsPerMinute: options.connectsPerMinute,
      }),
    );
    app.decorate('streamTuning', options.tuning);
    app.decorate('streamConfig', { maxBufferBytes: options.maxBufferBytes });

    app.addHook('onReady', async () => {
      await subscriber.start();
    });
    // preClose: before the server stops accepting and waits for connections, which streams would hold.
    app.addHook('preClose', async () => {
      await subscriber.stop();
      await broadcaster.drain(options.drainMs);
    });
  },
  { name: 'tpc-signal-core', fastify: '5.x' },
);
