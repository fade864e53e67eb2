/**
 * Fixture cases written from the rules of SIGNAL-FORMAT.md, one group per rule. `expected` is matched
 * with toMatchObject: every field written is asserted exactly (arrays element by element).
 */
import type { ParsedSignal, ParsedUpdate } from '../../../src/domain/parse-result.js';

export interface Fixture {
  name: string;
  text: string;
  date?: string;
  expected: Record<string, unknown>;
}

const signal = (fields: Partial<ParsedSignal>, warnings: string[] = []) => ({
  kind: 'signal',
  signal: fields,
  warnings,
});
const update = (fields: Partial<ParsedUpdate>) => ({ kind: 'update', update: fields, warnings: [] });
const ignored = (reason: string) => ({ kind: 'ignored', reason, warnings: [] });
const buy = (min: number, max = min) => ({ side: 'buy' as const, buy_min: min, buy_max: max });

export const CANONICAL_POST = `🟢Swing Trade

Ativo: PETRX245
Compra: 0,82 a 0,86
Alvo 1: 0,95
Alvo 2: 1,30
Alvo final: 2,10

Stop: 0,55

A ordem ficará posicionada no Book até dia 14/11`;

export const CANONICAL_RESULT = {
  kind: 'signal',
  signal: {
    asset: 'PETRX245',
    signal_type: 'Swing Trade',
    side: 'buy',
    buy_min: 0.82,
    buy_max: 0.86,
    targets: [
      { index: 1, price: 0.95 },
      { index: 2, price: 1.3 },
    ],
    target_1: 0.95,
    target_2: 1.3,
    target_final: 2.1,
    stop: 0.55,
    valid_until: '2025-11-14',
  },
  raw_message: CANONICAL_POST,
  warnings: [],
};

const normalisation: Fixture[] = [
  {
    name: '\\r dropped and text trimmed in raw_message',
    text: '  \r\nAtivo: PETR4\r\nCompra: 30,50\r\n  ',
    expected: { raw_message: 'Ativo: PETR4\nCompra: 30,50', ...signal({ asset: 'PETR4', ...buy(30.5) }) },
  },
  {
    name: 'emoji decorations around labels',
    text: '📊 ATIVO: PETR4\n💰 COMPRA: 30,50\n🎯 ALVO 1: 32,00\n🛑 STOP: 29,00',
    expected: signal({ asset: 'PETR4', ...buy(30.5), target_1: 32, stop: 29 }),
  },
  {
    name: 'bullets before labels',
    text: '• Ativo: VALE3\n• Compra: 60,10\n▪️ Stop: 58',
    expected: signal({ asset: 'VALE3', ...buy(60.1), stop: 58 }),
  },
  {
    name: 'accented and upper-case labels (CÓDIGO, ENTRADA)',
    text: 'CÓDIGO: ITUB4\nENTRADA: 25,10',
    expected: signal({ asset: 'ITUB4', ...buy(25.1) }),
  },
  {
    name: 'Unicode bold letters used for emphasis',
    text: '𝗔𝗧𝗜𝗩𝗢: BBAS3\n𝗖𝗢𝗠𝗣𝗥𝗔: 27,30',
    expected: signal({ asset: 'BBAS3', ...buy(27.3) }),
  },
  {
    name: 'non-breaking spaces and tabs',
    text: 'Ativo:\u00a0PETR4\nCompra:\t30,50',
    expected: signal({ asset: 'PETR4', ...buy(30.5) }),
  },
];

