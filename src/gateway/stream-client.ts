/**
 * `GET /api/messages/stream` (GATEWAY-CONTRACT.md §1) with eventsource 4, one EventSource per
 * connection: the caller owns reconnects (eventsource gives up after a non-200 answer and would retry
 * on its own fixed delay otherwise), so the first error of any kind ends the session. A custom `fetch`
 * sends the API key and our own Last-Event-ID (the cursor the caller chose), and wraps the body reader:
 *  - every chunk read feeds the watchdog (pings are bytes too): silence for `watchdogMs` ends the session;
 *  - `waitForRoom()` is awaited before each read, so a full pipeline stops reading (TCP backpressure)
 *    and the watchdog sleeps meanwhile.
 * Event names are seen by overriding `dispatchEvent`, so an unknown event name is reported, not lost.
 */
import { EventSource, type FetchLike, type FetchLikeResponse, type ReaderLike } from 'eventsource';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import {
  authHeaders,
  countRequest,
  endpointUrl,
  type FetchFn,
  type GatewayEndpoint,
} from './gateway-http.js';
import { type Decoded, decodeStreamEvent } from './message-schema.js';

export interface StreamDelivery {
  /** The SSE `id:` of the event (the gateway cursor); null when absent or unusable. */
  cursor: string | null;
  decoded: Decoded;
}

export interface StreamEnd {
  reason: 'closed' | 'eof' | 'error' | 'watchdog';
  /** Whether this counts as a failure of the stream (everything but our close and a clean end). */
  failure: boolean;
  detail?: string | undefined;
}

export interface StreamHandlers {
  onDelivery(delivery: StreamDelivery): void;
  /** Null when there is room; otherwise a promise that settles when there is. */
  waitForRoom(): Promise<void> | null;
}

export interface StreamSession {
  /** Settles when the gateway answered 200 text/event-stream; rejects when the attempt failed first. */
  readonly opened: Promise<void>;
  /** Settles once the session is over, whatever the reason. Never rejects. */
  readonly ended: Promise<StreamEnd>;
  close(): void;
}

export interface StreamClient {
  open(cursor: string | null, handlers: StreamHandlers): StreamSession;
}

export interface StreamClientOptions extends GatewayEndpoint {
  watchdogMs: number;
  /** Upper bound on waiting for the answer's headers. */
  connectTimeoutMs: number;
  log: Logger;
  metrics?: Metrics | undefined;
  fetch?: FetchFn | undefined;
}

/** Cursors are opaque but untrusted: bounded and printable, else not used. */
const USABLE_CURSOR = /^[\x21-\x7e]{1,256}$/;

class TappedEventSource extends EventSource {
  tap: ((event: MessageEvent) => void) | null = null;
  override dispatchEvent(event: Event): boolean {
    if (this.tap && event instanceof MessageEvent) this.tap(event);
    return super.dispatchEvent(event);
  }
}

export function createStreamClient(options: StreamClientOptions): StreamClient {
  const doFetch = options.fetch ?? fetch;
  const url = endpointUrl(options, '/api/messages/stream', { channel: options.channelId });
  const boundary = { channelId: options.channelId };

  return {
    open(cursor, handlers) {
      let settled = false;
      let opened = false;
      let watchdog: NodeJS.Timeout | undefined;
      let connectTimer: NodeJS.Timeout | undefined;
      let resolveOpened!: () => void;
      let rejectOpened!: (error: Error) => void;
      let resolveEnded!: (end: StreamEnd) => void;
      const openedPromise = new Promise<void>((resolve, reject) => {
        resolveOpened = resolve;
        rejectOpened = reject;
      });
      // Nobody may be listening when a session is closed before the caller awaited `opened`.
      openedPromise.catch(() => {});
      const ended = new Promise<StreamEnd>((resolve) => {
        resolveEnded = resolve;
      });

      const armWatchdog = () => {
        clearTimeout(watchdog);
        if (settled || !opened) return;
        watchdog = setTimeout(() => {
          countRequest(options.metrics, 'stream', 'watchdog');
          finish({ reason: 'watchdog', failure: true, detail: `no bytes for ${options.watchdogMs} ms` });
        }, options.watchdogMs);
      };

      const wrapReader = (inner: ReaderLike): ReaderLike => ({
        async read() {
          const wait = handlers.waitForRoom();
          if (wait) {
            clearTimeout(watchdog);
            await Promise.race([wait, ended]);
          }
          armWatchdog();
          const result = await inner.read();
          armWatchdog();
          return result;
        },
        cancel: () => inner.cancel(),
      });

      const customFetch: FetchLike = async (target, init) => {
        const headers: Record<string, string> = { ...init.headers, ...authHeaders(options) };
        if (cursor !== null) headers['Last-Event-ID'] = cursor;
        const response = await doFetch(target, { ...init, headers });
        const body = response.body;
        const wrapped: FetchLikeResponse = {
          status: response.status,
          url: response.url,
          redirected: response.redirected,
          headers: response.headers,
          body: body ? { getReader: () => wrapReader(body.getReader()) } : null,
        };
        return wrapped;
      };

      const source = new TappedEventSource(url, { fetch: customFetch });

      function finish(end: StreamEnd): void {
        if (settled) return;
        settled = true;
        clearTimeout(watchdog);
        clearTimeout(connectTimer);
        source.tap = null;
        source.onopen = null;
        source.onerror = null;
        source.close();
        if (!opened) rejectOpened(new Error(end.detail ?? `stream ${end.reason}`));
        resolveEnded(end);
      }

      connectTimer = setTimeout(() => {
        countRequest(options.metrics, 'stream', 'timeout');
        finish({ reason: 'error', failure: true, detail: `no answer within ${options.connectTimeoutMs} ms` });
      }, options.connectTimeoutMs);

      source.onopen = () => {
        if (settled) return;
        opened = true;
        clearTimeout(connectTimer);
        countRequest(options.metrics, 'stream', 'ok');
        armWatchdog();
        resolveOpened();
      };
      source.onerror = (event) => {
        if (settled) return;
        // eventsource reports a clean end of the body as an error without a message; a reset, a
        // non-200 answer or a wrong content type carry one.
        const detail = event.message ?? (event.code ? `status ${event.code}` : undefined);
        if (!opened) countRequest(options.metrics, 'stream', event.code ? 'http' : 'network');
        if (opened && detail === undefined) finish({ reason: 'eof', failure: false, detail: 'stream ended' });
        else finish({ reason: 'error', failure: true, detail: detail ?? 'stream failed' });
      };
      source.tap = (event) => {
        if (settled) return;
        const data = typeof event.data === 'string' ? event.data : '';
        const id = event.lastEventId;
        const usable = id !== '' && USABLE_CURSOR.test(id) && event.type !== 'ping';
        try {
          handlers.onDelivery({
            cursor: usable ? id : null,
            decoded: decodeStreamEvent(event.type, data, boundary),
          });
        } catch (error) {
          options.log.error({ err: error }, 'stream delivery handler failed');
        }
      };

      return {
        opened: openedPromise,
        ended,
        close: () => finish({ reason: 'closed', failure: false }),
      };
    },
  };
}
