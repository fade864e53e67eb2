/** The wire shape of a signal and of its events (API.md), as zod: the response schemas and the OpenAPI doc. */
import { z } from 'zod';
import { signalEventSchema, signalStatusSchema, signalViewSchema } from '../../domain/signal-schema.js';

export { signalEventSchema, signalStatusSchema, signalViewSchema };

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