const assetLabels: Fixture[] = [
  { name: 'Ativo', text: 'Ativo: PETR4\nCompra: 30', expected: signal({ asset: 'PETR4' }) },
  { name: 'Ativa', text: 'Ativa: BOVA11\nCompra: 120', expected: signal({ asset: 'BOVA11' }) },
  { name: 'Papel', text: 'Papel: LRENW150\nCompra: 1,20', expected: signal({ asset: 'LRENW150' }) },
  { name: 'Ticker', text: 'Ticker = KLBNK177\nCompra: 0,40', expected: signal({ asset: 'KLBNK177' }) },
  { name: 'Código', text: 'Código - BOVAW32\nCompra 2,15', expected: signal({ asset: 'BOVAW32' }) },
  {
    name: 'mixed case token in capitals',
    text: 'Ativo: PeTr4\nCompra: 30',
    expected: signal({ asset: 'PETR4' }),
  },
  { name: 'fractional-lot ticker', text: 'Ativo: PETR4F\nCompra: 30', expected: signal({ asset: 'PETR4F' }) },
  {
    name: 'futures WINFUT',
    text: 'Ativo: WINFUT\nCompra: 120.500',
    expected: signal({ asset: 'WINFUT', ...buy(120500) }),
  },
  {
    name: 'all-capitals token without digits',
    text: 'Ativo: VALE\nCompra: 60',
    expected: signal({ asset: 'VALE' }),
  },
  {
    name: 'two labels on one line',
    text: 'ATIVO: VALE3 COMPRA: 50,00',
    expected: signal({ asset: 'VALE3', ...buy(50) }),
  },
  {
    name: 'label with a lower-case word is no label',
    text: 'o ativo voltou a subir\nCompra: 10',
    expected: ignored('no_asset'),
  },
  {
    name: 'label words are never an asset',
    text: 'ATIVO: COMPRA\nCompra: 10',
    expected: ignored('no_asset'),
  },
  {
    name: 'labelled asset wins over an earlier ticker',
    text: 'Atenção IBOV11 caindo\nAtivo: PETR4\nCompra: 30',
    expected: signal({ asset: 'PETR4' }),
  },
];

const entryLabels: Fixture[] = [
  { name: 'Compra', text: 'PETR4\nCompra: 30,50', expected: signal(buy(30.5)) },
  { name: 'Comprar', text: 'PETR4\nComprar 30,50', expected: signal(buy(30.5)) },
  { name: 'Entrada', text: 'PETR4\nEntrada: 30,50', expected: signal(buy(30.5)) },
  { name: 'Compra de', text: 'PETR4\nCompra de 30,50 a 31,00', expected: signal(buy(30.5, 31)) },
  { name: 'Compra entre', text: 'PETR4\nCompra entre 30,50 e 31,00', expected: signal(buy(30.5, 31)) },
  { name: 'Compra min', text: 'PETR4\nCompra min: 30,50', expected: signal(buy(30.5)) },
  { name: 'Buy', text: 'PETR4\nBuy: 30.50', expected: signal(buy(30.5)) },
  {
    name: 'Venda sets side sell',
    text: 'PETR4\nVenda: 30,50 a 31,00',
    expected: signal({ side: 'sell', buy_min: 30.5, buy_max: 31 }),
  },
  { name: 'Vender', text: 'WINZ25\nVender 121.000', expected: signal({ side: 'sell', buy_min: 121000 }) },
  { name: 'Sell', text: 'WDOZ25\nSell: 5.432,5', expected: signal({ side: 'sell', buy_min: 5432.5 }) },
  {
    name: 'prices of several buy lines are pooled',
    text: 'PETR4\nCompra min: 30,10\nCompra máx: 30,90\nCompra: 30,50',
    expected: signal(buy(30.1, 30.9)),
  },
  {
    name: 'the first priced buy or sell label sets the side',
    text: 'PETR4\nVenda: 31,00\nCompra: 29,00',
    expected: signal({ side: 'sell', buy_min: 31, buy_max: 31 }),
  },
  {
    name: 'a buy label without a directly following price is no price',
    text: 'PETR4\nCompra: acima de 30,50',
    expected: ignored('no_prices'),
  },
  {
    name: 'label at a word boundary only (recompra is no label)',
    text: 'PETR4 recompra 30,50',
    expected: ignored('commentary'),
  },
  {
    name: 'COMPRA ticker @ price',
    text: 'COMPRA WINZ25 @ 120500',
    expected: signal({ asset: 'WINZ25', ...buy(120500) }),
  },
  {
    name: 'separator = and -',
    text: 'PETR4\nCompra = 30,50\nStop - 29',
    expected: signal({ ...buy(30.5), stop: 29 }),
  },
];

