/** New-signal posts with unique message ids, for the figures that time one event end to end. */
const TYPES = ['Swing Trade', 'Day Trade', 'Position'];

let counter = 0;

/** A canonical TP Capital signal post (SIGNAL-FORMAT.md) with a fresh ticker and message id. */
export function newSignalPost(base) {
  counter += 1;
  const n = base + counter;
  const ticker = `PETR${String.fromCharCode(65 + (n % 26))}${(n % 997) + 1}`;
  const text = [
    `🟢${TYPES[n % TYPES.length]}`,
    '',
    `Ativo: ${ticker}`,
    'Compra: 0,82 a 0,86',
    'Alvo 1: 0,95',
    'Alvo 2: 1,30',
    'Alvo final: 2,10',
    '',
    'Stop: 0,55',
  ].join('\n');
  return { messageId: String(n), text, telegramDate: new Date().toISOString() };
}
