/**
 * Properties over arbitrary input: the parser is total (never throws, whatever the string), its
 * results are plain JSON with raw_message and warnings, and normalizeText is idempotent.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IGNORED_REASONS, MAX_MESSAGE_BYTES, type ParseResult } from '../../../src/domain/parse-result.js';
import { normalizeText, parseMessage } from '../../../src/parser/index.js';
import { parseUnguarded } from '../../../src/parser/parse-message.js';
import { exceedsMaxBytes, foldText, rawMessage } from '../../../src/parser/text.js';

// UTF-16 code units one by one: lone surrogates and NUL included.
const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((u) => String.fromCharCode(u));

// Words the parser reacts to, so random posts reach the deep paths (labels, ranges, lists, updates).
const vocabulary = fc.constantFrom(
  'Ativo:',
  'ATIVO',
  'Papel',
  'Código',
  'Compra',
  'COMPRA',
  'Compra entre',
  'Venda',
  'Entrada',
  'Buy',
  'Sell',
  'Alvo',
  'ALVO 1',
  'Alvo 2:',
  'Alvos:',
  'Alvo final',
  'TP1',
  'TP',
  'Target',
  'Objetivo',
  'Stop',
  'Stop loss',
  'stop gain',
  'SL',
  'PETR4',
  'PeTr4',
  'BOVAW32',
  'WINZ25',
  'WINFUT',
  'PETR4F',
  'petr4',
  '0,82',
  '1.250,50',
  '120.500',
  '0.125',
  '1,250',
  '0',
  '17,02%',
  '-25%',
  '+3%',
  'R$',
  'a',
  'à',
  'até',
  'e',
  'entre',
  '-',
  '–',
  '/',
  '~',
  ';',
  ', ',
  ':',
  '=',
  '@',
  '%',
  ' ',
  ' ',
  '\n',
  '\r\n',
  '🟢',
  '🛑',
  '✅',
  '•',
  '\u0000',
  '\u200d',
  'atingido',
  'atingiu o alvo',
  'stopado',
  'cancelada',
  'ignore o sinal anterior',
  'encerrada',
  'zerar',
  'saída',
  'Day Trade',
  'Swing Trade',
  'até dia 14/11',
  'válida até 31/02',
  '29/02',
  '1,2,3',
  '9'.repeat(400),
);
const post = fc.array(vocabulary, { maxLength: 40 }).map((words) => words.join(' '));

const DATE = new Date('2025-11-10T15:00:00Z');

function checkResult(text: string, date: Date | null = DATE): void {
  const result = parseUnguarded(text, { date });
  expect(JSON.parse(JSON.stringify(result))).toEqual(result);
  expect(result.raw_message).toBe(rawMessage(text));
  expect(Array.isArray(result.warnings)).toBe(true);
  checkShape(result);
}

function checkShape(result: ParseResult): void {
  if (result.kind === 'ignored') {
    expect(IGNORED_REASONS).toContain(result.reason);
    return;
  }
  if (result.kind === 'update') {
    expect(result.update.pct === null || Number.isFinite(result.update.pct)).toBe(true);
    return;
  }
  const s = result.signal;
  expect(s.asset).toMatch(/^[A-Z0-9]+$/);
  if (s.buy_min !== null && s.buy_max !== null) expect(s.buy_min).toBeLessThanOrEqual(s.buy_max);
  const indices = s.targets.map((t) => t.index);
  expect(indices).toEqual([...new Set(indices)].sort((a, b) => a - b));
  expect(s.target_1).toBe(s.targets.find((t) => t.index === 1)?.price ?? null);
  expect(s.valid_until === null || /^\d{4}-\d{2}-\d{2}$/.test(s.valid_until)).toBe(true);
}

describe('parseMessage never throws', () => {
  // 100,000 random strings in all, split by the kind of text.
  it.each([
    ['full-Unicode code points', fc.string({ unit: 'binary', maxLength: 80 }), 30_000],
    ['graphemes (emoji, accents, scripts)', fc.string({ unit: 'grapheme', maxLength: 40 }), 20_000],
    ['UTF-16 code units (lone surrogates, NUL)', fc.string({ unit: codeUnit, maxLength: 80 }), 20_000],
    ['posts made of the words the parser reacts to', post, 30_000],
  ] as const)('on %s', (_name, arbitrary, numRuns) => {
    fc.assert(
      fc.property(arbitrary, fc.option(fc.date({ noInvalidDate: false }), { nil: null }), (text, date) => {
        const result = parseUnguarded(text, { date });
        if (typeof result.raw_message !== 'string' || !Array.isArray(result.warnings))
          throw new Error('bad shape');
      }),
      { numRuns },
    );
  });

  it('returns plain JSON with raw_message and warnings, and consistent signals', () => {
    fc.assert(
      fc.property(fc.oneof(post, fc.string({ unit: 'binary', maxLength: 60 })), (text) => checkResult(text)),
      { numRuns: 3_000 },
    );
  });

  it('handles huge strings, NUL bytes and the byte limit', () => {
    checkResult('\u0000'.repeat(1_000_000));
    checkResult(`Ativo: PETR4\nCompra: 30\n${'\u0000'.repeat(MAX_MESSAGE_BYTES)}`);
    checkResult('🟢'.repeat(MAX_MESSAGE_BYTES / 4));
    checkResult('\ud800'.repeat(MAX_MESSAGE_BYTES));
    checkResult('1,'.repeat(MAX_MESSAGE_BYTES / 2 - 1));
    expect(parseUnguarded('a'.repeat(10_000_000))).toMatchObject({ kind: 'ignored', reason: 'too_long' });
    expect(parseUnguarded(' '.repeat(1_000_000))).toMatchObject({ kind: 'ignored', reason: 'empty' });
    expect(parseUnguarded('🟢'.repeat(MAX_MESSAGE_BYTES / 4))).toMatchObject({ reason: 'commentary' });
    expect(parseUnguarded(`${'🟢'.repeat(MAX_MESSAGE_BYTES / 4)}a`)).toMatchObject({ reason: 'too_long' });
  });

  it('counts UTF-8 bytes exactly as Buffer does', () => {
    const byteLength = (text: string) => Buffer.byteLength(text, 'utf8');
    fc.assert(
      fc.property(
        fc.string({ unit: codeUnit, maxLength: 40 }),
        fc.integer({ min: 0, max: 200 }),
        (text, limit) => {
          expect(exceedsMaxBytes(text, limit)).toBe(byteLength(text) > limit);
        },
      ),
      { numRuns: 3_000 },
    );
    for (const unit of ['a', 'é', '€', '🟢', '\ud800']) {
      const text = unit.repeat(Math.ceil(MAX_MESSAGE_BYTES / byteLength(unit)) + 1);
      for (let cut = text.length - 6; cut <= text.length; cut++) {
        const slice = text.slice(0, cut);
        expect(exceedsMaxBytes(slice)).toBe(byteLength(slice) > MAX_MESSAGE_BYTES);
      }
    }
  });

  it('survives a non-string from an untyped caller', () => {
    expect(parseMessage(undefined as unknown as string)).toMatchObject({ kind: 'ignored', reason: 'empty' });
  });
});

describe('normalizeText', () => {
  it('folds case, accents and decorations', () => {
    expect(normalizeText('📊 ATIVO:  PeTr4\r\n\n💰 Compra  à VISTA – até 14/11 ✅')).toBe(
      'ativo: petr4\ncompra a vista - ate 14/11',
    );
  });

  it.each([
    ['full-Unicode', fc.string({ unit: 'binary', maxLength: 60 })],
    ['graphemes', fc.string({ unit: 'grapheme', maxLength: 30 })],
    ['UTF-16 code units', fc.string({ unit: codeUnit, maxLength: 60 })],
    ['posts', post],
  ] as const)('is idempotent on %s strings', (_name, arbitrary) => {
    fc.assert(
      fc.property(arbitrary, (text) => normalizeText(normalizeText(text)) === normalizeText(text)),
      { numRuns: 5_000 },
    );
  });

  it('is idempotent on every assigned code point, and lower-casing keeps positions', () => {
    // Planes 0–3 and 14 hold every assigned code point; the others (unassigned, private use) are
    // sampled.
    const all: string[] = [];
    for (let cp = 0; cp < 0x110000; cp += cp < 0x40000 || (cp >= 0xe0000 && cp < 0xe1000) ? 1 : 97) {
      all.push(`x${String.fromCodePoint(cp)}X`);
    }
    const text = all.join(' ');
    const once = normalizeText(text);
    expect(normalizeText(once)).toBe(once);
    const { cased, lower } = foldText(text);
    expect(lower.length).toBe(cased.length);
    expect(lower).toBe(once);
  });

  // The single pass of text.ts must fold exactly as this chain of replacements reads the spec.
  const reference = (text: string) =>
    text
      .replace(/\r/g, '')
      .normalize('NFKD')
      .replace(/\p{M}+/gu, '')
      .replace(/[\p{Pd}\u2212]/gu, '-')
      .replace(/[\u00b7\u2022\u2023\u2043\u25e6\u2219]/g, ' ')
      .replace(/[\v\f\u0085\u2028\u2029]/g, '\n')
      .replace(/[^\p{L}\p{N}\p{P}\n -~]/gu, ' ')
      .split('\n')
      .map((line) => line.replace(/ {2,}/g, ' ').trim())
      .filter((line) => line !== '')
      .join('\n')
      .toLowerCase();

  it.each([
    ['full-Unicode', fc.string({ unit: 'binary', maxLength: 60 })],
    ['UTF-16 code units', fc.string({ unit: codeUnit, maxLength: 60 })],
    ['posts', post],
  ] as const)('matches the reference folding on %s strings', (_name, arbitrary) => {
    fc.assert(
      fc.property(arbitrary, (text) => normalizeText(text) === reference(text)),
      { numRuns: 5_000 },
    );
  });
});