const targetLabels: Fixture[] = [
  {
    name: 'Alvo N with separators and without',
    text: 'PETR4\nCompra: 30\nAlvo 1: 32\nALVO 2 34,5',
    expected: signal({
      targets: [
        { index: 1, price: 32 },
        { index: 2, price: 34.5 },
      ],
      target_1: 32,
      target_2: 34.5,
    }),
  },
  {
    name: 'ALVO 1 0,35 parses',
    text: 'KLBNK177\nCOMPRA 0,25-0,27\nALVO 1 0,35',
    expected: signal({ ...buy(0.25, 0.27), targets: [{ index: 1, price: 0.35 }], target_final: 0.35 }),
  },
  {
    name: 'Alvo N° (degree sign) and Alvo Nº (ordinal)',
    text: 'PETR4\nCompra: 30\nAlvo 1°: 32\nAlvo 2º: 34',
    expected: signal({ target_1: 32, target_2: 34 }),
  },
  {
    name: 'TP N and TPN',
    text: 'PETR4\nCompra: 30\nTP 1: 31\nTP2 32\nTP3: 33',
    expected: signal({
      targets: [
        { index: 1, price: 31 },
        { index: 2, price: 32 },
        { index: 3, price: 33 },
      ],
      target_final: 33,
    }),
  },
  {
    name: 'Target N',
    text: 'PETR4\nCompra: 30\nTarget 1: 31\nTarget 2: 32',
    expected: signal({ target_1: 31, target_2: 32 }),
  },
  {
    name: 'Alvo 32 alone is target 1 at 32',
    text: 'PETR4\nCompra: 30\nAlvo 32',
    expected: signal({ targets: [{ index: 1, price: 32 }], target_1: 32, target_2: null }),
  },
  {
    name: 'unnumbered Alvo, TP and Target are target 1',
    text: 'PETR4\nCompra: 30\nAlvo: 33,5',
    expected: signal({ targets: [{ index: 1, price: 33.5 }], target_final: 33.5 }),
  },
  { name: 'unnumbered TP', text: 'PETR4\nCompra: 30\nTP: 33', expected: signal({ target_1: 33 }) },
  { name: 'unnumbered Target', text: 'PETR4\nCompra: 30\nTarget 33', expected: signal({ target_1: 33 }) },
  {
    name: 'Alvo final is target_final and not in targets',
    text: 'PETR4\nCompra: 30\nAlvo 1: 32\nAlvo final: 40',
    expected: signal({ targets: [{ index: 1, price: 32 }], target_final: 40 }),
  },
  {
    name: 'Alvo geral',
    text: 'PETR4\nCompra: 30\nAlvo geral: 41',
    expected: signal({ targets: [], target_final: 41 }),
  },
  {
    name: 'Objetivo',
    text: 'PETR4\nCompra: 30\nObjetivo: 42',
    expected: signal({ targets: [], target_final: 42 }),
  },
  { name: 'TP final', text: 'PETR4\nCompra: 30\nTP final 43', expected: signal({ target_final: 43 }) },
  {
    name: 'target_final is the highest-numbered target without an explicit final',
    text: 'PETR4\nCompra: 30\nAlvo 2: 34\nAlvo 1: 32\nAlvo 3: 36',
    expected: signal({
      targets: [
        { index: 1, price: 32 },
        { index: 2, price: 34 },
        { index: 3, price: 36 },
      ],
      target_final: 36,
    }),
  },
  {
    name: 'Alvos list with /',
    text: 'PETR4\nCompra: 1,00\nAlvos: 1,2 / 1,5 / 2,0',
    expected: signal({
      targets: [
        { index: 1, price: 1.2 },
        { index: 2, price: 1.5 },
        { index: 3, price: 2 },
      ],
      target_1: 1.2,
      target_2: 1.5,
      target_final: 2,
    }),
  },
  {
    name: 'Alvos list with ;',
    text: 'PETR4\nCompra: 1,00\nAlvos: 1,2; 1,5; 2,0',
    expected: signal({
      targets: [
        { index: 1, price: 1.2 },
        { index: 2, price: 1.5 },
        { index: 3, price: 2 },
      ],
    }),
  },
  {
    name: 'Alvos list with comma and space',
    text: 'PETR4\nCompra: 1,00\nAlvos: 1,2, 1,5, 2,0',
    expected: signal({
      targets: [
        { index: 1, price: 1.2 },
        { index: 2, price: 1.5 },
        { index: 3, price: 2 },
      ],
    }),
  },
  {
    name: 'Alvo N followed by a percentage has no price',
    text: 'PETR4\nCompra: 30\nAlvo 1: 15%',
    expected: signal({ targets: [], target_1: null, target_final: null }),
  },
];

