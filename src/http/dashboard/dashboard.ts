/**
 * The built-in dashboard (API.md "Built-in dashboard"): signs in with the API key (session cookie),
 * loads GET /signals, then follows /signals/stream. Rows are keyed by signal id: a new signal is
 * inserted at the top, a lifecycle event updates its row in place. Runs in the browser; no framework.
 */

interface Target {
  index: number;
  price: number;
}
interface Signal {
  id: number;
  ts: number;
  asset: string;
  signal_type: string;
  side: 'buy' | 'sell';
  buy_min: number | null;
  buy_max: number | null;
  targets: Target[];
  target_final: number | null;
  stop: number | null;
  status: string;
  seq: number;
}
interface StreamEvent {
  seq: number;
  op: string;
  signal: Signal;
}
interface Ready {
  checks?: {
    gateway?: { mode?: string | null; breaker?: string | null };
    ingester?: { role?: string | null };
  };
}

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const rows = new Map<number, HTMLTableRowElement>();
const signals = new Map<number, Signal>();
const PAGE = 200;
let source: EventSource | null = null;
let lastEventId: number | null = null;
let reconnectTimer: number | undefined;
let reconnectDelay = 1000;

const timeFormat = new Intl.DateTimeFormat('pt-BR', {
  timeZone: 'America/Sao_Paulo',
  day: '2-digit',
  month: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
});
const priceFormat = new Intl.NumberFormat('pt-BR', { minimumFractionDigits: 2, maximumFractionDigits: 8 });
const STATUS_LABELS: Record<string, string> = {
  open: 'aberto',
  stopped: 'stopado',
  cancelled: 'cancelado',
  closed: 'encerrado',
  target_final_hit: 'alvo final',
};

const price = (value: number | null) => (value === null ? '—' : priceFormat.format(value));
const statusLabel = (status: string) =>
  STATUS_LABELS[status] ?? status.replace(/^target_(\d+)_hit$/, 'alvo $1');

function filters(): URLSearchParams {
  const params = new URLSearchParams();
  const asset = $<HTMLInputElement>('filter-asset').value.trim().toUpperCase().replace(/\s+/g, '');
  const status = $<HTMLSelectElement>('filter-status').value;
  if (asset) params.set('asset', asset);
  if (status) params.set('status', status);
  return params;
}

function matches(signal: Signal): boolean {
  const params = filters();
  const assets = params.get('asset')?.split(',').filter(Boolean);
  const statuses = params.get('status')?.split(',');
  return (!assets || assets.includes(signal.asset)) && (!statuses || statuses.includes(signal.status));
}

function cell(row: HTMLTableRowElement, label: string, text: string, className = ''): HTMLTableCellElement {
  const td = row.insertCell();
  td.dataset.label = label;
  td.textContent = text;
  if (className) td.className = className;
  return td;
}

function render(signal: Signal, row: HTMLTableRowElement): void {
  row.replaceChildren();
  row.dataset.signalId = String(signal.id);
  row.dataset.asset = signal.asset;
  row.dataset.status = signal.status;
  cell(row, 'Hora', timeFormat.format(new Date(signal.ts)), 'time');
  const asset = cell(row, 'Ativo', signal.asset, 'asset');
  if (signal.side === 'sell') {
    const side = document.createElement('span');
    side.className = 'side-sell';
    side.textContent = 'venda';
    asset.append(side);
  }
  cell(row, 'Tipo', signal.signal_type, 'type');
  const range =
    signal.buy_min === signal.buy_max
      ? price(signal.buy_min)
      : `${price(signal.buy_min)} – ${price(signal.buy_max)}`;
  // A sell signal's range is its entry too: the column says "Entrada", the sell side is marked on the asset.
  cell(row, 'Entrada', range, 'entry');
  const targets = signal.targets.map((t) => price(t.price));
  if (signal.target_final !== null && !signal.targets.some((t) => t.price === signal.target_final)) {
    targets.push(`${price(signal.target_final)} (final)`);
  }
  cell(row, 'Alvos', targets.join(' · ') || '—', 'targets');
  cell(row, 'Stop', price(signal.stop), 'stop');
  const status = cell(row, 'Status', '', 'status');
  const badge = document.createElement('span');
  badge.className = 'badge';
  badge.dataset.status = signal.status;
  badge.textContent = statusLabel(signal.status);
  status.append(badge);
}

function upsert(signal: Signal, live: boolean): void {
  const known = signals.get(signal.id);
  if (known && known.seq >= signal.seq) return;
  signals.set(signal.id, signal);
  const tbody = ($('signals') as HTMLTableElement).tBodies[0]!;
  let row = rows.get(signal.id);
  if (!matches(signal)) {
    row?.remove();
    rows.delete(signal.id);
  } else if (row) {
    render(signal, row);
    if (live) flash(row, 'changed');
  } else {
    row = document.createElement('tr');
    render(signal, row);
    rows.set(signal.id, row);
    insertSorted(tbody, row, signal);
    if (live) flash(row, 'fresh');
  }
  $('empty').hidden = rows.size > 0;
  $('count').textContent = `${rows.size} sinais`;
}

/** Newest Telegram date first; a live signal lands at the top. */
function insertSorted(tbody: HTMLTableSectionElement, row: HTMLTableRowElement, signal: Signal): void {
  for (const other of tbody.rows) {
    const otherSignal = signals.get(Number(other.dataset.signalId));
    if (
      otherSignal &&
      (otherSignal.ts < signal.ts || (otherSignal.ts === signal.ts && otherSignal.id < signal.id))
    ) {
      tbody.insertBefore(row, other);
      return;
    }
  }
  tbody.append(row);
}

