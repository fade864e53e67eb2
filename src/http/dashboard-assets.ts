/**
 * The dashboard's static files (`GET /` and `/dashboard/*`): public, hold no data, read once at
 * startup and served from memory. The page's script is compiled by `npm run build` into
 * dist/http/dashboard/ next to the copied HTML and CSS.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type {} from '@fastify/swagger'; // types the route schema's `hide`
import type { FastifyInstance } from 'fastify';

const here = dirname(fileURLToPath(import.meta.url));

/** dist/http/dashboard when running compiled; from src (tests), the compiled copy under dist/. */
function assetsDir(): string {
  const candidates = [join(here, 'dashboard'), resolve(here, '../../dist/http/dashboard')];
  const found = candidates.find((dir) => existsSync(join(dir, 'dashboard.js')));
  if (!found)
    throw new Error(`dashboard assets not built (looked in ${candidates.join(', ')}): run npm run build`);
  return found;
}

const FILES = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/dashboard/dashboard.css': { file: 'dashboard.css', type: 'text/css; charset=utf-8' },
  '/dashboard/dashboard.js': { file: 'dashboard.js', type: 'text/javascript; charset=utf-8' },
} as const;

export async function dashboardAssets(app: FastifyInstance): Promise<void> {
  const dir = assetsDir();
  for (const [url, { file, type }] of Object.entries(FILES)) {
    const body = readFileSync(join(dir, file));
    app.get(url, { schema: { hide: true } }, async (_request, reply) =>
      reply.header('content-type', type).header('cache-control', 'no-cache').send(body),
    );
  }
}
