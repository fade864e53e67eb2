/**
 * Correlation ids and request metrics. Fastify's request id is the correlation id: taken from the
 * request's `x-correlation-id` when it looks like one, generated otherwise (see `correlationIdOf`), in
 * every log line of the request and echoed on every response. Each finished request is observed in
 * tp_capital_http_request_duration_seconds by route pattern (never the raw URL: bounded cardinality).
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Metrics } from '../../metrics.js';

const CORRELATION_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Fastify `genReqId`: the caller's correlation id when it is sane, a fresh UUID otherwise. */
export function correlationIdOf(request: IncomingMessage): string {
  const given = request.headers['x-correlation-id'];
  return typeof given === 'string' && CORRELATION_ID.test(given) ? given : randomUUID();
}

export interface ObservabilityOptions {
  metrics: Pick<Metrics, 'httpDuration'>;
  /** Routes whose duration is not a request's (long-lived streams). */
  unmeasured?: string[];
}

export const observabilityPlugin = fp(
  async (app: FastifyInstance, options: ObservabilityOptions) => {
    const unmeasured = new Set(options.unmeasured ?? []);
    app.addHook('onRequest', async (request, reply) => {
      reply.header('x-correlation-id', request.id);
    });
    app.addHook('onResponse', async (request, reply) => {
      const route = request.routeOptions.url ?? 'unmatched';
      if (unmeasured.has(route)) return;
      const seconds = reply.elapsedTime / 1000;
      options.metrics.httpDuration.observe(
        { method: request.method, route, status_code: String(reply.statusCode) },
        seconds,
      );
      // Request lines at debug: at thousands of requests a second, info would drown the log.
      request.log.debug(
        { method: request.method, route, statusCode: reply.statusCode, ms: reply.elapsedTime },
        'request',
      );
    });
  },
  { name: 'tpc-observability', fastify: '5.x' },
);
