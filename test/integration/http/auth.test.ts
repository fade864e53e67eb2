/** The auth matrix (API.md "Authentication", TARGETS R10), rate limiting, CORS and public routes, via inject(). */
import { sign } from '@fastify/cookie';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKeyRing } from '../../../src/http/auth/key-ring.js';
import { SESSION_COOKIE } from '../../../src/http/plugins/auth.js';
import {
  commit,
  createTestApp,
  createWorld,
  KEYS,
  SESSION_SECRET,
  signalItem,
  testConfig,
  type World,
} from './harness.js';

let world: World;
let ctx: Awaited<ReturnType<typeof createTestApp>>;

beforeAll(async () => {
  world = await createWorld();
  ctx = await createTestApp(world);
  await commit(world, ctx.bus, [signalItem('PETR4')]);
});

afterAll(async () => {
  await ctx?.app.close();
  await world?.close();
});

const PROTECTED = ['/signals', '/signals/1', '/signals/stream'];

function sessionCookieOf(setCookie: string | string[] | undefined): string {
  const header = [setCookie ?? []].flat().find((c) => c.startsWith(`${SESSION_COOKIE}=`));
  if (!header) throw new Error('no session cookie set');
  return header.split(';')[0]!.slice(SESSION_COOKIE.length + 1);
}

describe('credentials', () => {
  it.each(PROTECTED)('%s without credentials is a 401 with the legacy body', async (url) => {
    const res = await ctx.app.inject({ url });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toEqual({ error: 'Unauthorized', message: expect.any(String), code: 'UNAUTHORIZED' });
  });

  it.each(PROTECTED)('%s with a wrong key is a 403 (X-API-Key and Bearer)', async (url) => {
    for (const headers of [{ 'x-api-key': 'wrong' }, { authorization: 'Bearer wrong' }]) {
      const res = await ctx.app.inject({ url, headers });
      expect(res.statusCode).toBe(403);
      expect(res.json()).toEqual({ error: 'Forbidden', message: expect.any(String), code: 'FORBIDDEN' });
    }
  });

  it('a non-Bearer Authorization counts as missing', async () => {
    expect(
      (await ctx.app.inject({ url: '/signals', headers: { authorization: `Basic ${KEYS[0]}` } })).statusCode,
    ).toBe(401);
  });

  it('accepts both rotated keys, as X-API-Key and as Bearer', async () => {
    for (const key of KEYS) {
      expect((await ctx.app.inject({ url: '/signals', headers: { 'x-api-key': key } })).statusCode).toBe(200);
      expect(
        (await ctx.app.inject({ url: '/signals', headers: { authorization: `Bearer ${key}` } })).statusCode,
      ).toBe(200);
    }
  });

  it('never echoes a key in a response', async () => {
    const res = await ctx.app.inject({ url: '/signals', headers: { 'x-api-key': 'wrong-secret-value' } });
    expect(res.body).not.toContain('wrong-secret-value');
  });
});

