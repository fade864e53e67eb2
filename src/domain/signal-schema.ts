/**
 * The wire shape of a signal and of its events as zod: one definition for the HTTP response schemas
 * (and so the OpenAPI document) and for the bus, which parses what another process published.
 */
import { z } from 'zod';
import { SIGNAL_OPS, type SignalEvent } from './events.js';
import { isSignalStatus, type SignalStatus, type SignalView } from './signal.js';

const price = z.number().finite().nullable();

export const signalStatusSchema = z
  .custom<SignalStatus>((value) => typeof value === 'string' && isSignalStatus(value), 'bad status')
  .meta({
    type: 'string',
    description: 'open, target_<n>_hit, target_final_hit, stopped, cancelled or closed',
  });

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
  seq: z.number().int().positive(),
  op: z.enum(SIGNAL_OPS),
  occurred_at: z.string(),
  signal: signalViewSchema,
});

// Compile-time check that the zod shapes and the domain types agree.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _viewMatches: Same<z.output<typeof signalViewSchema>, SignalView> = true;
const _eventMatches: Same<z.output<typeof signalEventSchema>, SignalEvent> = true;
void _viewMatches;
void _eventMatches;
