/**
 * Demo trading signals: a plausible trade (asset, side, prices) and its text in one of the channel's
 * formats (SIGNAL-FORMAT.md "Signals"). A signal renders from its own seed, so that an edit re-renders
 * the same layout with corrected numbers, as a human editing a post would.
 */
import { type AssetClass, brl, createRng, dayMonth, type Rng, range, tickerOf } from './demo-text.js';

export const SIGNAL_FORMATS = [
  'canonical',
  'emoji',
  'one_line',
  'futures_at',
  'targets_list',
  'scalping',
  'english',
  'unlabelled',
  'sell',
] as const;
export type SignalFormat = (typeof SIGNAL_FORMATS)[number];
export type TradeType = 'Swing Trade' | 'Day Trade' | 'Scalping' | 'Position';

export interface SignalSpec {
  asset: string;
  cls: AssetClass;
  type: TradeType;
  side: 'buy' | 'sell';
  buyMin: number;
  buyMax: number;
  /** Numbered targets, in order. */
  targets: number[];
  final: number | null;
  stop: number;
  validUntilMs: number | null;
  format: SignalFormat;
  renderSeed: number;
}

const round = (value: number, step: number) => Math.round(value / step) * step;

function formatFor(rng: Rng, cls: AssetClass): SignalFormat {
  if (cls === 'future') return rng.pick(['futures_at', 'one_line', 'emoji'] as const);
  if (cls === 'stock')
    return rng.pick(['canonical', 'targets_list', 'scalping', 'english', 'one_line'] as const);
  return rng.pick([
    'canonical',
    'canonical',
    'emoji',
    'one_line',
    'targets_list',
    'unlabelled',
    'sell',
  ] as const);
}

export function makeSignal(rng: Rng, dateMs: number): SignalSpec {
  const cls: AssetClass = rng.chance(0.6) ? 'option' : rng.chance(0.6) ? 'stock' : 'future';
  const format = formatFor(rng, cls);
  const side = format === 'sell' ? 'sell' : 'buy';
  const dir = side === 'buy' ? 1 : -1;
  let buyMin: number;
  let buyMax: number;
  let targets: number[];
  let stop: number;
  let type: TradeType;
  if (cls === 'future') {
    buyMin = buyMax = round(rng.int(118_000, 132_000), 5);
    const step = round(rng.int(400, 900), 5);
    targets = [buyMin + step, buyMin + 2 * step].slice(0, rng.int(1, 2));
    stop = buyMin - round(rng.int(250, 600), 5);
    type = rng.pick(['Day Trade', 'Day Trade', 'Scalping'] as const);
  } else {
    const [lo, hi] = cls === 'option' ? [10, 300] : [1000, 7000];
    const cents = rng.int(lo, hi);
    buyMin = cents / 100;
    // An entry range spans at most ~4% of the price (at least one cent).
    buyMax = rng.chance(0.3) ? buyMin : (cents + rng.int(1, Math.max(1, Math.round(cents * 0.04)))) / 100;
    const mid = (buyMin + buyMax) / 2;
    // A sell's targets lie below the entry, and a price cannot fall below zero.
    const gains =
      cls === 'stock' ? [0.04, 0.08, 0.13] : side === 'sell' ? [0.15, 0.3, 0.45] : [0.2, 0.55, 1.2];
    const count = format === 'one_line' ? 1 : rng.int(2, 3);
    targets = gains
      .slice(0, count)
      .map((g) => Math.round(mid * (1 + dir * g * (0.9 + rng.next() * 0.3)) * 100) / 100);
    stop = Math.round(mid * (1 - dir * (cls === 'option' ? 0.35 : 0.05)) * 100) / 100;
    type = format === 'scalping' ? 'Scalping' : rng.chance(0.8) ? 'Swing Trade' : 'Position';
  }
  const hasFinal = format === 'canonical' || format === 'english' || format === 'unlabelled';
  const last = targets[targets.length - 1] ?? buyMax;
  const final = hasFinal ? Math.round(last * (1 + dir * 0.3) * 100) / 100 : null;
  const validUntilMs =
    format === 'canonical' || rng.chance(0.25) ? dateMs + rng.int(5, 20) * 86_400_000 : null;
  return {
    asset: tickerOf(rng, cls),
    cls,
    type,
    side,
    buyMin,
    buyMax,
    targets,
    final,
    stop,
    validUntilMs,
    format,
    renderSeed: rng.int(1, 2 ** 31),
  };
}

/** A copy with one number corrected: what an edit of the post changes. */
export function correctSignal(rng: Rng, spec: SignalSpec): SignalSpec {
  if (spec.cls === 'future') return { ...spec, stop: spec.stop - 50 };
  const corrected = Math.round(spec.stop * rng.pick([0.95, 0.97, 1.03]) * 100) / 100;
  // A cheap option's stop may round to the same cents: an edit must change something.
  const stop = corrected === spec.stop ? Math.round((spec.stop + 0.01) * 100) / 100 : corrected;
  return { ...spec, stop };
}

