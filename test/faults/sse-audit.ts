/**
 * SSE audit clients: the `eventsource` package (spec-following; reconnects by itself with
 * Last-Event-ID after any cut) recording every `signal` event's seq, message id and arrival time.
 */
import { EventSource } from 'eventsource';

export interface Delivery {
  seq: number;
  messageId: string;
  op: string;
  at: number;
}

export interface AuditClient {
  name: string;
  deliveries: Delivery[];
  resyncs: number;
  opens: number;
  errors: number;
  maxSeq(): number;
  has(messageId: string): boolean;
  close(): void;
}

export function openAuditClient(url: string, headers: Record<string, string>, name = 'sse'): AuditClient {
  const source = new EventSource(url, {
    fetch: (input, init) => fetch(input, { ...init, headers: { ...(init?.headers ?? {}), ...headers } }),
  });
  const seen = new Set<string>();
  const client: AuditClient = {
    name,
    deliveries: [],
    resyncs: 0,
    opens: 0,
    errors: 0,
    maxSeq: () => client.deliveries.at(-1)?.seq ?? 0,
    has: (messageId) => seen.has(messageId),
    close: () => source.close(),
  };
  source.addEventListener('open', () => {
    client.opens++;
  });
  source.addEventListener('error', () => {
    client.errors++;
  });
  source.addEventListener('resync', () => {
    client.resyncs++;
  });
  source.addEventListener('signal', (message) => {
    const data = JSON.parse(message.data) as { seq: number; op: string; signal: { message_id: string } };
    seen.add(data.signal.message_id);
    client.deliveries.push({ seq: data.seq, messageId: data.signal.message_id, op: data.op, at: Date.now() });
  });
  return client;
}

export async function openAuditClients(
  apiUrl: string,
  headers: Record<string, string>,
  count: number,
): Promise<AuditClient[]> {
  const clients = Array.from({ length: count }, (_, i) =>
    openAuditClient(`${apiUrl}/signals/stream`, headers, `sse-${i + 1}`),
  );
  const deadline = Date.now() + 15_000;
  while (clients.some((c) => c.opens === 0)) {
    if (Date.now() > deadline) throw new Error('SSE clients did not open');
    await new Promise((r) => setTimeout(r, 50));
  }
  return clients;
}

/** Against the event log's seqs (all of them, in order): what one client missed, got twice or out of order. */
export function compareDeliveries(
  client: AuditClient,
  logSeqs: number[],
): { lost: number; duplicated: number; outOfOrder: number } {
  const got = client.deliveries.map((d) => d.seq);
  const unique = new Set(got);
  let outOfOrder = 0;
  for (let i = 1; i < got.length; i++) if ((got[i] as number) <= (got[i - 1] as number)) outOfOrder++;
  const inLog = new Set(logSeqs);
  const extra = got.filter((s) => !inLog.has(s)).length;
  return {
    lost: logSeqs.filter((s) => !unique.has(s)).length,
    duplicated: got.length - unique.size + extra,
    outOfOrder,
  };
}
