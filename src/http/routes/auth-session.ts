/**
 * POST /auth/session: trade a valid API key (header, or JSON body `{"apiKey": "..."}`) for a signed,
 * HttpOnly, SameSite=Strict session cookie with an expiry, so a browser's EventSource can authenticate
 * without a key in the URL. DELETE /auth/session signs out.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { AppError } from '../../errors.js';
import { errorBodySchema } from '../errors.js';
import { credentialsOf } from '../plugins/auth.js';
import type { ZodTypeProvider } from '../zod-provider.js';

const sessionBody = z
  .object({ apiKey: z.string().min(1, 'must not be empty').max(1024, 'is too long').optional() })
  .nullish();

const sessionCreated = z
  .object({ authenticated: z.literal(true), expires_at: z.string() })
  .meta({ description: 'Signed in; the session cookie is set' });

export async function authSessionRoutes(app: FastifyInstance): Promise<void> {
  const typed = app.withTypeProvider<ZodTypeProvider>();

  typed.post(
    '/auth/session',
    {
      schema: {
        summary: 'Sign in: exchange an API key for a session cookie',
        tags: ['auth'],
        body: sessionBody,
        response: {
          200: sessionCreated,
          400: errorBodySchema,
          401: errorBodySchema.meta({ description: 'No key given' }),
          403: errorBodySchema.meta({ description: 'Wrong key' }),
          429: errorBodySchema,
        },
      },
    },
    async (request, reply) => {
      const presented = credentialsOf(request).headerKey ?? request.body?.apiKey ?? null;
      if (presented === null && app.keyRing.configured) {
        throw new AppError('UNAUTHORIZED', 'An API key is required (X-API-Key, Bearer, or {"apiKey"}).', 401);
      }
      const fingerprint = app.keyRing.verify(presented ?? '');
      if (fingerprint === null) throw new AppError('FORBIDDEN', 'The API key is not valid.', 403);
      const expiresAt = app.startSession(reply, fingerprint);
      return { authenticated: true as const, expires_at: expiresAt.toISOString() };
    },
  );

  typed.delete(
    '/auth/session',
    {
      schema: {
        summary: 'Sign out: clear the session cookie',
        tags: ['auth'],
        response: { 204: z.null().meta({ description: 'Signed out' }), 429: errorBodySchema },
      },
    },
    async (_request, reply) => {
      app.endSession(reply);
      return reply.code(204).send(null);
    },
  );
}