const stopLabels: Fixture[] = [
  { name: 'Stop', text: 'PETR4\nCompra: 30\nStop: 28,5', expected: signal({ stop: 28.5 }) },
  { name: 'Stop loss', text: 'PETR4\nCompra: 30\nStop loss: 28,5', expected: signal({ stop: 28.5 }) },
  { name: 'Stop-loss', text: 'PETR4\nCompra: 30\nStop-loss 28,5', expected: signal({ stop: 28.5 }) },
  { name: 'SL', text: 'PETR4\nCompra: 30\nSL: 28,5', expected: signal({ stop: 28.5 }) },
  {
    name: 'Stop gain is not a stop',
    text: 'PETR4\nCompra: 30\nStop gain: 35\nStop: 28',
    expected: signal({ stop: 28 }),
  },
  {
    name: 'Stop gain alone leaves stop null',
    text: 'PETR4\nCompra: 30\nStop gain 35',
    expected: signal({ stop: null }),
  },
  {
    name: 'ticker, target and stop without a buy price is a signal',
    text: 'PETR4\nAlvo: 35\nStop: 28',
    expected: signal({ asset: 'PETR4', side: 'buy', buy_min: null, buy_max: null, target_1: 35, stop: 28 }),
  },
];

const tradeTypes: Fixture[] = [
  {
    name: 'default Swing Trade',
    text: 'PETR4\nCompra: 30',
    expected: signal({ signal_type: 'Swing Trade' }),
  },
  {
    name: 'Day Trade',
    text: '🔵 DAY TRADE\nPETR4\nCompra: 30',
    expected: signal({ signal_type: 'Day Trade' }),
  },
  {
    name: 'Scalping',
    text: 'scalping\nWINZ25\nCompra: 120500',
    expected: signal({ signal_type: 'Scalping' }),
  },
  { name: 'Position', text: 'Position\nPETR4\nCompra: 30', expected: signal({ signal_type: 'Position' }) },
  {
    name: 'TIPO label',
    text: 'TIPO: Day Trade\nAtivo: PETR4\nCompra: 30',
    expected: signal({ signal_type: 'Day Trade' }),
  },
  {
    name: 'on the line of the first price, before it',
    text: 'PETR4 day trade compra 30',
    expected: signal({ signal_type: 'Day Trade' }),
  },
  {
    name: 'a trade type after the first labelled price does not count',
    text: 'PETR4\nCompra: 30\nDay trade',
    expected: signal({ signal_type: 'Swing Trade' }),
  },
];

const numbers: Fixture[] = [
  { name: '1,04 = 1.04', text: 'PETR4 compra 1,04', expected: signal(buy(1.04)) },
  { name: '1.250,50 = 1250.5', text: 'PETR4 compra 1.250,50', expected: signal(buy(1250.5)) },
  { name: '25.50 = 25.5', text: 'PETR4 compra 25.50', expected: signal(buy(25.5)) },
  { name: '120.500 = 120500', text: 'WINZ25 compra 120.500', expected: signal(buy(120500)) },
  { name: '0.125 = 0.125', text: 'PETR4 compra 0.125', expected: signal(buy(0.125)) },
  { name: '1,250 = 1.25 (comma is decimal)', text: 'PETR4 compra 1,250', expected: signal(buy(1.25)) },
  { name: '1.250.000 thousands', text: 'WINZ25 compra 1.250.000', expected: signal(buy(1250000)) },
  {
    name: 'R$ prefix',
    text: 'PETR4\nCompra: R$ 30,50\nStop: R$29',
    expected: signal({ ...buy(30.5), stop: 29 }),
  },
  { name: 'decimals kept exactly', text: 'PETR4 compra 0,123456', expected: signal(buy(0.123456)) },
  {
    name: 'price 0 is a real price',
    text: 'PETR4\nAlvo: 1\nStop: 0',
    expected: signal({ stop: 0, target_1: 1 }),
  },
  {
    name: 'percentage is never a price',
    text: 'PETR4\nCompra: 10%',
    expected: ignored('no_prices'),
  },
  {
    name: 'invalid number shape gives no price',
    text: 'PETR4\nCompra: 1,2,3',
    expected: ignored('no_prices'),
  },
];

