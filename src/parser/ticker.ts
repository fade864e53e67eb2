/**
 * B3 tickers (SIGNAL-FORMAT.md "Asset without a label"): 3–6 letters + 1–4 digits with an optional
 * fractional `F` (`PETR4`, `BOVAW32`, `PETR4F`, `WINZ25`), or a futures root + `FUT` (`WINFUT`). Only
 * tokens written in capitals count; label words (`ALVO1`, `COMPRA`) are never an asset.
 */

const TICKER = /\b([A-Z]{3,6}[0-9]{1,4}F?|[A-Z]{3}FUT)\b/g;
const TICKER_EXACT = /^(?:[A-Z]{3,6}[0-9]{1,4}F?|[A-Z]{3}FUT)$/;

const LABEL_WORDS = new Set([
  'ATIVO',
  'ATIVA',
  'PAPEL',
  'TICKER',
  'CODIGO',
  'COMPRA',
  'COMPRAR',
  'ENTRADA',
  'BUY',
  'VENDA',
  'VENDER',
  'SELL',
  'ALVO',
  'ALVOS',
  'TARGET',
  'TP',
  'OBJETIVO',
  'STOP',
  'SL',
]);

function letterPart(token: string): string {
  let end = 0;
  while (end < token.length && token.charCodeAt(end) >= 65) end++;
  return token.slice(0, end);
}

export function isLabelWord(token: string): boolean {
  return LABEL_WORDS.has(letterPart(token.toUpperCase()));
}

/** Whether a cased token is ticker-shaped (in capitals) and not a label word. */
export function isTickerToken(token: string): boolean {
  return TICKER_EXACT.test(token) && !isLabelWord(token);
}

/** The first ticker-shaped token of the (cased) text, or null. */
export function findTicker(cased: string): string | null {
  TICKER.lastIndex = 0;
  for (let match = TICKER.exec(cased); match !== null; match = TICKER.exec(cased)) {
    if (!isLabelWord(match[1]!)) return match[1]!;
  }
  return null;
}

/** The ASCII letter/digit run starting at `i` (empty when none). */
export function tokenAt(cased: string, i: number): string {
  let end = i;
  for (; end < cased.length; end++) {
    const code = cased.charCodeAt(end);
    if (!((code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122))) break;
  }
  return cased.slice(i, end);
}

/**
 * The value of an asset label (`Ativo: PeTr4` → `PETR4`): the token after the label, in capitals. It
 * must contain a letter, and a digit or only capitals (`o ativo voltou` has no asset); null otherwise.
 */
export function assetLabelValue(token: string): string | null {
  if (!/[A-Za-z]/.test(token) || isLabelWord(token)) return null;
  if (!/[0-9]/.test(token) && token !== token.toUpperCase()) return null;
  return token.toUpperCase();
}
