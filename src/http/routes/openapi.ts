/** GET /openapi.json — the OpenAPI 3 document @fastify/swagger builds from the route schemas. */
import type { FastifyInstance } from 'fastify';

export async function openApiRoute(app: FastifyInstance): Promise<void> {
  app.get(
    '/openapi.json',
    { config: { rateLimit: false }, schema: { hide: true } },
    async (_request, reply) => reply.type('application/json; charset=utf-8').send(app.swagger()),
  );
}
