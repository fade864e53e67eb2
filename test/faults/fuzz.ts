/**
 * Deterministic fuzz inputs for R9: gateway stream events (malformed in every way the boundary must
 * survive) and API requests (bad params, huge headers, invalid cursors, injection strings).
 */
import type { RawEventInput } from '../../src/sim/sim-control.js';

/** mulberry32: small, seeded, good enough to spread the cases. */
export function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n: number) => Math.floor(next() * n),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T,
  };
}
type Rng = ReturnType<typeof rng>;

const INJECTIONS = [
  "'; DROP TABLE signals.tp_capital_signals; --",
  "' OR '1'='1",
  '<script>alert(1)</script>',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the log4shell probe, literally
  '${jndi:ldap://x/a}',
  '../../../../etc/passwd',
  '%00%0d%0aSet-Cookie: a=b',
  '{{7*7}}',
  '\u202e\u0000\ud800',
  '𝕿𝖊𝖘𝖙 🚀 ﷽',
];

function randomString(r: Rng, max: number): string {
  const n = r.int(max);
  let s = '';
  for (let i = 0; i < n; i++) s += String.fromCharCode(r.int(0x10000));
  return s;
}

const BAD_DATES = [
  '2025-13-45T99:99:99Z',
  '',
  'not a date',
  '0000-00-00',
  '9999999-01-01T00:00:00Z',
  'NaN',
  '2025-11-03',
];

export const GATEWAY_FUZZ_KINDS = [
  'random-bytes',
  'json-scalar',
  'wrong-types',
  'invalid-date',
  'nul',
  'missing-fields',
  'unknown-event',
  'deep-json',
  'huge-text',
  'garbage-text',
] as const;

/** The i-th fuzzed gateway event (ids unique per i, so no two attributable ones are one version). */
export function gatewayFuzz(r: Rng, i: number, channelId: string): { kind: string; input: RawEventInput } {
  // Heavy cases are rare: a few 1 MB texts and deep documents in the whole run.
  const kind =
    i % 5000 === 7
      ? 'huge-text'
      : i % 5000 === 11
        ? 'deep-json'
        : r.pick(GATEWAY_FUZZ_KINDS.slice(0, 7).concat('garbage-text'));
  const base = {
    id: `fz-${i}`,
    channelId,
    messageId: String(50_000_000 + i),
    telegramDate: new Date(Date.UTC(2027, 0, 1) + i * 1000).toISOString(),
    text: `fuzz ${i} ${INJECTIONS[i % INJECTIONS.length]}`,
    status: 'received',
  };
  switch (kind) {
    case 'random-bytes':
      return { kind, input: { data: randomString(r, 200) } };
    case 'json-scalar':
      return { kind, input: { data: JSON.stringify(r.pick([42, null, 'text', [1, 2], true, -0.5, {}])) } };
    case 'wrong-types':
      return {
        kind,
        input: {
          data: {
            ...base,
            ...r.pick([
              { messageId: 12345 },
              { messageId: { a: 1 } },
              { text: 42 },
              { text: ['a'] },
              { channelId: null },
              { telegramDate: 17 },
              { messageId: '' },
            ]),
          },
        },
      };
    case 'invalid-date':
      return { kind, input: { data: { ...base, telegramDate: r.pick(BAD_DATES) } } };
    case 'nul':
      return { kind, input: { data: { ...base, text: `Compra PETR4\u0000 ${i}` } } };
    case 'missing-fields': {
      const { messageId: _m, ...withoutId } = base;
      const { telegramDate: _t, ...withoutDate } = base;
      return { kind, input: { data: r.pick([withoutId, withoutDate, { text: base.text }]) } };
    }
    case 'unknown-event':
      return {
        kind,
        input: {
          event: r.pick(['message.exploded', 'MESSAGE', 'x'.repeat(300), 'message\u0000']),
          data: base,
        },
      };
    case 'deep-json':
      return { kind, input: { data: `${'['.repeat(100_000)}${']'.repeat(100_000)}` } };
    case 'huge-text':
      return { kind, input: { data: { ...base, text: 'A'.repeat(1 << 20) } } };
    default:
      return {
        kind: 'garbage-text',
        input: { data: { ...base, text: `${randomString(r, 80)} ${INJECTIONS[r.int(INJECTIONS.length)]}` } },
      };
  }
}

/** Every byte percent-encoded (encodeURIComponent throws on lone surrogates; these become U+FFFD). */
function percentEncode(s: string): string {
  return [...Buffer.from(s, 'utf8')].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');
}

/** The i-th fuzzed API request: path + query, headers, method. */
export function apiFuzz(
  r: Rng,
  i: number,
  auth: Record<string, string>,
): { path: string; headers: Record<string, string>; method: string; body?: string } {
  const junk = () =>
    percentEncode(
      r.pick([
        ...INJECTIONS,
        randomString(r, 30),
        '-1',
        '0',
        '1e309',
        'NaN',
        '99999999999999999999',
        '',
        ' ',
        '%',
        'null',
      ]),
    );
  const param = r.pick([
    'limit',
    'channel',
    'type',
    'asset',
    'status',
    'search',
    'from',
    'to',
    'before',
    'lastEventId',
    'unknown',
  ]);
  const headers = r.next() < 0.9 ? { ...auth } : {};
  switch (i % 8) {
    case 0:
      return { method: 'GET', path: `/signals?${param}=${junk()}`, headers };
    case 1:
      return {
        method: 'GET',
        path: `/signals?before=${percentEncode(r.pick(['abc', 'eyJ9', '....', Buffer.from(randomString(r, 40)).toString('base64url'), 'MTIz', '%%%']))}`,
        headers,
      };
    case 2:
      return { method: 'GET', path: `/signals/${junk()}`, headers };
    case 3:
      // Huge headers: one large value, or many of them.
      return {
        method: 'GET',
        path: '/signals?limit=1',
        headers: {
          ...headers,
          [r.pick(['x-huge', 'cookie', 'x-correlation-id'])]: 'h'.repeat(
            r.pick([8 * 1024, 20 * 1024, 70 * 1024]),
          ),
        },
      };
    case 4:
      return {
        method: 'GET',
        path: `/signals?limit=${r.pick(['0', '1001', '-5', '1.5', 'abc', '100000000000'])}&from=${junk()}&to=${junk()}`,
        headers,
      };
    case 5:
      return {
        method: 'POST',
        path: '/auth/session',
        headers: {
          ...headers,
          'content-type': r.pick(['application/json', 'text/plain', 'application/x-www-form-urlencoded']),
        },
        body: r.pick([
          '{"apiKey":',
          '[]',
          'null',
          JSON.stringify({ apiKey: INJECTIONS[r.int(INJECTIONS.length)] }),
          'x'.repeat(100 * 1024),
        ]),
      };
    case 6:
      return {
        method: r.pick(['PUT', 'DELETE', 'PATCH', 'OPTIONS']),
        path: r.pick(['/signals', '/signals/1', '/metrics', '/__proto__', `/${junk()}`]),
        headers,
      };
    default:
      return {
        method: 'GET',
        path: `/signals?${param}=${junk()}&${param}=${junk()}&status=${junk()}`,
        headers: { ...headers, 'last-event-id': junk() },
      };
  }
}