const ranges: Fixture[] = [
  { name: 'a', text: 'PETR4 compra 1,04 a 1,06', expected: signal(buy(1.04, 1.06)) },
  { name: 'à', text: 'PETR4 compra 1,04 à 1,06', expected: signal(buy(1.04, 1.06)) },
  { name: 'até', text: 'PETR4 compra 1,04 até 1,06', expected: signal(buy(1.04, 1.06)) },
  { name: 'ate', text: 'PETR4 compra 1,04 ate 1,06', expected: signal(buy(1.04, 1.06)) },
  { name: 'hyphen', text: 'PETR4 compra 1,04 - 1,06', expected: signal(buy(1.04, 1.06)) },
  { name: 'en dash', text: 'PETR4 compra 1,04 – 1,06', expected: signal(buy(1.04, 1.06)) },
  { name: 'slash', text: 'PETR4 compra 1,04 / 1,06', expected: signal(buy(1.04, 1.06)) },
  { name: 'tilde', text: 'PETR4 compra 1,04 ~ 1,06', expected: signal(buy(1.04, 1.06)) },
  { name: 'entre … e …', text: 'PETR4 compra entre 1,04 e 1,06', expected: signal(buy(1.04, 1.06)) },
  { name: 'no spaces 0,25-0,27', text: 'PETR4 COMPRA 0,25-0,27', expected: signal(buy(0.25, 0.27)) },
  { name: 'higher written first', text: 'PETR4 compra 1,06 a 1,04', expected: signal(buy(1.04, 1.06)) },
  { name: 'single price: min = max', text: 'PETR4 compra 1,05', expected: signal(buy(1.05, 1.05)) },
];

const assetsWithoutLabel: Fixture[] = [
  { name: 'stock on its own line', text: 'PETR4\nCompra: 30', expected: signal({ asset: 'PETR4' }) },
  { name: 'option', text: 'BOVAW32 compra 2,10', expected: signal({ asset: 'BOVAW32' }) },
  { name: 'fractional F', text: 'PETR4F compra 30', expected: signal({ asset: 'PETR4F' }) },
  {
    name: 'futures root + FUT',
    text: 'INDFUT compra 130.000',
    expected: signal({ asset: 'INDFUT', ...buy(130000) }),
  },
  { name: 'lower-case ticker is not a ticker', text: 'petr4\nCompra: 30', expected: ignored('no_asset') },
  {
    name: 'label word + digit is not a ticker',
    text: 'ALVO1: 30\nCompra: 29',
    expected: ignored('no_asset'),
  },
  {
    name: 'the first ticker wins',
    text: 'VALE3 e PETR4\nCompra: 30',
    expected: signal({ asset: 'VALE3' }),
  },
];

