/**
 * `GET /api/messages/unprocessed` (GATEWAY-CONTRACT.md §2): the polling fallback and the startup drain.
 * A non-2xx answer, `success: false`, or an answer that is not the contract's envelope is a failed poll
 * (it throws); each element of `data` goes through the boundary on its own, so one bad message never
 * fails the poll.
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
import { type Decoded, decodeMessageObject } from './message-schema.js';

export interface PollClientOptions extends GatewayEndpoint {
  processedBy: string;
  limit: number;
  timeoutMs: number;
  metrics?: Metrics | undefined;
  fetch?: FetchFn | undefined;
}

export interface PollClient {
  /** One page, oldest first. Throws GatewayRequestError when the poll failed. */
  poll(signal?: AbortSignal): Promise<Decoded[]>;
  readonly limit: number;
}

const envelope = z.object({ success: z.literal(true), data: z.array(z.unknown()) });

export function createPollClient(options: PollClientOptions): PollClient {
  const doFetch = options.fetch ?? fetch;
  const url = endpointUrl(options, '/api/messages/unprocessed', {
    channel: options.channelId,
    status: 'received,queued',
    excludeProcessedBy: options.processedBy,
    limit: String(options.limit),
  });

  async function request(signal?: AbortSignal): Promise<Decoded[]> {
    const bounded = requestSignal(options.timeoutMs, signal);
    try {
      return await send(bounded.signal);
    } finally {
      bounded.dispose();
    }
  }

  async function send(signal: AbortSignal): Promise<Decoded[]> {
    const response = await doFetch(url, {
      headers: { Accept: 'application/json', ...authHeaders(options) },
      signal,
    });
    const body = await readJsonAnswer('poll', response);
    const parsed = envelope.safeParse(body);
    if (!parsed.success) {
      const failed = typeof body === 'object' && body !== null && 'success' in body && body.success === false;
      throw new GatewayRequestError(
        'poll',
        failed ? 'http' : 'invalid',
        failed ? 'gateway poll answered success:false' : 'gateway poll answer is not the contract envelope',
        response.status,
      );
    }
    return parsed.data.data.map((item) => decodeMessageObject(item, null, options));
  }

  return {
    limit: options.limit,
    async poll(signal) {
      try {
        const decoded = await request(signal);
        countRequest(options.metrics, 'poll', 'ok');
        return decoded;
      } catch (error) {
        const failure = failureOf('poll', error);
        countRequest(options.metrics, 'poll', failure.outcome);
        throw failure;
      }
    },
  };
}
