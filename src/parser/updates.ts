/**
 * Lifecycle updates (SIGNAL-FORMAT.md "Updates"), tried in order of precedence when a post is not a
 * signal: target hit, stop hit, cancelled, closed.
 */
import type { ParsedUpdate } from '../domain/parse-result.js';
import { firstPercentage, readPrice } from './numbers.js';
import { findTicker } from './ticker.js';
import { skipSeparator, wordAt } from './values.js';

type TargetNumber = number | 'final';

const B = '\\b';
const TARGET_WORD = '(?:alvos?|tp|target)';
const TARGET_ID = '(?:[0-9]{1,2}|final|geral)';
// One target or several (`alvos 1 e 2`, `alvos 1, 2 e 3`); the furthest counts.
// Bounded: no post lists more than ten targets, and a bound keeps a 16 KiB `1 e 1 e 1…` cheap.
const TARGET_IDS = `(${TARGET_ID}(?:[oa]? ?(?:e|,) ?${TARGET_ID}){0,9})`;
// `alvo 1 atingido`, `alvo 1º foi atingido`, `alvo final atingido`, `TP2 batido`, `alvo atingido`,
// `alvos 1 e 2 atingidos`.
const TARGET_THEN_HIT = new RegExp(
  `${B}${TARGET_WORD} ?(?:n[o.]? ?)?${TARGET_IDS}?[oa]? ?(?:foi |foram )?(?:atingid|batid)`,
  'gu',
);
// `atingiu o alvo 2`, `bateu o alvo final`, `atingiu o alvo`.
const HIT_THEN_TARGET = new RegExp(
  `${B}(?:atingiu|bateu|atingimos) (?:o |os )?${TARGET_WORD} ?${TARGET_IDS}?\\b`,
  'gu',
);
const STOP_WORD = /\b(stop(?:ad[oa]s?|ou)?)\b/g;
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
  ].join('|')})\\b`,
  'u',
);
const CANCELLED = /\b(?:cancelad|desconsider|ignor(?:e|em|ar) (?:o )?sinal anterior)/;
const CLOSED = /\b(?:encerrad|zerad|zerar\b|saida\b)/;

/** The furthest target of a matched list (`1 e 2` → 2, `1 e final` → final); no list is target 1. */
function furthest(ids: string | undefined): TargetNumber | null {
  if (ids === undefined) return 1;
  let best: TargetNumber | null = null;
  for (const id of ids.split(/[^a-z0-9]+/)) {
    if (id === 'final' || id === 'geral') return 'final';
    const n = Number.parseInt(id, 10);
    if (n >= 1 && (best === null || n > (best as number))) best = n;
  }
  return best;
}

/** The furthest target the post says was reached (`final` beats any number), or null. */
function targetHit(lower: string): TargetNumber | null {
  let best: TargetNumber | null = null;
  for (const pattern of [TARGET_THEN_HIT, HIT_THEN_TARGET]) {
    pattern.lastIndex = 0;
    for (let m = pattern.exec(lower); m !== null; m = pattern.exec(lower)) {
      const hit = furthest(m[1]);
      if (hit === null) continue;
      if (best === null || hit === 'final' || (best !== 'final' && hit > best)) best = hit;
    }
  }
  return best;
}

/** A stop hit: a ticker and a stop word (not `stop gain`, not followed by a price) in the first line. */
function stopHit(lower: string, cased: string): boolean {
  if (findTicker(cased) === null || STOP_COMMENTARY.test(lower)) return false;
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
export function detectUpdate(lower: string, cased: string, asset: string | null): ParsedUpdate | null {
  const update = (event: ParsedUpdate['event'], target: TargetNumber | null = null): ParsedUpdate => ({
    asset,
    event,
    target,
    pct: firstPercentage(lower),
  });
  const target = targetHit(lower);
  if (target !== null) return update('target_hit', target);
  const firstLineEnd = lower.indexOf('\n') < 0 ? lower.length : lower.indexOf('\n');
  if (stopHit(lower.slice(0, firstLineEnd), cased.slice(0, firstLineEnd))) return update('stop_hit');
  if (CANCELLED.test(lower)) return update('cancelled');
  if (CLOSED.test(lower)) return update('closed');
  return null;
}
