/** The wire shape of a signal and of its events (API.md), as zod: the response schemas and the OpenAPI doc. */
import { z } from 'zod';
import { SIGNAL_OPS } from '../../domain/events.js';
import { type SignalView, STATUS_PATTERN } from '../../domain/signal.js';

const price = z.number().nullable();

export const signalStatusSchema = z
  .string()
  .regex(STATUS_PATTERN)
  .meta({ description: 'open, target_<n>_hit, target_final_hit, stopped, cancelled or closed' });

export const signalViewSchema = z
  .object({
    id: z.number().int(),
    ts: z.number().int().meta({ description: 'Epoch ms of the Telegram date (legacy)' }),
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
    status: signalStatusSchema,
    valid_until: z.string().nullable(),
    seq: z.number().int().meta({ description: 'Seq of the latest event that changed this signal' }),
  })
  .meta({ description: 'A signal (legacy fields first)' });

export const signalEventSchema = z.object({
  seq: z.number().int(),
  op: z.enum(SIGNAL_OPS),
  occurred_at: z.string(),
  signal: signalViewSchema,
});

export const signalListSchema = z
  .object({
    data: z.array(signalViewSchema),
    next_before: z
      .string()
      .nullable()
      .meta({ description: 'Pass as `before` for the next page; null on the last' }),
  })
  .meta({ description: 'Signals, newest first' });

export const signalDetailSchema = z
  .object({ data: signalViewSchema, events: z.array(signalEventSchema) })
  .meta({ description: 'One signal with its lifecycle events, oldest first' });

// Compile-time check that the zod shape and the domain type agree.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _signalViewMatches: Same<
  Omit<z.output<typeof signalViewSchema>, 'status'>,
  Omit<SignalView, 'status'>
> = true;
void _signalViewMatches;