export function renderSignal(spec: SignalSpec): string {
  const rng = createRng(spec.renderSeed);
  const english = spec.cls !== 'future' && rng.chance(0.1);
  const p = (v: number) => brl(v, { points: spec.cls === 'future', english });
  const currency = spec.cls === 'stock' && rng.chance(0.5) ? 'R$ ' : '';
  const money = (v: number) => `${currency}${p(v)}`;
  const entry = spec.buyMin === spec.buyMax ? p(spec.buyMin) : range(rng, p(spec.buyMin), p(spec.buyMax));
  const validity = spec.validUntilMs
    ? rng.pick(['A ordem ficará posicionada no Book até dia', 'Válida até', 'Ordem válida até dia'])
    : null;
  const validLine = validity && spec.validUntilMs ? `${validity} ${dayMonth(spec.validUntilMs)}` : null;
  const numbered = spec.targets.map((t, i) => ({ n: i + 1, t }));
  const lines: Array<string | null> = [];
  switch (spec.format) {
    case 'canonical': {
      const label = rng.pick(['Ativo', 'Ativo', 'Ativo', 'Ativa', 'Papel', 'Código']);
      const asset = rng.chance(0.1) ? spec.asset.slice(0, 2) + spec.asset.slice(2).toLowerCase() : spec.asset;
      lines.push(
        `${rng.pick(['🟢', '🟢 ', '✅ ', ''])}${spec.type}`,
        '',
        `${label}: ${asset}`,
        `Compra: ${entry}`,
      );
      for (const { n, t } of numbered) lines.push(`Alvo ${n}${rng.chance(0.2) ? '°' : ''}: ${money(t)}`);
      if (spec.final !== null) lines.push(`Alvo final: ${money(spec.final)}`);
      lines.push('', `Stop: ${money(spec.stop)}`);
      if (validLine) lines.push('', validLine);
      break;
    }
    case 'emoji':
      lines.push(
        '🚨 SINAL DE COMPRA 🚨',
        `⏱ TIPO: ${spec.type.toUpperCase()}`,
        '',
        `📊 ATIVO: ${spec.asset}`,
      );
      lines.push(`💰 COMPRA: ${entry}`);
      for (const { n, t } of numbered) lines.push(`🎯 ALVO ${n}: ${p(t)}`);
      lines.push(`🛑 STOP: ${p(spec.stop)}`, validLine);
      break;
    case 'one_line': {
      const prefix = spec.cls === 'future' || rng.chance(0.3) ? `${spec.type.toUpperCase()} ` : '';
      const target = numbered[0] ? ` ALVO: ${p(numbered[0].t)}` : '';
      lines.push(`${prefix}ATIVO: ${spec.asset} COMPRA: ${entry}${target} STOP: ${p(spec.stop)}`);
      break;
    }
    case 'futures_at':
      lines.push(
        `⚡ ${spec.type.toUpperCase()} ⚡`,
        `COMPRA ${spec.asset} @ ${brl(spec.buyMin, { points: true, english: true })}`,
      );
      for (const { n, t } of numbered)
        lines.push(numbered.length === 1 ? `Alvo: ${p(t)}` : `Alvo ${n}: ${p(t)}`);
      lines.push(`Stop: ${p(spec.stop)}`);
      break;
    case 'targets_list': {
      const sep = rng.pick([' / ', '; ', ', ']);
      lines.push(spec.type, `${rng.pick(['Papel', 'Ticker'])}: ${spec.asset}`, `Entrada: ${entry}`);
      lines.push(
        `Alvos: ${spec.targets.map((t) => p(t)).join(sep)}`,
        `Stop loss: ${p(spec.stop)}`,
        validLine,
      );
      break;
    }
    case 'scalping': {
      const low = p(spec.buyMin);
      const high = p(spec.buyMax === spec.buyMin ? spec.buyMin + 0.05 : spec.buyMax);
      lines.push('SCALPING 🔥', `Código: ${spec.asset}`, `Compra entre ${low} e ${high}`);
      for (const { n, t } of numbered) lines.push(`TP${n} ${p(t)}`);
      lines.push(`SL ${p(spec.stop)}`);
      break;
    }
    case 'english':
      lines.push(`${spec.type} 📌`, `Ticker: ${spec.asset}`, `Buy: ${money(spec.buyMin)}`);
      for (const { n, t } of numbered) lines.push(`Target ${n}: ${money(t)}`);
      if (spec.final !== null) lines.push(`Objetivo: ${money(spec.final)}`);
      lines.push(`Stop-loss: ${money(spec.stop)}`, validLine);
      break;
    case 'unlabelled':
      lines.push(`🟢 ${spec.type}`, spec.asset, `Comprar ${entry}`);
      for (const { n, t } of numbered) lines.push(`Alvo ${n} ${p(t)}`);
      if (spec.final !== null) lines.push(`Alvo geral ${p(spec.final)}`);
      lines.push(`Stop ${p(spec.stop)}`);
      break;
    case 'sell':
      lines.push(
        `🔴 ${spec.type} — VENDA`,
        '',
        `Ativo: ${spec.asset}`,
        `${rng.pick(['Venda', 'Vender', 'Sell'])}: ${entry}`,
      );
      for (const { n, t } of numbered) lines.push(`Alvo ${n}: ${p(t)}`);
      lines.push(`Stop: ${p(spec.stop)}`, validLine);
      break;
  }
  return lines
    .filter((l): l is string => l !== null)
    .join('\n')
    .trim();
}