const updates: Fixture[] = [
  {
    name: 'target hit with percentage',
    text: 'VALEW591 ALVO 1 ATINGIDO ✅\n+17,02%',
    expected: update({ asset: 'VALEW591', event: 'target_hit', target: 1, pct: 17.02 }),
  },
  {
    name: 'alvo 2 atingido',
    text: 'PETR4 alvo 2 atingido',
    expected: update({ asset: 'PETR4', event: 'target_hit', target: 2, pct: null }),
  },
  {
    name: 'alvo final atingido',
    text: 'PETR4 ALVO FINAL ATINGIDO 🚀 +45%',
    expected: update({ event: 'target_hit', target: 'final', pct: 45 }),
  },
  {
    name: 'alvo geral atingido',
    text: 'PETR4 alvo geral atingido',
    expected: update({ event: 'target_hit', target: 'final' }),
  },
  {
    name: 'atingiu o alvo N',
    text: 'BOVAW32 atingiu o alvo 2! 12%',
    expected: update({ asset: 'BOVAW32', event: 'target_hit', target: 2, pct: 12 }),
  },
  {
    name: 'unnumbered alvo atingido is target 1',
    text: 'PETR4 alvo atingido',
    expected: update({ event: 'target_hit', target: 1 }),
  },
  {
    name: 'target hit without a ticker has asset null',
    text: 'Alvo 1 atingido!',
    expected: update({ asset: null, event: 'target_hit', target: 1 }),
  },
  {
    name: 'stop hit with negative percentage',
    text: 'ABEVK122 stop\n-25%',
    expected: update({ asset: 'ABEVK122', event: 'stop_hit', target: null, pct: -25 }),
  },
  { name: 'stopado', text: 'PETR4 stopado -8%', expected: update({ event: 'stop_hit', pct: -8 }) },
  { name: 'stop atingido', text: '🛑 PETR4 stop atingido', expected: update({ event: 'stop_hit' }) },
  {
    name: 'stop followed by a price is not a stop hit',
    text: 'PETR4 stop 28,50',
    expected: ignored('no_prices'),
  },
  {
    name: 'stop gain is not a stop hit',
    text: 'PETR4 stop gain',
    expected: ignored('commentary'),
  },
  {
    name: 'stop word in commentary (no ticker) is not an update',
    text: 'vamos subir o stop',
    expected: ignored('commentary'),
  },
  {
    name: 'stop word outside the first line is not a stop hit',
    text: 'PETR4 segue firme\nquem quiser pode subir o stop',
    expected: ignored('commentary'),
  },
  {
    name: 'commentary about moving the stop of a ticker',
    text: 'Pessoal, vamos subir o stop de PETR4',
    expected: ignored('commentary'),
  },
  {
    name: 'Operação cancelada',
    text: 'Operação cancelada',
    expected: update({ asset: null, event: 'cancelled' }),
  },
  {
    name: 'ignore o sinal anterior',
    text: 'Pessoal, ignore o sinal anterior',
    expected: update({ asset: null, event: 'cancelled', target: null, pct: null }),
  },
  {
    name: 'desconsiderar',
    text: 'Favor desconsiderar PETR4',
    expected: update({ asset: 'PETR4', event: 'cancelled' }),
  },
  {
    name: 'cancelado with ticker',
    text: 'PETR4 CANCELADO',
    expected: update({ asset: 'PETR4', event: 'cancelled' }),
  },
  { name: 'encerrada', text: 'PETR4 operação encerrada +5%', expected: update({ event: 'closed', pct: 5 }) },
  { name: 'zerar', text: 'Zerar BOVA11 agora', expected: update({ asset: 'BOVA11', event: 'closed' }) },
  { name: 'zerado', text: 'BOVA11 zerado', expected: update({ event: 'closed' }) },
  {
    name: 'saída',
    text: 'Saída de VALE3 com +3,5%',
    expected: update({ asset: 'VALE3', event: 'closed', pct: 3.5 }),
  },
  {
    name: 'target hit beats stop',
    text: 'PETR4 stop\nalvo 1 atingido antes',
    expected: update({ event: 'target_hit', target: 1 }),
  },
  {
    name: 'stop hit beats cancelled and closed',
    text: 'PETR4 stopado, operação encerrada',
    expected: update({ event: 'stop_hit' }),
  },
  {
    name: 'cancelled beats closed',
    text: 'PETR4 encerrada? não: cancelada',
    expected: update({ event: 'cancelled' }),
  },
  {
    name: 'pct is the first percentage; no sign is positive',
    text: 'PETR4 alvo 1 atingido 8%\nacumulado -3%',
    expected: update({ pct: 8 }),
  },
  {
    name: 'a signal is never an update',
    text: 'PETR4\nCompra: 30\nStop: 28\nOperação cancelada anteriormente',
    expected: signal({ asset: 'PETR4' }),
  },
];