describe('sessions', () => {
  it('POST /auth/session with the key in a header or the body sets a signed HttpOnly SameSite=Strict cookie', async () => {
    for (const request of [
      { headers: { 'x-api-key': KEYS[0]! } },
      { headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ apiKey: KEYS[1] }) },
    ]) {
      const res = await ctx.app.inject({ method: 'POST', url: '/auth/session', ...request });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ authenticated: true, expires_at: expect.any(String) });
      const header = String([res.headers['set-cookie']].flat()[0]);
      expect(header).toMatch(/HttpOnly/);
      expect(header).toMatch(/SameSite=Strict/);
      expect(header).toMatch(/Path=\//);
      expect(header).toMatch(/Max-Age=43200/);
      expect(header).toMatch(/Expires=/);
      expect(header).not.toContain(KEYS[0]!);
      expect(header).not.toContain(KEYS[1]!);
      const cookie = sessionCookieOf(res.headers['set-cookie']);
      const list = await ctx.app.inject({ url: '/signals', cookies: { [SESSION_COOKIE]: cookie } });
      expect(list.statusCode).toBe(200);
    }
  });

  it('POST /auth/session without a key is a 401, with a wrong one a 403', async () => {
    expect((await ctx.app.inject({ method: 'POST', url: '/auth/session' })).statusCode).toBe(401);
    const wrong = await ctx.app.inject({
      method: 'POST',
      url: '/auth/session',
      headers: { 'content-type': 'application/json' },
      payload: '{"apiKey":"nope"}',
    });
    expect(wrong.statusCode).toBe(403);
    expect(wrong.headers['set-cookie']).toBeUndefined();
  });

  it('an expired session is a 401, a tampered one a 403', async () => {
    const fingerprint = createKeyRing(KEYS, SESSION_SECRET).verify(KEYS[0]!)!;
    const expired = sign(`${Date.now() - 1000}.${fingerprint}`, SESSION_SECRET);
    const res = await ctx.app.inject({ url: '/signals', cookies: { [SESSION_COOKIE]: expired } });
    expect(res.statusCode).toBe(401);
    expect(res.json().message).toMatch(/expired/);

    const valid = sessionCookieOf(
      (await ctx.app.inject({ method: 'POST', url: '/auth/session', headers: { 'x-api-key': KEYS[0]! } }))
        .headers['set-cookie'],
    );
    const [value, signature] = [
      valid.slice(0, valid.lastIndexOf('.')),
      valid.slice(valid.lastIndexOf('.') + 1),
    ];
    const later = value.replace(/^\d+/, String(Date.now() + 365 * 24 * 3600 * 1000));
    for (const tampered of [
      `${later}.${signature}`,
      `${value}.${signature.slice(0, -2)}xx`,
      'garbage',
      `${later}`,
    ]) {
      const attempt = await ctx.app.inject({ url: '/signals', cookies: { [SESSION_COOKIE]: tampered } });
      expect(attempt.statusCode).toBe(403);
    }
    // Signed with another secret (another deployment): not valid here.
    const foreign = sign(`${Date.now() + 60_000}.${fingerprint}`, 'another-secret-another-secret-xx');
    expect(
      (await ctx.app.inject({ url: '/signals', cookies: { [SESSION_COOKIE]: foreign } })).statusCode,
    ).toBe(403);
  });

  it('rotating a key out ends its sessions; the other key keeps working', async () => {
    const oldSession = sessionCookieOf(
      (await ctx.app.inject({ method: 'POST', url: '/auth/session', headers: { 'x-api-key': KEYS[0]! } }))
        .headers['set-cookie'],
    );
    const newSession = sessionCookieOf(
      (await ctx.app.inject({ method: 'POST', url: '/auth/session', headers: { 'x-api-key': KEYS[1]! } }))
        .headers['set-cookie'],
    );
    const rotated = await createTestApp(world, { config: testConfig({ TP_CAPITAL_API_KEY: KEYS[1]! }) });
    try {
      const inject = (cookie: string) =>
        rotated.app.inject({ url: '/signals', cookies: { [SESSION_COOKIE]: cookie } });
      expect((await inject(oldSession)).statusCode).toBe(401);
      expect((await inject(newSession)).statusCode).toBe(200);
      expect(
        (await rotated.app.inject({ url: '/signals', headers: { 'x-api-key': KEYS[0]! } })).statusCode,
      ).toBe(403);
    } finally {
      await rotated.app.close();
    }
  });

  it('DELETE /auth/session clears the cookie', async () => {
    const res = await ctx.app.inject({ method: 'DELETE', url: '/auth/session' });
    expect(res.statusCode).toBe(204);
    expect(String([res.headers['set-cookie']].flat()[0])).toMatch(
      new RegExp(`^${SESSION_COOKIE}=;.*Expires=Thu, 01 Jan 1970`),
    );
  });
});

