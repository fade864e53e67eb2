/** What may arrive on the bus channel: parsed, never trusted (another process wrote it). */
import { z } from 'zod';
import { SIGNAL_OPS, type SignalEvent } from '../domain/events.js';
import { isSignalStatus, type SignalStatus } from '../domain/signal.js';

const price = z.number().finite().nullable();

const signalViewSchema = z.object({
  id: z.number().int(),
  ts: z.number(),
  channel: z.string(),
  signal_type: z.string(),
  asset: z.string(),
  buy_min: price,
  buy_max: price,
  target_1: price,
  target_2: price,
  target_final: price,
  stop: price,
  raw_message: z.string(),
  source: z.string(),
  ingested_at: z.string(),
  created_at: z.string(),
  updated_at: z.string(),
  message_id: z.string(),
  side: z.enum(['buy', 'sell']),
  targets: z.array(z.object({ index: z.number().int(), price: z.number() })),
  status: z.custom<SignalStatus>((value) => typeof value === 'string' && isSignalStatus(value), 'bad status'),
  valid_until: z.string().nullable(),
  seq: z.number().int(),
});

export const signalEventSchema: z.ZodType<SignalEvent> = z.object({
  seq: z.number().int().positive(),
  op: z.enum(SIGNAL_OPS),
  occurred_at: z.string(),
  signal: signalViewSchema,
});

export const signalEventBatchSchema = z.array(signalEventSchema).min(1);

export type ParsedBatch = { ok: true; events: SignalEvent[] } | { ok: false; reason: string };

/** JSON text of a published batch → its events, or why it was refused. */
export function parseEventBatch(text: string): ParsedBatch {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'invalid JSON' };
  }
  const parsed = signalEventBatchSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, reason: `${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}` };
  }
  return { ok: true, events: parsed.data };
}
