/**
 * `POST /api/messages/mark-processed` (GATEWAY-CONTRACT.md §3). The caller acknowledges only messages
 * of the configured channel (the real gateway matches message ids alone). A non-2xx answer or
 * `success: false` is a failed ack (it throws).
 */
import { z } from 'zod';
import type { Metrics } from '../metrics.js';
import {
  authHeaders,
  countRequest,
  endpointUrl,
  type FetchFn,
  failureOf,
  type GatewayEndpoint,
  GatewayRequestError,
  readJsonAnswer,
  requestSignal,
} from './gateway-http.js';

export interface AckClientOptions extends GatewayEndpoint {
  processedBy: string;
  timeoutMs: number;
  metrics?: Metrics | undefined;
  fetch?: FetchFn | undefined;
}

export interface AckClient {
  ack(messageIds: readonly string[], signal?: AbortSignal): Promise<void>;
}

const okAnswer = z.object({ success: z.literal(true) });

export function createAckClient(options: AckClientOptions): AckClient {
  const doFetch = options.fetch ?? fetch;
  const url = endpointUrl(options, '/api/messages/mark-processed', {});

  async function request(messageIds: readonly string[], signal?: AbortSignal): Promise<void> {
    const bounded = requestSignal(options.timeoutMs, signal);
    try {
      await send(messageIds, bounded.signal);
    } finally {
      bounded.dispose();
    }
  }

  async function send(messageIds: readonly string[], signal: AbortSignal): Promise<void> {
    const response = await doFetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json', ...authHeaders(options) },
      body: JSON.stringify({ messageIds, processedBy: options.processedBy }),
      signal,
    });
    const body = await readJsonAnswer('ack', response);
    if (!okAnswer.safeParse(body).success) {
      throw new GatewayRequestError('ack', 'http', 'gateway ack answered success:false', response.status);
    }
  }

  return {
    async ack(messageIds, signal) {
      if (messageIds.length === 0) return;
      try {
        await request(messageIds, signal);
        countRequest(options.metrics, 'ack', 'ok');
      } catch (error) {
        const failure = failureOf('ack', error);
        countRequest(options.metrics, 'ack', failure.outcome);
        throw failure;
      }
    },
  };
}
