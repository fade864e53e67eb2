/** `tp-capital parse`, run in-process through main() with in-memory stdin/stdout/stderr. */
import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { main } from '../../../src/cli.js';
import { CANONICAL_POST, CANONICAL_RESULT } from './fixtures.js';

async function run(args: string[], input: string) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString('utf8');
  });
  stderr.on('data', (chunk: Buffer) => {
    err += chunk.toString('utf8');
  });
  // Split the input in odd chunks so a multi-byte character straddles two of them.
  const bytes = Buffer.from(input, 'utf8');
  const chunks = [bytes.subarray(0, 3), bytes.subarray(3)];
  const stdin = Readable.from(chunks);
  const code = await main(['parse', ...args], { stdin, stdout, stderr, env: {} });
  return { code, out, err };
}

describe('tp-capital parse', () => {
  it('prints the canonical post as exactly the JSON of the spec, pretty-printed', async () => {
    const { code, out, err } = await run(['--date', '2025-11-10'], CANONICAL_POST);
    expect(code).toBe(0);
    expect(err).toBe('');
    expect(out).toBe(`${JSON.stringify(CANONICAL_RESULT, null, 2)}\n`);
    expect(JSON.parse(out)).toEqual(CANONICAL_RESULT);
  });

  it('reads all of stdin as one message; without --date valid_until is null', async () => {
    const { code, out } = await run([], 'Ativo: PETR4\r\nCompra: 30,50\r\naté dia 14/11\n');
    expect(code).toBe(0);
    expect(JSON.parse(out)).toMatchObject({
      kind: 'signal',
      signal: { asset: 'PETR4', buy_min: 30.5, valid_until: null },
      raw_message: 'Ativo: PETR4\nCompra: 30,50\naté dia 14/11',
    });
  });

  it('accepts --date with a time and a zone', async () => {
    const { code, out } = await run(['--date', '2025-12-20T10:00:00-03:00'], 'PETR4 compra 30 até dia 10/01');
    expect(code).toBe(0);
    expect(JSON.parse(out).signal.valid_until).toBe('2026-01-10');
  });

  it('--jsonl: one compact result a line, in order; a bad line becomes an error line and exit 1', async () => {
    const input = [
      JSON.stringify({ text: CANONICAL_POST, date: '2025-11-10T12:00:00Z' }),
      'not json',
      JSON.stringify({ text: 'VALEW591 ALVO 1 ATINGIDO ✅\n+17,02%' }),
      '',
      JSON.stringify({ date: '2025-11-10' }),
      JSON.stringify({ text: 'x', date: 'yesterday' }),
      JSON.stringify({ text: 'Bom dia', date: null }),
    ].join('\n');
    const { code, out, err } = await run(['--jsonl'], input);
    expect(code).toBe(1);
    expect(err).toBe('');
    const lines = out.trimEnd().split('\n');
    expect(lines).toHaveLength(6);
    expect(lines[0]).toBe(JSON.stringify(CANONICAL_RESULT));
    expect(JSON.parse(lines[1]!).error).toMatch(/^line 2: invalid JSON/);
    expect(JSON.parse(lines[2]!)).toMatchObject({
      kind: 'update',
      update: { asset: 'VALEW591', event: 'target_hit', target: 1, pct: 17.02 },
    });
    expect(JSON.parse(lines[3]!).error).toMatch(/^line 5: "text"/);
    expect(JSON.parse(lines[4]!).error).toMatch(/^line 6: "date": expected an ISO-8601 date/);
    expect(JSON.parse(lines[5]!)).toMatchObject({ kind: 'ignored', reason: 'commentary' });
  });

  it('--jsonl with only good lines exits 0; --date is the default date of the lines', async () => {
    const input = `${JSON.stringify({ text: 'PETR4 compra 30 até dia 14/11' })}\n`;
    const { code, out } = await run(['--jsonl', '--date', '2025-11-10'], input);
    expect(code).toBe(0);
    expect(JSON.parse(out).signal.valid_until).toBe('2025-11-14');
  });

  it.each([['2025-13-01'], ['14/11/2025'], ['2025-11-10T10:00:00'], ['soon']])(
    'rejects --date %s with a clear message and exit 2',
    async (date) => {
      const { code, out, err } = await run(['--date', date], 'PETR4 compra 30');
      expect(code).toBe(2);
      expect(out).toBe('');
      expect(err).toContain('--date: expected an ISO-8601 date');
    },
  );

  it('rejects an unknown flag with exit 2', async () => {
    const { code, err } = await run(['--yaml'], '');
    expect(code).toBe(2);
    expect(err).toContain('Usage: tp-capital parse');
  });

  it('--help prints usage and examples', async () => {
    const { code, out } = await run(['--help'], '');
    expect(code).toBe(0);
    expect(out).toContain('Usage: tp-capital parse [--date ISO-8601] [--jsonl]');
    expect(out).toContain('Examples:');
    expect(out).toContain('--jsonl');
  });
});