function flash(row: HTMLTableRowElement, className: string): void {
  row.classList.remove(className);
  void row.offsetWidth; // restart the animation
  row.classList.add(className);
  // Drop the class once the flash is over: a cell left with a finished animation is painted on its
  // own layer in Chromium, which misplaces its collapsed border by a pixel.
  row.addEventListener('animationend', () => row.classList.remove(className), { once: true });
}

function setConnection(state: 'live' | 'connecting' | 'offline'): void {
  const el = $('connection');
  el.dataset.state = state;
  el.textContent = { live: 'ao vivo', connecting: 'reconectando…', offline: 'offline' }[state];
}

async function api(path: string, init?: RequestInit): Promise<Response> {
  return fetch(path, { credentials: 'same-origin', ...init });
}

async function load(): Promise<boolean> {
  const response = await api(
    `/signals?${new URLSearchParams({ ...Object.fromEntries(filters()), limit: String(PAGE) })}`,
  );
  if (response.status === 401 || response.status === 403) return false;
  if (!response.ok) throw new Error(`GET /signals: ${response.status}`);
  const body = (await response.json()) as { data: Signal[] };
  rows.clear();
  signals.clear();
  ($('signals') as HTMLTableElement).tBodies[0]!.replaceChildren();
  // The list is newest first; insert oldest first so each lands in place.
  for (const signal of body.data.slice().reverse()) upsert(signal, false);
  $('empty').hidden = rows.size > 0;
  $('count').textContent = `${rows.size} sinais`;
  // The list reflects every event up to X-Latest-Seq: resume the stream right after it.
  const latest = Number(response.headers.get('x-latest-seq'));
  const newest =
    Number.isSafeInteger(latest) && latest > 0 ? latest : body.data.reduce((m, s) => Math.max(m, s.seq), 0);
  lastEventId = newest > 0 ? newest : null;
  return true;
}

function connect(): void {
  source?.close();
  window.clearTimeout(reconnectTimer);
  const params = filters();
  if (lastEventId !== null) params.set('lastEventId', String(lastEventId));
  setConnection('connecting');
  const es = new EventSource(`/signals/stream?${params}`);
  source = es;
  es.onopen = () => {
    setConnection('live');
    reconnectDelay = 1000;
  };
  es.addEventListener('signal', (message) => {
    const event = JSON.parse((message as MessageEvent<string>).data) as StreamEvent;
    lastEventId = event.seq;
    upsert(event.signal, true);
  });
  es.addEventListener('resync', () => {
    lastEventId = null;
    void load().then(connect);
  });
  es.onerror = () => {
    // The browser retries by itself (with Last-Event-ID) while readyState is CONNECTING; a closed
    // source (server answered non-200, or went away for good) is reopened by us with a backoff.
    setConnection(es.readyState === EventSource.CLOSED ? 'offline' : 'connecting');
    if (es.readyState === EventSource.CLOSED) {
      reconnectTimer = window.setTimeout(() => void start(), reconnectDelay);
      reconnectDelay = Math.min(reconnectDelay * 2, 15_000);
    }
  };
}

async function refreshGateway(): Promise<void> {
  const el = $('gateway');
  try {
    const ready = (await (await api('/ready')).json()) as Ready;
    const gateway = ready.checks?.gateway;
    const role = ready.checks?.ingester?.role ?? null;
    if (gateway?.mode) {
      el.dataset.state = gateway.mode;
      el.textContent = `gateway: ${gateway.mode} · breaker ${gateway.breaker ?? '—'}`;
    } else {
      // An API running apart from the ingester sees only the lease (mode and breaker live in the
      // ingester's process): say whether an ingester is at work rather than show two dashes.
      el.dataset.state = role === 'active' ? 'active' : role === 'standby' ? 'polling' : 'down';
      el.textContent =
        role === 'active' ? 'ingester ativo' : role === 'standby' ? 'ingester em espera' : 'ingester parado';
    }
  } catch {
    el.dataset.state = 'down';
    el.textContent = 'API indisponível';
  }
}

function showSignIn(show: boolean): void {
  $('sign-in').hidden = !show;
  $('board').hidden = show;
  $('sign-out').hidden = show;
}

async function start(): Promise<void> {
  try {
    if (!(await load())) {
      source?.close();
      setConnection('offline');
      showSignIn(true);
      return;
    }
    showSignIn(false);
    connect();
  } catch {
    setConnection('offline');
    reconnectTimer = window.setTimeout(() => void start(), reconnectDelay);
    reconnectDelay = Math.min(reconnectDelay * 2, 15_000);
  }
}

$('sign-in-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const error = $('sign-in-error');
  error.hidden = true;
  const apiKey = $<HTMLInputElement>('api-key').value.trim();
  const response = await api('/auth/session', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ apiKey }),
  });
  if (!response.ok) {
    error.textContent = response.status === 403 ? 'Chave inválida.' : `Falha ao entrar (${response.status}).`;
    error.hidden = false;
    return;
  }
  $<HTMLInputElement>('api-key').value = '';
  await start();
});

$('sign-out').addEventListener('click', async () => {
  await api('/auth/session', { method: 'DELETE' });
  source?.close();
  showSignIn(true);
});

let filterTimer: number | undefined;
$('filters').addEventListener('input', () => {
  window.clearTimeout(filterTimer);
  filterTimer = window.setTimeout(() => {
    lastEventId = null;
    void start();
  }, 250);
});
$('filters').addEventListener('submit', (event) => event.preventDefault());

void start();
void refreshGateway();
window.setInterval(() => void refreshGateway(), 5000);
