/**
 * Per-post cost of parseMessage against a baseline that merely touches every character once
 * (`text.normalize('NFD').toLowerCase()`), on the canonical post, 16 KiB adversarial posts and
 * 16 KiB random text. Run: `npx vitest bench --project unit --run test/unit/parser`.
 */
import { bench, describe } from 'vitest';
import { parseMessage } from '../../../src/parser/index.js';
import { ADVERSARIAL, randomText } from './bench-inputs.js';
import { CANONICAL_POST } from './fixtures.js';

const DATE = new Date('2025-11-10T12:00:00-03:00');
const inputs: Record<string, string> = {
  'canonical post': CANONICAL_POST,
  ...Object.fromEntries(
    Object.entries(ADVERSARIAL).map(([name, text]) => [`16 KiB adversarial: ${name}`, text]),
  ),
  '16 KiB random text': randomText(20_251_110),
};

for (const [name, text] of Object.entries(inputs)) {
  describe(name, () => {
    bench('parseMessage', () => {
      parseMessage(text, { date: DATE });
    });
    bench('baseline: normalize(NFD).toLowerCase()', () => {
      text.normalize('NFD').toLowerCase();
    });
  });
}
