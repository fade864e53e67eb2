/**
 * Authentication (API.md): `X-API-Key`, `Authorization: Bearer`, or the signed session cookie set by
 * POST /auth/session (for EventSource, which cannot send headers). Missing credentials → 401, wrong
 * ones → 403 (the legacy statuses); an expired session → 401 (sign in again); a tampered cookie → 403.
 * A session names the key it was minted with (by fingerprint), so rotating that key out ends it.
 *
 * Decorates `app.authenticate` (an onRequest hook for the protected scope), `app.keyRing` and the
 * session helpers used by the /auth/session routes.
 */
import { randomBytes } from 'node:crypto';
import cookie from '@fastify/cookie';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { AppError } from '../../errors.js';
import { createKeyRing, type KeyRing } from '../auth/key-ring.js';

export const SESSION_COOKIE = 'tpc_session';

export type AuthMethod = 'api-key' | 'bearer' | 'session' | 'open';

export interface Credentials {
  /** The key presented in a header, if any (for POST /auth/session, which also takes it in the body). */
  headerKey: string | null;
  method: 'api-key' | 'bearer' | null;
}

declare module 'fastify' {
  interface FastifyInstance {
    keyRing: KeyRing;
    authenticate: (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
    startSession: (reply: FastifyReply, fingerprint: string) => Date;
    endSession: (reply: FastifyReply) => void;
  }
  interface FastifyRequest {
    authMethod: AuthMethod | null;
  }
}

export interface AuthOptions {
  keys: readonly string[] | undefined;
  sessionSecret: string | undefined;
  sessionTtlS: number;
  now?: () => number;
}

/** The key in `X-API-Key` or `Authorization: Bearer`; a non-Bearer Authorization counts as missing. */
export function credentialsOf(request: FastifyRequest): Credentials {
  const apiKey = request.headers['x-api-key'];
  if (typeof apiKey === 'string' && apiKey !== '') return { headerKey: apiKey, method: 'api-key' };
  const authorization = request.headers.authorization;
  const bearer = authorization ? /^Bearer[ ]+(\S+)\s*$/i.exec(authorization) : null;
  if (bearer?.[1]) return { headerKey: bearer[1], method: 'bearer' };
  return { headerKey: null, method: null };
}

export const authPlugin = fp(
  async (app: FastifyInstance, options: AuthOptions) => {
    const now = options.now ?? Date.now;
    let secret = options.sessionSecret;
    if (!secret) {
      // Sessions then do not survive a restart and are not valid on another replica: set SESSION_SECRET.
      secret = randomBytes(32).toString('base64url');
      app.log.warn(
        'SESSION_SECRET is not set: sessions are per process (lost on restart, not shared by replicas)',
      );
    }
    const keyRing = createKeyRing(options.keys, secret);
    if (!keyRing.configured) {
      app.log.warn(
        'TP_CAPITAL_API_KEY is not set: the API is open to anyone who can reach it (development only)',
      );
    }
    await app.register(cookie, { secret, hook: 'onRequest' });

    app.decorate('keyRing', keyRing);
    app.decorateRequest('authMethod', null);

    const checkSession = (raw: string): string => {
      const unsigned = app.unsignCookie(raw);
      if (!unsigned.valid || unsigned.value === null) {
        throw new AppError('FORBIDDEN', 'The session cookie is not valid.', 403);
      }
      const [expires, fingerprint] = unsigned.value.split('.');
      const expiresAt = Number(expires);
      if (!Number.isFinite(expiresAt) || !fingerprint) {
        throw new AppError('FORBIDDEN', 'The session cookie is not valid.', 403);
      }
      if (expiresAt <= now())
        throw new AppError('UNAUTHORIZED', 'The session has expired; sign in again.', 401);
      if (!keyRing.knows(fingerprint)) {
        throw new AppError('UNAUTHORIZED', 'The session was signed with a key that is no longer valid.', 401);
      }
      return fingerprint;
    };

    app.decorate('authenticate', async (request: FastifyRequest) => {
      if (!keyRing.configured) {
        request.authMethod = 'open';
        return;
      }
      const { headerKey, method } = credentialsOf(request);
      if (headerKey !== null && method !== null) {
        if (keyRing.verify(headerKey) === null)
          throw new AppError('FORBIDDEN', 'The API key is not valid.', 403);
        request.authMethod = method;
        return;
      }
      const session = request.cookies[SESSION_COOKIE];
      if (session) {
        checkSession(session);
        request.authMethod = 'session';
        return;
      }
      throw new AppError(
        'UNAUTHORIZED',
        'Credentials required: X-API-Key, Authorization: Bearer, or a session from POST /auth/session.',
        401,
      );
    });

    app.decorate('startSession', (reply: FastifyReply, fingerprint: string) => {
      const expiresAt = new Date(now() + options.sessionTtlS * 1000);
      reply.setCookie(SESSION_COOKIE, `${expiresAt.getTime()}.${fingerprint}`, {
        signed: true,
        httpOnly: true,
        sameSite: 'strict',
        secure: 'auto',
        path: '/',
        maxAge: options.sessionTtlS,
        expires: expiresAt,
      });
      return expiresAt;
    });

    app.decorate('endSession', (reply: FastifyReply) => {
      reply.clearCookie(SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'strict', secure: 'auto' });
    });
  },
  { name: 'tpc-auth', fastify: '5.x', dependencies: ['tpc-error-handler'] },
);
