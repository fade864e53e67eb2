/**
 * Lifecycle updates (SIGNAL-FORMAT.md "Updates"), tried in order of precedence when a post is not a
 * signal: target hit, stop hit, cancelled, closed.
 */
import type { ParsedUpdate } from '../domain/parse-result.js';
import { firstPercentage, readPrice } from './numbers.js';
import { lineHasTicker } from './ticker.js';
import { skipSeparator, wordAt } from './values.js';

type TargetNumber = number | 'final';

const B = '(?<![\\p{L}\\p{N}])';
const TARGET_WORD = '(?:alvo|tp|target)';
const TARGET_ID = '([0-9]{1,2}|final|geral)';
// `alvo 1 atingido`, `alvo 1º foi atingido`, `alvo final atingido`, `TP2 batido`, `alvo atingido`.
const TARGET_THEN_HIT = new RegExp(
  `${B}${TARGET_WORD} ?(?:n[o.]? ?)?${TARGET_ID}?[oa]? ?(?:foi )?(?:atingid|batid)`,
  'gu',
);
// `atingiu o alvo 2`, `bateu o alvo final`, `atingiu o alvo`.
const HIT_THEN_TARGET = new RegExp(
  `${B}(?:atingiu|bateu) (?:o )?${TARGET_WORD} ?${TARGET_ID}?(?![\\p{L}\\p{N}])`,
  'gu',
);
const STOP_WORD = /(?<![\p{L}\p{N}])(stop(?:ad[oa]s?|ou)?)(?![\p{L}\p{N}])/gu;
// Commentary about moving a stop (`vamos subir o stop`) is not a stop hit.
const STOP_COMMENTARY = new RegExp(
  `${B}(?:${[
    'subir',
    'suba',
    'subam',
    'subimos',
    'subindo',
    'mover',
    'mova',
    'movam',
    'movemos',
    'movendo',
    'movido',
    'ajustar',
    'ajuste',
    'ajustem',
    'ajustamos',
    'ajustando',
    'ajustado',
    'alterar',
    'altere',
    'alterem',
    'alterado',
    'trocar',
    'troque',
    'trocado',
    'colocar',
    'coloque',
    'coloquem',
    'posicionar',
    'reposicionar',
    'reposicionado',
    'elevar',
    'eleve',
    'novo',
    'nova',
    'manter',
    'mantenha',
    'mantenham',
    'mantemos',
  ].join('|')})(?![\\p{L}\\p{N}])`,
  'u',
);
const CANCELLED =
  /(?<![\p{L}\p{N}])(?:cancelad\p{L}*|desconsider\p{L}*|ignor(?:e|em|ar) (?:o )?sinal anterior)/u;
const CLOSED = /(?<![\p{L}\p{N}])(?:encerrad\p{L}*|zerad\p{L}*|zerar|saida)(?![\p{L}\p{N}])/u;

function targetNumber(id: string | undefined): TargetNumber | null {
  if (id === undefined) return 1;
  if (id === 'final' || id === 'geral') return 'final';
  const n = Number(id);
  return n >= 1 ? n : null;
}

/** The furthest target the post says was reached (`final` beats any number), or null. */
function targetHit(lowerLines: readonly string[]): TargetNumber | null {
  let best: TargetNumber | null = null;
  for (const line of lowerLines) {
    for (const pattern of [TARGET_THEN_HIT, HIT_THEN_TARGET]) {
      pattern.lastIndex = 0;
      for (let m = pattern.exec(line); m !== null; m = pattern.exec(line)) {
        const hit = targetNumber(m[1]);
        if (hit === null) continue;
        if (best === null || hit === 'final' || (best !== 'final' && hit > best)) best = hit;
      }
    }
  }
  return best;
}

/** A stop hit: a ticker and a stop word (not `stop gain`, not followed by a price) in the first line. */
function stopHit(lower: string, cased: string): boolean {
  if (!lineHasTicker(cased) || STOP_COMMENTARY.test(lower)) return false;
  STOP_WORD.lastIndex = 0;
  for (let m = STOP_WORD.exec(lower); m !== null; m = STOP_WORD.exec(lower)) {
    let after = m.index + m[1]!.length;
    if (m[1] === 'stop') {
      if (wordAt(lower, skipSeparator(lower, after, '-'), ['gain']) !== null) continue;
      if ((lower[after] === ' ' || lower[after] === '-') && wordAt(lower, after + 1, ['loss']) !== null)
        after += 5;
    }
    if (readPrice(lower, skipSeparator(lower, after)) === null) return true;
  }
  return false;
}

/** The update the post announces, or null. `asset` is the post's ticker, found by the caller. */
export function detectUpdate(
  lowerLines: readonly string[],
  casedLines: readonly string[],
  asset: string | null,
): ParsedUpdate | null {
  const update = (event: ParsedUpdate['event'], target: TargetNumber | null = null): ParsedUpdate => ({
    asset,
    event,
    target,
    pct: firstPercentage(lowerLines),
  });
  const target = targetHit(lowerLines);
  if (target !== null) return update('target_hit', target);
  if (lowerLines.length > 0 && stopHit(lowerLines[0]!, casedLines[0]!)) return update('stop_hit');
  const text = lowerLines.join('\n');
  if (CANCELLED.test(text)) return update('cancelled');
  if (CLOSED.test(text)) return update('closed');
  return null;
}
