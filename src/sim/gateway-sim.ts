/**
 * gateway-sim: a stand-in Telegram Gateway served from memory (GATEWAY-CONTRACT.md), with a feed, fault
 * injection and a report of what it emitted, for the demo, the tests and the benchmarks.
 */
import Fastify from 'fastify';
import type { Logger } from '../logger.js';
import { registerControlRoutes } from './control-routes.js';
import { createDemoFeed } from './demo-feed.js';
import { createFaults } from './faults.js';
import { loadFeedFile } from './feed-file.js';
import { createFeedRunner } from './feed-runner.js';
import { registerGatewayRoutes } from './gateway-routes.js';
import { createMessageStore } from './message-store.js';
import { createSimControl, type SimControl } from './sim-control.js';
import type { PartialMessage } from './sim-message.js';
import { createStats } from './stats.js';
import { createStreamHub } from './stream-hub.js';

export const DEFAULT_CHANNEL_ID = '-1001649127710';

export interface GatewaySimOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: string;
  channelId?: string;
  /** When set, the gateway endpoints (not /health, not /__sim) require it. */
  apiKey?: string | null;
  /** `demo` (generated posts), `none` (only injections; the default) or the path of a .jsonl file. */
  feed?: 'demo' | 'none' | (string & {});
  /** Feed messages per second (default 1); 0 emits only what is injected or advanced. */
  rate?: number;
  /** Seed of the demo feed (default 1). */
  seed?: number;
  pingMs?: number;
  /** The `retry:` the streams announce (default 1000 ms). */
  retryMs?: number;
  /** First cursor minus one (default: now in µs, so that cursors also grow across restarts). */
  cursorBase?: number;
  log?: Logger;
}

export interface GatewaySim {
  url: string;
  port: number;
  control: SimControl;
  /** Ends the streams, stops the feed and closes the server. */
  close(): Promise<void>;
}

async function feedSource(options: GatewaySimOptions): Promise<() => PartialMessage | undefined> {
  const feed = options.feed ?? 'none';
  if (feed === 'none') return () => undefined;
  if (feed === 'demo') {
    const demo = createDemoFeed({ seed: options.seed ?? 1, clock: Date.now });
    return () => {
      const { kind: _kind, ...post } = demo.next();
      return post;
    };
  }
  // A bad file throws here, before anything listens.
  const lines = await loadFeedFile(feed);
  let index = 0;
  return () => lines[index++];
}

export async function createGatewaySim(options: GatewaySimOptions = {}): Promise<GatewaySim> {
  const channelId = options.channelId ?? DEFAULT_CHANNEL_ID;
  const log = options.log;
  const next = await feedSource(options);

  const store = createMessageStore(
    options.cursorBase === undefined ? {} : { cursorBase: options.cursorBase },
  );
  const faults = createFaults();
  const stats = createStats();
  const hub = createStreamHub({
    store,
    faults,
    pingMs: options.pingMs ?? 15_000,
    retryMs: options.retryMs ?? 1000,
    log,
  });
  const feed = createFeedRunner({
    next,
    rate: options.rate ?? 1,
    emit(message) {
      const event = store.append(message, { channelId });
      hub.notify(event.channelId);
    },
  });
  const control = createSimControl({ store, hub, faults, stats, feed, channelId, log });

  // Injections of 1 MB texts are part of the bad-input tests: allow large bodies.
  const app = Fastify({ logger: false, bodyLimit: 64 * 1024 * 1024, forceCloseConnections: true });
  app.setErrorHandler((error: { statusCode?: number; message: string }, _request, reply) => {
    const status = error.statusCode !== undefined && error.statusCode >= 400 ? error.statusCode : 500;
    if (status >= 500) log?.error({ err: error }, 'gateway-sim request failed');
    return reply
      .code(status)
      .send({ success: false, message: status >= 500 ? 'Internal server error' : error.message });
  });
  registerGatewayRoutes(app, { store, hub, faults, stats, apiKey: options.apiKey ?? null });
  registerControlRoutes(app, control);

  try {
    await app.listen({ port: options.port ?? 0, host: options.host ?? '127.0.0.1' });
  } catch (error) {
    feed.close();
    hub.close();
    throw error;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : (options.port ?? 0);
  const host = options.host ?? '127.0.0.1';
  const urlHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  const url = `http://${urlHost}:${port}`;
  log?.info(
    { url, channelId, feed: options.feed ?? 'none', rate: options.rate ?? 1 },
    'gateway-sim listening',
  );

  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    control,
    close() {
      closing ??= (async () => {
        feed.close();
        hub.close();
        hub.endAll();
        await app.close();
        log?.info('gateway-sim closed');
      })();
      return closing;
    },
  };
}
