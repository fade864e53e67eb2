/**
 * Request protection: security headers (helmet, with a CSP for the same-origin dashboard page), the
 * CORS allow-list, and the rate limit — shared by every replica through Redis when Redis is given
 * (skipped, not failed, while Redis is down), per process otherwise. Routes opt out with
 * `config: { rateLimit: false }` (probes, metrics, and the stream, which has its own limits).
 */
import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Redis } from 'ioredis';
import { AppError } from '../../errors.js';

export interface ProtectionOptions {
  corsOrigins: readonly string[] | undefined;
  rateLimitMax: number;
  rateLimitWindowMs: number;
  redis?: Redis;
  redisKeyPrefix: string;
}

export const protectionPlugin = fp(
  async (app: FastifyInstance, options: ProtectionOptions) => {
    await app.register(helmet, {
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          'default-src': ["'self'"],
          'script-src': ["'self'"],
          'style-src': ["'self'"],
          'img-src': ["'self'", 'data:'],
          'connect-src': ["'self'"],
          'font-src': ["'self'"],
          'object-src': ["'none'"],
          'base-uri': ["'self'"],
          'form-action': ["'self'"],
          'frame-ancestors': ["'none'"],
        },
      },
      // Served over plain HTTP behind the stack's proxy too: no upgrade-insecure-requests, no HSTS here.
      strictTransportSecurity: false,
      crossOriginResourcePolicy: { policy: 'same-site' },
    });

    await app.register(cors, {
      origin: options.corsOrigins ? [...options.corsOrigins] : false,
      credentials: true,
      methods: ['GET', 'HEAD', 'POST', 'DELETE'],
      allowedHeaders: [
        'X-API-Key',
        'Authorization',
        'Content-Type',
        'Last-Event-ID',
        'If-None-Match',
        'X-Correlation-Id',
      ],
      exposedHeaders: ['X-Correlation-Id', 'ETag', 'Retry-After', 'X-Latest-Seq'],
      maxAge: 600,
    });

    await app.register(rateLimit, {
      global: true,
      max: options.rateLimitMax,
      timeWindow: options.rateLimitWindowMs,
      ...(options.redis ? { redis: options.redis, nameSpace: `${options.redisKeyPrefix}ratelimit:` } : {}),
      skipOnError: true,
      keyGenerator: (request) => request.ip,
      errorResponseBuilder: (_request, context) =>
        new AppError(
          'RATE_LIMITED',
          `Rate limit exceeded: at most ${context.max} requests per ${Math.round(options.rateLimitWindowMs / 1000)} s; retry in ${context.after}.`,
          context.statusCode,
        ),
    });
  },
  { name: 'tpc-protection', fastify: '5.x', dependencies: ['tpc-error-handler'] },
);