describe('public routes and open mode', () => {
  it('serves /health, /ready, /metrics and /openapi.json without credentials', async () => {
    for (const url of ['/health', '/ready', '/metrics', '/openapi.json']) {
      expect((await ctx.app.inject({ url })).statusCode, url).toBe(200);
    }
  });

  it('protects /metrics with METRICS_TOKEN when it is set', async () => {
    const guarded = await createTestApp(world, { config: testConfig({ METRICS_TOKEN: 'scrape-token' }) });
    try {
      expect((await guarded.app.inject({ url: '/metrics' })).statusCode).toBe(401);
      const wrong = await guarded.app.inject({ url: '/metrics', headers: { authorization: 'Bearer nope' } });
      expect(wrong.statusCode).toBe(403);
      const right = await guarded.app.inject({
        url: '/metrics',
        headers: { authorization: 'Bearer scrape-token' },
      });
      expect(right.statusCode).toBe(200);
      expect(right.headers['content-type']).toMatch(/^text\/plain/);
    } finally {
      await guarded.app.close();
    }
  });

  it('without a configured key everything is open, and /ready says so', async () => {
    const env = { ...Object.fromEntries(Object.entries(testConfig())), TP_CAPITAL_API_KEY: undefined };
    const open = await createTestApp(world, { config: Object.freeze(env) as ReturnType<typeof testConfig> });
    try {
      expect((await open.app.inject({ url: '/signals' })).statusCode).toBe(200);
      const ready = (await open.app.inject({ url: '/ready' })).json();
      expect(ready.auth).toEqual({ keyConfigured: false });
      expect(ready.warnings).toContain('TP_CAPITAL_API_KEY is not set: the API is open');
    } finally {
      await open.app.close();
    }
  });
});

describe('protection', () => {
  it('rate limits with 429, Retry-After and the legacy body', async () => {
    const limited = await createTestApp(world, {
      config: testConfig({ RATE_LIMIT_MAX: '3', RATE_LIMIT_WINDOW_MS: '60000' }),
    });
    try {
      const statuses: number[] = [];
      let last: Awaited<ReturnType<typeof limited.app.inject>> | undefined;
      for (let i = 0; i < 5; i++) {
        last = await limited.app.inject({ url: '/signals', headers: { 'x-api-key': KEYS[0]! } });
        statuses.push(last.statusCode);
      }
      expect(statuses).toEqual([200, 200, 200, 429, 429]);
      expect(Number(last!.headers['retry-after'])).toBeGreaterThan(0);
      expect(last!.json()).toEqual({
        error: 'Too Many Requests',
        message: expect.any(String),
        code: 'RATE_LIMITED',
      });
      // Probes are not rate limited.
      expect((await limited.app.inject({ url: '/health' })).statusCode).toBe(200);
      // Another client has its own budget.
      const other = await limited.app.inject({
        url: '/signals',
        headers: { 'x-api-key': KEYS[0]! },
        remoteAddress: '10.0.0.9',
      });
      expect(other.statusCode).toBe(200);
    } finally {
      await limited.app.close();
    }
  });

  it('answers CORS only for allowed origins, and sets security headers', async () => {
    const cors = await createTestApp(world, { config: testConfig({ CORS_ORIGIN: 'https://dash.example' }) });
    try {
      const preflight = (origin: string) =>
        cors.app.inject({
          method: 'OPTIONS',
          url: '/signals',
          headers: {
            origin,
            'access-control-request-method': 'GET',
            'access-control-request-headers': 'x-api-key',
          },
        });
      const allowed = await preflight('https://dash.example');
      expect(allowed.headers['access-control-allow-origin']).toBe('https://dash.example');
      expect(allowed.headers['access-control-allow-credentials']).toBe('true');
      const denied = await preflight('https://evil.example');
      expect(denied.headers['access-control-allow-origin']).toBeUndefined();
      const res = await cors.app.inject({ url: '/health' });
      expect(res.headers['content-security-policy']).toMatch(/default-src 'self'/);
      expect(res.headers['x-content-type-options']).toBe('nosniff');
    } finally {
      await cors.app.close();
    }
  });
});
