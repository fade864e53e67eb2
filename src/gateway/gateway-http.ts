/**
 * What the three gateway clients share: the auth header, the one error type for a failed request, and
 * the `tp_capital_gateway_requests_total{kind,outcome}` bookkeeping.
 */
import { AppError } from '../errors.js';
import type { Metrics } from '../metrics.js';

export type GatewayRequestKind = 'stream' | 'poll' | 'ack';
/** ok · http (non-2xx or success:false) · invalid (unreadable answer) · network · timeout · watchdog. */
export type GatewayOutcome = 'ok' | 'http' | 'invalid' | 'network' | 'timeout' | 'watchdog' | 'breaker_open';

export interface GatewayEndpoint {
  /** e.g. http://127.0.0.1:4010 (no trailing path). */
  baseUrl: string;
  apiKey: string | undefined;
  channelId: string;
}

export type FetchFn = typeof fetch;

/** A failed gateway request. `outcome` says how it failed; the cause is chained. */
export class GatewayRequestError extends AppError {
  constructor(
    readonly kind: GatewayRequestKind,
    readonly outcome: Exclude<GatewayOutcome, 'ok'>,
    message: string,
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super('GATEWAY_UNAVAILABLE', message, 503, options);
  }
}

export function authHeaders(endpoint: GatewayEndpoint): Record<string, string> {
  return endpoint.apiKey ? { 'X-API-Key': endpoint.apiKey } : {};
}

export function endpointUrl(endpoint: GatewayEndpoint, path: string, query: Record<string, string>): URL {
  const url = new URL(path, endpoint.baseUrl.endsWith('/') ? endpoint.baseUrl : `${endpoint.baseUrl}/`);
  for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
  return url;
}

/** The JSON body of a gateway answer; a non-2xx status or unreadable JSON is a failed request. */
export async function readJsonAnswer(kind: GatewayRequestKind, response: Response): Promise<unknown> {
  const text = await response.text();
  if (!response.ok) {
    throw new GatewayRequestError(
      kind,
      'http',
      `gateway ${kind} answered ${response.status}`,
      response.status,
    );
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new GatewayRequestError(kind, 'invalid', `gateway ${kind} answered invalid JSON`, response.status, {
      cause: error,
    });
  }
}

/** Classifies a thrown fetch/abort error. */
export function failureOf(kind: GatewayRequestKind, error: unknown): GatewayRequestError {
  if (error instanceof GatewayRequestError) return error;
  const name = error instanceof Error ? error.name : '';
  if (name === 'TimeoutError' || name === 'AbortError') {
    return new GatewayRequestError(kind, 'timeout', `gateway ${kind} timed out`, undefined, { cause: error });
  }
  const detail = error instanceof Error ? error.message : String(error);
  return new GatewayRequestError(kind, 'network', `gateway ${kind} failed: ${detail}`, undefined, {
    cause: error,
  });
}

/**
 * A signal that aborts after `ms` or when `outer` aborts. Disposed explicitly (rather than with
 * AbortSignal.any) so that a long polling run leaves no listener behind on the outer signal.
 */
export function requestSignal(ms: number, outer?: AbortSignal): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new DOMException('request timed out', 'TimeoutError')), ms);
  const forward = () => controller.abort(outer?.reason);
  if (outer?.aborted) forward();
  else outer?.addEventListener('abort', forward, { once: true });
  return {
    signal: controller.signal,
    dispose() {
      clearTimeout(timer);
      outer?.removeEventListener('abort', forward);
    },
  };
}

export function countRequest(
  metrics: Metrics | undefined,
  kind: GatewayRequestKind,
  outcome: GatewayOutcome,
): void {
  metrics?.gatewayRequests.inc({ kind, outcome });
}
