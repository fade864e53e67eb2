/**
 * The building blocks of the demo feed's posts: a seeded random source, B3 tickers, prices written the
 * way the channel writes them (Brazilian decimals, thousands dots, `R$`), and every range form of
 * SIGNAL-FORMAT.md.
 */

export interface Rng {
  /** [0, 1) */
  next(): number;
  int(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
  chance(p: number): boolean;
}

/** mulberry32: small, fast, and the same sequence for the same seed on every machine. */
export function createRng(seed: number): Rng {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    pick: (items) => items[Math.floor(next() * items.length)] as (typeof items)[number],
    chance: (p) => next() < p,
  };
}

const OPTION_ROOTS = [
  'PETR',
  'VALE',
  'BBAS',
  'ITUB',
  'BBDC',
  'ABEV',
  'BOVA',
  'LREN',
  'KLBN',
  'WEGE',
  'PRIO',
  'SUZB',
  'GGBR',
  'CSAN',
  'MGLU',
  'COGN',
];
const STOCKS = [
  'PETR4',
  'VALE3',
  'ITUB4',
  'BBAS3',
  'ABEV3',
  'BOVA11',
  'WEGE3',
  'PRIO3',
  'B3SA3',
  'SUZB3',
  'GGBR4',
  'RENT3',
];
// Index futures only: their prices are points (120.500), which is what the demo writes for futures.
const FUTURES = ['WINZ25', 'WING26', 'INDZ25', 'WINFUT', 'INDFUT'];

export type AssetClass = 'option' | 'stock' | 'future';

export function optionTicker(rng: Rng): string {
  // Series letters A–L are calls and M–X puts; the number is the strike code (1–3 digits).
  const series = String.fromCharCode(65 + rng.int(0, 23));
  return `${rng.pick(OPTION_ROOTS)}${series}${rng.int(10, 620)}`;
}

export function tickerOf(rng: Rng, cls: AssetClass): string {
  if (cls === 'option') return optionTicker(rng);
  if (cls === 'stock') return rng.pick(STOCKS);
  return rng.pick(FUTURES);
}

export function stockTicker(rng: Rng): string {
  return rng.pick(STOCKS);
}

/** A Brazilian price: `0,82`, `36,15`, `1.250,50`; futures points as `120.500` or `120500`. */
export function brl(
  value: number,
  options: { decimals?: number; points?: boolean; english?: boolean } = {},
): string {
  if (options.points) {
    const int = String(Math.round(value));
    return options.english ? int : int.replace(/\B(?=(\d{3})+(?!\d))/g, '.');
  }
  const fixed = value.toFixed(options.decimals ?? 2);
  if (options.english) return fixed;
  const [whole = '0', frac] = fixed.split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, '.');
  return frac === undefined ? grouped : `${grouped},${frac}`;
}

/** `+17,02%`, `-25%`: the percentage lines of lifecycle updates. */
export function pct(value: number): string {
  const rounded = Math.round(value * 100) / 100;
  const text = Number.isInteger(rounded) ? String(Math.abs(rounded)) : brl(Math.abs(rounded));
  return `${rounded < 0 ? '-' : '+'}${text}%`;
}

/** Every range form of SIGNAL-FORMAT.md, sometimes written high to low. */
export function range(rng: Rng, low: string, high: string): string {
  const [a, b] = rng.chance(0.2) ? [high, low] : [low, high];
  const form = rng.int(0, 10);
  switch (form) {
    case 0:
      return `${a} a ${b}`;
    case 1:
      return `${a} à ${b}`;
    case 2:
      return `${a} até ${b}`;
    case 3:
      return `${a} ate ${b}`;
    case 4:
      return `${a} - ${b}`;
    case 5:
      return `${a}-${b}`;
    case 6:
      return `${a} – ${b}`;
    case 7:
      return `${a} / ${b}`;
    case 8:
      return `${a} ~ ${b}`;
    case 9:
      return `entre ${a} e ${b}`;
    default:
      return `${a} a ${b}`;
  }
}

/** `14/11`: the day and month the channel writes in "até dia 14/11". */
export function dayMonth(ms: number): string {
  const d = new Date(ms);
  return `${String(d.getUTCDate()).padStart(2, '0')}/${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}

export const GREETINGS = [
  'Bom dia, pessoal! ☀️ Vamos para mais um pregão.',
  'Bom dia a todos! Café na mão e olho no book ☕',
  'Boa tarde, traders! 👋',
  'Boa noite! Amanhã tem mais. 🌙',
  'Bom fim de semana a todos! 🍻',
  'Sextou! Obrigado pela confiança de sempre 🙏',
];

export function comment(rng: Rng, asset: string | null): string {
  const stock = asset ?? stockTicker(rng);
  const forms: Array<() => string> = [
    () => `${stock} — o ativo voltou a testar a região do ${rng.int(20, 150)}, atenção ao suporte.`,
    () => `Mercado abrindo em queda hoje, paciência com as posições 📉`,
    () => `O IBOV fechou em alta de ${brl(rng.int(10, 250) / 100)}% puxado por commodities.`,
    () => `${stock} divulga resultado amanhã após o fechamento. Cuidado com a volatilidade.`,
    () => `Lembrando: gestão de risco sempre! Nunca arrisque mais de 2% do capital por operação.`,
    () => `vamos subir o stop do ${stock} para o ponto de entrada, operação protegida.`,
    () => `Quem entrou no ${stock} ontem já está no lucro 👏 Seguimos acompanhando.`,
    () => `Dólar forte hoje, bolsa de lado. Sem novas entradas por enquanto.`,
  ];
  return rng.pick(forms)();
}

export const PHOTO_CAPTIONS = [
  '📈 Gráfico diário',
  'Resultado da semana 🚀🚀',
  'Olha o rompimento aí 👀',
  'Fluxo estrangeiro do mês',
  'Mapa de calor do IBOV hoje',
];
