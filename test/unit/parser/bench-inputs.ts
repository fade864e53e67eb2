/** Inputs for parser.bench.ts: the canonical post, 16 KiB adversarial posts and 16 KiB random text. */
import { MAX_MESSAGE_BYTES } from '../../../src/domain/parse-result.js';

/** `unit` repeated up to (not past) the byte limit. */
function fill(unit: string, prefix = ''): string {
  const unitBytes = Buffer.byteLength(unit);
  const room = MAX_MESSAGE_BYTES - Buffer.byteLength(prefix);
  return prefix + unit.repeat(Math.floor(room / unitBytes));
}

// Each aims at one matcher: long chains and lists, label storms, ticker-shaped runs, number-shaped
// runs that never become a valid number, update patterns that almost match.
export const ADVERSARIAL: Record<string, string> = {
  'range chain': fill(' a 1', 'PETR4\nCompra: 1'),
  'target list': fill(', 1,2', 'PETR4\nAlvos: 1,2'),
  'label storm': fill('Alvo Compra Stop Ativo TP '),
  'number run': fill('1,', 'PETR4 compra '),
  'ticker-shaped run': fill('ABCDE'),
  'hit list': fill(' e 1', 'PETR4 alvo 1'),
  'emoji line': fill('🟢📊✅'),
  'many lines': fill('PETR4 stop\n'),
};

/** Deterministic pseudo-random printable text (mulberry32), mixing ASCII, accents and emoji. */
export function randomText(seed: number): string {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const alphabet =
    'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ,.:;/-%\n' + 'áéíóúãõçÁÉ🟢✅';
  const chars = [...alphabet];
  let text = '';
  while (Buffer.byteLength(text) < MAX_MESSAGE_BYTES - 8) text += chars[Math.floor(next() * chars.length)];
  return text;
}
