/**
 * R10: every route the OpenAPI document lists, except the public ones (API.md: /health, /ready,
 * /metrics, the dashboard shell and its assets), asked with no credentials, a wrong key (as
 * X-API-Key, as Bearer, in the sign-in body) and an expired session cookie (signed with the real
 * secret, so only the expiry is wrong) → 401/403, never data. Then every process's output is
 * searched for the keys, the wrong key and the session secret: none may appear.
 */
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { demoChunks, HEADER, printRow } from './audit.js';
import { API_KEYS, AUTH, GATEWAY_KEY, SESSION_SECRET, type Stack, startStack } from './harness.js';
import { waitFor } from './processes.js';

const PUBLIC = new Set(['/health', '/ready', '/metrics', '/', '/openapi.json']);
const WRONG_KEY = 'faults-wrong-key-3e9d0c55aa';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ apiEnv: { LOG_LEVEL: 'debug' }, ingestEnv: { LOG_LEVEL: 'debug' } });
});
afterAll(async () => {
  await stack?.close();
});

const sign = (value: string) =>
  `${value}.${createHmac('sha256', SESSION_SECRET).update(value).digest('base64').replace(/=+$/, '')}`;

it('R10: no key, wrong key, expired cookie → 401/403 on every non-public route; no key in any log', async () => {
  const api = stack.apis[0]!;
  await stack.sim.inject(demoChunks(1010)(50));
  await waitFor('some signals', async () => (await stack.facts.count('signals.tp_capital_signals')) > 0);

  // A real session, to forge an expired one from it.
  const signIn = await fetch(`${api.url}/auth/session`, { method: 'POST', headers: AUTH });
  expect(signIn.status).toBe(200);
  const setCookie = signIn.headers.get('set-cookie') ?? '';
  const [cookieName, cookieValue] = (setCookie.split(';')[0] ?? '').split('=') as [string, string];
  const unsigned = decodeURIComponent(cookieValue).replace(/\.[^.]+$/, '');
  const fingerprint = unsigned.split('.')[1];
  const cookieWith = (expires: number) =>
    `${cookieName}=${encodeURIComponent(sign(`${expires}.${fingerprint}`))}`;
  // The forgery is right but for the expiry: with a future expiry the same cookie is accepted.
  expect(
    (await fetch(`${api.url}/signals?limit=1`, { headers: { cookie: cookieWith(Date.now() + 60_000) } }))
      .status,
  ).toBe(200);
  const expired = cookieWith(Date.now() - 1000);

  const doc = (await (await fetch(`${api.url}/openapi.json`)).json()) as {
    paths: Record<string, Record<string, unknown>>;
  };
  const routes = Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.keys(methods)
      .filter((m) => ['get', 'post', 'put', 'patch', 'delete'].includes(m))
      .map((m) => ({ method: m.toUpperCase(), path: path.replace(/\{[^}]+\}/g, '1') })),
  );
  const guarded = routes.filter(
    (r) => !PUBLIC.has(r.path) && !(r.method === 'DELETE' && r.path === '/auth/session'),
  );
  expect(guarded.map((r) => `${r.method} ${r.path}`)).toEqual(
    expect.arrayContaining(['GET /signals', 'GET /signals/1', 'GET /signals/stream', 'POST /auth/session']),
  );

  const cases: { name: string; headers: Record<string, string>; body?: string; want: number[] }[] = [
    { name: 'no credentials', headers: {}, want: [401] },
    { name: 'wrong X-API-Key', headers: { 'x-api-key': WRONG_KEY }, want: [403] },
    { name: 'wrong Bearer', headers: { authorization: `Bearer ${WRONG_KEY}` }, want: [403] },
    { name: 'expired cookie', headers: { cookie: expired }, want: [401] },
    {
      name: 'tampered cookie',
      headers: {
        cookie: `${cookieName}=${encodeURIComponent(`${Date.now() + 60_000}.${fingerprint}.forged`)}`,
      },
      want: [403],
    },
  ];
  const statuses: Record<number, number> = {};
  const unexpected: string[] = [];
  let requests = 0;
  for (const route of guarded) {
    for (const c of cases) {
      const isSignIn = route.method === 'POST' && route.path === '/auth/session';
      const body =
        isSignIn && c.name === 'no credentials' ? JSON.stringify({ apiKey: WRONG_KEY }) : undefined;
      const response = await fetch(`${api.url}${route.path}`, {
        method: route.method,
        headers: { ...c.headers, ...(body ? { 'content-type': 'application/json' } : {}) },
        ...(body ? { body } : {}),
        signal: AbortSignal.timeout(5000),
      });
      await response.arrayBuffer();
      requests++;
      statuses[response.status] = (statuses[response.status] ?? 0) + 1;
      // A wrong key in the sign-in body is a wrong key: 403. Sign-in ignores cookies: no key is 401.
      const want = body ? [403] : isSignIn && c.name.includes('cookie') ? [401] : c.want;
      if (!want.includes(response.status))
        unexpected.push(`${route.method} ${route.path} ${c.name} → ${response.status}`);
    }
  }
  // The right key still works, so the above were refusals and not a broken server.
  expect(
    (await fetch(`${api.url}/signals?limit=1`, { headers: { authorization: `Bearer ${API_KEYS[0]}` } }))
      .status,
  ).toBe(200);

  await Promise.all(stack.all().map((p) => p.stop(5000)));
  const secrets = [...API_KEYS, WRONG_KEY, SESSION_SECRET, GATEWAY_KEY];
  const leaks: string[] = [];
  for (const p of stack.all())
    for (const secret of secrets)
      if (p.output().includes(secret)) leaks.push(`${p.name}: ${secret.slice(0, 12)}…`);
  const logLines = stack.all().reduce((n, p) => n + p.output().split('\n').length, 0);

  console.log(HEADER);
  printRow(
    'R10',
    `no/wrong key, expired/tampered cookie on ${guarded.length} routes`,
    {
      emitted: `${requests} req`,
      stored: '-',
      delivered: Object.entries(statuses)
        .map(([s, n]) => `${s}×${n}`)
        .join(' '),
      lost: unexpected.length,
      duplicated: leaks.length,
    },
    '-',
    { routes: guarded.map((r) => `${r.method} ${r.path}`), unexpected, leaks, logLines },
  );
  expect(unexpected).toEqual([]);
  expect(leaks).toEqual([]);
  expect(logLines).toBeGreaterThan(50); // the logs were really there to search
});
