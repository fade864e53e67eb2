/** What may arrive on the bus channel: parsed, never trusted (another process wrote it). */
import { z } from 'zod';
import type { SignalEvent } from '../domain/events.js';
import { signalEventSchema } from '../domain/signal-schema.js';

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
