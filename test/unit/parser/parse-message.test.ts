import { describe, expect, it } from 'vitest';
import { parseMessage } from '../../../src/parser/index.js';
import { parseUnguarded } from '../../../src/parser/parse-message.js';
import { CANONICAL_POST, CANONICAL_RESULT, FIXTURE_GROUPS } from './fixtures.js';

describe('parseMessage — the canonical post', () => {
  it('gives exactly the JSON of SIGNAL-FORMAT.md "Output"', () => {
    expect(parseMessage(CANONICAL_POST, { date: new Date('2025-11-10T12:00:00-03:00') })).toEqual(
      CANONICAL_RESULT,
    );
  });

  it('has valid_until null without a date', () => {
    const result = parseMessage(CANONICAL_POST);
    expect(result.kind === 'signal' && result.signal.valid_until).toBeNull();
  });
});

for (const [group, fixtures] of Object.entries(FIXTURE_GROUPS)) {
  describe(`parseMessage — ${group}`, () => {
    it.each(fixtures)('$name', ({ text, date, expected }) => {
      expect(parseUnguarded(text, { date: date === undefined ? null : new Date(date) })).toMatchObject(
        expected,
      );
    });
  });
}
