import { describe, expect, it } from 'vitest';
import {
  signalIdParamsSchema,
  signalsQuerySchema,
  streamQuerySchema,
} from '../../../src/http/schemas/signals-query.js';
import { normaliseRawQuery, zodValidatorCompiler } from '../../../src/http/zod-provider.js';

const validate = zodValidatorCompiler({
  schema: signalsQuerySchema,
  method: 'GET',
  url: '/signals',
  httpPart: 'querystring',
});

function errorOf(query: Record<string, unknown>): string {
  const result = validate(query) as { error?: Error; value?: unknown };
  if (!result.error) throw new Error(`expected a validation error for ${JSON.stringify(query)}`);
  return result.error.message;
}

function parsed(query: Record<string, unknown>) {
  const result = validate(query) as { error?: Error; value?: unknown };
  if (result.error) throw result.error;
  return signalsQuerySchema.parse(normaliseRawQuery(query));
}

describe('GET /signals query', () => {
  it.each([
    [{ limit: 'abc' }, 'limit'],
    [{ limit: '0' }, 'limit'],
    [{ limit: '1001' }, 'limit'],
    [{ limit: '-5' }, 'limit'],
    [{ limit: '1.5' }, 'limit'],
    [{ from: 'garbage' }, 'from'],
    [{ to: '2025-13-45T99:99' }, 'to'],
    [{ status: 'nope' }, 'status'],
    [{ status: 'open,bogus' }, 'status'],
    [{ before: "x' OR 1=1 --" }, 'before'],
    [{ channel: 'abc' }, 'channel'],
    [{ asset: 'PETR4,<script>' }, 'asset'],
    [{ search: 'x'.repeat(201) }, 'search'],
    [{ from: '2025-11-03', to: '2025-11-01' }, 'to'],
  ])('%j is a 400 naming %s', (query, name) => {
    expect(errorOf(query)).toMatch(new RegExp(`^${name}: `));
  });

  it('defaults nothing itself and parses every parameter', () => {
    expect(parsed({})).toEqual({});
    const value = parsed({
      limit: '50',
      channel: '-1001649127710',
      type: 'Swing Trade',
      asset: 'petr4, VALE3,PETR4',
      status: 'target_2_hit,open',
      search: 'Petr',
      from: '1762176106000',
      to: '2025-11-04T00:00:00Z',
      before: 'MTc2MjE3NjEwNjAwMDAwMDo0Mg',
    });
    expect(value).toEqual({
      limit: 50,
      channel: '-1001649127710',
      type: 'Swing Trade',
      asset: ['PETR4', 'VALE3'],
      status: ['open', 'target_2_hit'],
      search: 'Petr',
      from: new Date(1762176106000),
      to: new Date('2025-11-04T00:00:00Z'),
      before: 'MTc2MjE3NjEwNjAwMDAwMDo0Mg',
    });
  });

  it('treats empty values as absent and repeated ones as a comma list', () => {
    expect(parsed({ asset: '', limit: '', status: ['open', 'stopped'] })).toEqual({
      status: ['open', 'stopped'],
    });
    expect(errorOf({ limit: ['10', '20'] })).toMatch(/^limit: /);
  });
});

describe('stream query and id', () => {
  it('takes lastEventId as a seq', () => {
    expect(streamQuerySchema.parse({ lastEventId: '42', asset: 'petr4' })).toEqual({
      lastEventId: 42,
      asset: ['PETR4'],
    });
    expect(streamQuerySchema.safeParse({ lastEventId: 'x' }).success).toBe(false);
  });

  it('takes only positive integer ids', () => {
    expect(signalIdParamsSchema.parse({ id: '185' })).toEqual({ id: 185 });
    for (const id of ['0', '-1', 'abc', '1e3', '99999999999999999999']) {
      expect(signalIdParamsSchema.safeParse({ id }).success).toBe(false);
    }
  });
});
