/**
 * Tiny hand-built inputs for the store tests (the parser is not used: these tests pin the store's own
 * rules) and a store opened on a test database.
 */
import pg from 'pg';
import { pino } from 'pino';
import type {
  GatewayMessage,
  MessageEventKind,
  RejectedDelivery,
} from '../../../src/domain/gateway-message.js';
import type { IngestItem } from '../../../src/domain/ingest.js';
import type { ParsedSignal, ParseResult, UpdateEvent } from '../../../src/domain/parse-result.js';
import {
  createDb,
  createInboxRepository,
  createIngestRepository,
  createLeaseRepository,
  createSignalsReadRepository,
} from '../../../src/store/index.js';

export const CHANNEL = '-1001649127710';
export const OTHER_CHANNEL = '-1009999999999';

let counter = 5000;
export function nextMessageId(): string {
  counter += 1;
  return String(counter);
}

/** Minutes after a fixed base time, so tests can order posts. */
export function at(minutes: number): Date {
  return new Date(Date.UTC(2025, 10, 3, 13, 0, 0) + minutes * 60_000);
}

export function message(over: Partial<GatewayMessage> = {}): GatewayMessage {
  const messageId = over.messageId ?? nextMessageId();
  return {
    gatewayId: `gw-${messageId}`,
    channelId: CHANNEL,
    messageId,
    telegramDate: at(0),
    receivedAt: at(0),
    content: `post ${messageId}`,
    kind: 'message',
    ...over,
  };
}

export function signalResult(
  asset: string,
  over: Partial<ParsedSignal> = {},
  raw = `Ativo: ${asset}`,
): ParseResult {
  return {
    kind: 'signal',
    raw_message: raw,
    warnings: [],
    signal: {
      asset,
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
      ...over,
    },
  };
}

export function updateResult(
  asset: string | null,
  event: UpdateEvent,
  target: number | 'final' | null = null,
) {
  const result: ParseResult = {
    kind: 'update',
    raw_message: `${asset ?? ''} ${event}`,
    warnings: [],
    update: { asset, event, target: event === 'target_hit' ? (target ?? 1) : null, pct: null },
  };
  return result;
}

export function ignoredResult(reason: 'commentary' | 'no_prices' = 'commentary'): ParseResult {
  return { kind: 'ignored', raw_message: 'bom dia', warnings: [], reason };
}

export function parsed(m: GatewayMessage, result: ParseResult): IngestItem {
  return { kind: 'parsed', message: m, result };
}

/** A post and its result, in one call: `post(signalResult('PETR4'), { telegramDate: at(1) })`. */
export function post(result: ParseResult, over: Partial<GatewayMessage> = {}): IngestItem {
  return parsed(message({ content: result.raw_message, ...over }), result);
}

/** The same message again with another kind (an edit or deletion) and result. */
export function again(
  item: IngestItem,
  kind: MessageEventKind,
  result: ParseResult,
  content?: string,
): IngestItem {
  if (item.kind !== 'parsed') throw new Error('again() needs a parsed item');
  return parsed({ ...item.message, kind, content: content ?? result.raw_message }, result);
}

export function rejected(over: Partial<RejectedDelivery> = {}): IngestItem {
  return {
    kind: 'rejected',
    delivery: {
      channelId: CHANNEL,
      messageId: nextMessageId(),
      telegramDate: null,
      reason: 'invalid_json',
      excerpt: '{"id": ',
      ...over,
    },
  };
}

export const silentLog = pino({ level: 'silent' });

export function openStore(url: string, options: { statementTimeoutMs?: number; poolMax?: number } = {}) {
  const statementTimeoutMs = options.statementTimeoutMs ?? 5000;
  const db = createDb(
    {
      url,
      poolMax: options.poolMax ?? 4,
      statementTimeoutMs,
      connectTimeoutMs: 5000,
      applicationName: 'store-test',
    },
    silentLog,
  );
  return {
    db,
    ingest: createIngestRepository(db, { statementTimeoutMs }),
    read: createSignalsReadRepository(db, { statementTimeoutMs }),
    lease: createLeaseRepository(db, { statementTimeoutMs }),
    inbox: createInboxRepository(db, { statementTimeoutMs }),
    close: () => db.close(),
  };
}

/** A plain client for looking behind the repositories. */
export async function sqlClient(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return client;
}

export async function count(client: pg.Client, table: string, where = 'true'): Promise<number> {
  const { rows } = await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${table} WHERE ${where}`);
  return Number(rows[0]?.n);
}