const ignoredReasons: Fixture[] = [
  { name: 'empty', text: '', expected: ignored('empty') },
  { name: 'only whitespace', text: '  \r\n\t \n', expected: { ...ignored('empty'), raw_message: '' } },
  {
    name: 'too_long (16,385 ASCII bytes)',
    text: `PETR4 compra 30 ${'x'.repeat(16_385 - 16)}`,
    expected: ignored('too_long'),
  },
  {
    name: 'exactly 16,384 bytes is not too long',
    text: `PETR4 compra 30 ${'x'.repeat(16_384 - 16)}`,
    expected: signal({ asset: 'PETR4' }),
  },
  {
    name: 'too_long counts UTF-8 bytes, not characters',
    text: `PETR4 compra 30 ${'é'.repeat(8_200)}`,
    expected: ignored('too_long'),
  },
  { name: 'no_asset', text: 'Compra: 30\nAlvo: 35\nStop: 28', expected: ignored('no_asset') },
  { name: 'no_prices', text: 'Ativo: PETR4\nCompra: a mercado\nStop: -', expected: ignored('no_prices') },
  {
    name: 'no_prices: a ticker with a target but no stop and no buy',
    text: 'PETR4\nAlvo 1: 35',
    expected: ignored('no_prices'),
  },
  {
    name: 'commentary with a ticker',
    text: 'BOVA11 — o ativo voltou a testar a região do 144...',
    expected: ignored('commentary'),
  },
  { name: 'greeting', text: 'Bom dia pessoal! 🌞', expected: ignored('commentary') },
  {
    name: 'COMPRA and ATIVO alone are never an asset',
    text: 'COMPRA ATIVO',
    expected: ignored('commentary'),
  },
];

const warnings: Fixture[] = [
  {
    name: 'buy: stop above entry',
    text: 'PETR4\nCompra: 30\nStop: 31',
    expected: signal({ stop: 31 }, ['stop_above_entry']),
  },
  {
    name: 'buy: target below entry',
    text: 'PETR4\nCompra: 30\nAlvo 1: 29\nStop: 28',
    expected: signal({ target_1: 29 }, ['target_below_entry']),
  },
  {
    name: 'buy: both',
    text: 'PETR4\nCompra: 30\nAlvo: 25\nStop: 35',
    expected: signal({}, ['stop_above_entry', 'target_below_entry']),
  },
  {
    name: 'sell: stop below entry and target above entry',
    text: 'PETR4\nVenda: 30\nAlvo: 35\nStop: 25',
    expected: signal({ side: 'sell' }, ['stop_below_entry', 'target_above_entry']),
  },
  {
    name: 'sell: consistent prices, no warnings',
    text: 'PETR4\nVenda: 30\nAlvo: 25\nStop: 35',
    expected: signal({ side: 'sell' }, []),
  },
  {
    name: 'buy: final target below entry',
    text: 'PETR4\nCompra: 30\nAlvo final: 20',
    expected: signal({ target_final: 20 }, ['target_below_entry']),
  },
];

const validUntil: Fixture[] = [
  {
    name: 'até dia DD/MM resolved in the post year',
    text: 'PETR4\nCompra: 30\nValidade: até dia 20/11',
    date: '2025-11-10T13:00:00Z',
    expected: signal({ valid_until: '2025-11-20' }),
  },
  {
    name: 'válida até DD/MM',
    text: 'PETR4\nCompra: 30\nVálida até 05/12',
    date: '2025-11-10T13:00:00Z',
    expected: signal({ valid_until: '2025-12-05' }),
  },
  {
    name: 'earlier day/month rolls over to next year',
    text: 'PETR4\nCompra: 30\nAté dia 10/01',
    date: '2025-12-20T13:00:00Z',
    expected: signal({ valid_until: '2026-01-10' }),
  },
  {
    name: 'same day does not roll over',
    text: 'PETR4\nCompra: 30\naté dia 14/11',
    date: '2025-11-14T13:00:00Z',
    expected: signal({ valid_until: '2025-11-14' }),
  },
  {
    name: 'the post date is the calendar day in Brazil (UTC−3)',
    text: 'PETR4\nCompra: 30\naté dia 13/11',
    date: '2025-11-14T01:30:00Z',
    expected: signal({ valid_until: '2025-11-13' }),
  },
  {
    name: 'null without a date',
    text: 'PETR4\nCompra: 30\naté dia 14/11',
    expected: signal({ valid_until: null }),
  },
  {
    name: 'null without the phrase',
    text: 'PETR4\nCompra: 30',
    date: '2025-11-10T13:00:00Z',
    expected: signal({ valid_until: null }),
  },
  {
    name: '29/02 rolled into a non-leap year is null',
    text: 'PETR4\nCompra: 30\naté 29/02',
    date: '2026-03-10T13:00:00Z',
    expected: signal({ valid_until: null }),
  },
  {
    name: '29/02 in a leap year',
    text: 'PETR4\nCompra: 30\naté 29/02',
    date: '2027-03-10T13:00:00Z',
    expected: signal({ valid_until: '2028-02-29' }),
  },
];

// The choices src/parser/README.md lists where the spec leaves room.
const choices: Fixture[] = [
  { name: 'English 1,250.50 = 1250.5', text: 'WINZ25 compra 1,250.50', expected: signal(buy(1250.5)) },
  {
    name: 'a date after "até" ends a range',
    text: 'PETR4\nCompra: 0,82 até 14/11',
    date: '2025-11-10T13:00:00Z',
    expected: signal({ ...buy(0.82), valid_until: '2025-11-14' }),
  },
  { name: 'N/N after a buy label is a range', text: 'PETR4 compra 10/12', expected: signal(buy(10, 12)) },
  {
    name: 'several targets hit: the furthest counts',
    text: 'PETR4 alvos 1 e 2 atingidos',
    expected: update({ event: 'target_hit', target: 2 }),
  },
  {
    name: 'Alvo nº 1',
    text: 'PETR4\nCompra: 30\nAlvo nº 1: 32\nAlvo nº 2: 33',
    expected: signal({ target_1: 32, target_2: 33 }),
  },
  { name: 'hashtag asset', text: 'Ativo: #PETR4\nCompra: 30', expected: signal({ asset: 'PETR4' }) },
  {
    name: 'several unnumbered targets take indices 1, 2',
    text: 'PETR4\nCompra: 30\nAlvo: 32\nAlvo: 34',
    expected: signal({
      targets: [
        { index: 1, price: 32 },
        { index: 2, price: 34 },
      ],
    }),
  },
  {
    name: 'unnumbered targets take the free indices',
    text: 'PETR4\nCompra: 30\nAlvo: 32\nAlvo 1: 31',
    expected: signal({
      targets: [
        { index: 1, price: 31 },
        { index: 2, price: 32 },
      ],
    }),
  },
  {
    name: 'an unnumbered Alvo with a list',
    text: 'PETR4\nCompra: 30\nAlvo: 32 / 34',
    expected: signal({ target_1: 32, target_2: 34 }),
  },
  {
    name: 'a numbered target repeated: the first wins',
    text: 'PETR4\nCompra: 30\nAlvo 1: 32\nAlvo 1: 33',
    expected: signal({ targets: [{ index: 1, price: 32 }] }),
  },
  {
    name: 'entries of the other side are ignored',
    text: 'PETR4\nCompra: 30\nVenda: 35',
    expected: signal({ ...buy(30), targets: [] }),
  },
  {
    name: 'a chain of buy prices is pooled',
    text: 'PETR4 compra 30 / 31 / 29',
    expected: signal(buy(29, 31)),
  },
  {
    name: 'stop word on the first line but the ticker below is not a stop hit',
    text: '🛑 STOP\nABEVK122\n-25%',
    expected: ignored('commentary'),
  },
  {
    name: 'stop hit announced in a sentence naming the ticker',
    text: 'Pessoal, PETR4 foi stopado',
    expected: update({ asset: 'PETR4', event: 'stop_hit' }),
  },
  {
    name: 'explicit year in valid_until',
    text: 'PETR4\nCompra: 30\nválida até 10/01/2027',
    date: '2025-11-10T13:00:00Z',
    expected: signal({ valid_until: '2027-01-10' }),
  },
  {
    name: 'an asset label value longer than 12 characters is no label',
    text: 'Ativo: ABCDEFGHIJKLMN\nPETR4 compra 30',
    expected: signal({ asset: 'PETR4' }),
  },
];

export const FIXTURE_GROUPS: Record<string, Fixture[]> = {
  normalisation,
  'asset labels': assetLabels,
  'buy and sell labels': entryLabels,
  'target labels': targetLabels,
  'stop labels': stopLabels,
  'trade types': tradeTypes,
  numbers,
  ranges,
  'assets without a label': assetsWithoutLabel,
  updates,
  'ignored reasons': ignoredReasons,
  warnings,
  'valid until': validUntil,
  'choices where the spec leaves room': choices,
};
