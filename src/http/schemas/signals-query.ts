/**
 * The query parameters of GET /signals and GET /signals/stream. Each bad value is a 400 whose message
 * starts with the parameter's name. Empty values count as absent (legacy clients send `asset=`), and a
 * repeated parameter counts as a comma list.
 */
import { z } from 'zod';
import { isSignalStatus, type SignalStatus } from '../../domain/signal.js';

/** Optional; `normaliseRawQuery` (run before validation) has already joined repeats and dropped empties. */
const text = <T extends z.ZodType<unknown, string>>(schema: T) => schema.optional();

const commaList = <T extends string>(
  item: (value: string) => value is T,
  what: string,
  max: number,
  normalise: (value: string) => string = (value) => value,
) =>
  z.string().transform((value, ctx) => {
    const items = [
      ...new Set(
        value
          .split(',')
          .map((part) => normalise(part.trim()))
          .filter(Boolean),
      ),
    ];
    if (items.length > max) ctx.addIssue({ code: 'custom', message: `at most ${max} values` });
    const bad = items.find((entry) => !item(entry));
    if (bad !== undefined) ctx.addIssue({ code: 'custom', message: `"${bad.slice(0, 40)}" is not ${what}` });
    return (items as T[]).sort();
  });

const TICKER = /^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$/;
const isTicker = (value: string): value is string => TICKER.test(value);

const MAX_TIME_MS = 8.64e15;
/** Epoch ms (legacy) or ISO-8601. */
const instant = z
  .string()
  .transform((value, ctx) => {
    const ms = /^-?\d{1,16}$/.test(value)
      ? Number(value)
      : /^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(value)
        ? Date.parse(value)
        : Number.NaN;
    if (!Number.isFinite(ms) || Math.abs(ms) > MAX_TIME_MS) {
      ctx.addIssue({ code: 'custom', message: 'must be epoch milliseconds or an ISO-8601 date' });
      return z.NEVER;
    }
    return new Date(ms);
  })
  .meta({ description: 'Epoch ms or ISO-8601', example: '2025-11-03T00:00:00Z' });

const filterShape = {
  channel: text(
    z
      .string()
      .regex(/^-?\d{1,20}$/, 'must be a numeric channel id')
      .meta({ description: 'Exact channel id' }),
  ),
  type: text(
    z
      .string()
      .max(64, 'must be at most 64 characters')
      .regex(/^[^\0]*$/, 'must not contain a NUL character') // PostgreSQL text cannot hold one: was a 500
      .meta({ description: 'Exact signal_type, e.g. "Swing Trade"' }),
  ),
  asset: text(
    commaList(isTicker, 'a ticker', 50, (value) => value.toUpperCase()).meta({
      description: 'One ticker or a comma list',
    }),
  ),
  status: text(
    commaList(isSignalStatus, 'a signal status', 20).meta({
      description: 'Lifecycle status, or a comma list',
    }),
  ),
};

export const signalsQuerySchema = z
  .object({
    limit: text(
      z
        .string()
        .regex(/^\d{1,7}$/, 'must be an integer from 1 to 1000')
        .transform(Number)
        .pipe(
          z
            .number()
            .int()
            .min(1, 'must be an integer from 1 to 1000')
            .max(1000, 'must be an integer from 1 to 1000'),
        )
        .meta({ description: '1–1000, default 100' }),
    ),
    ...filterShape,
    search: text(
      z
        .string()
        .max(200, 'must be at most 200 characters')
        .regex(/^[^\0]*$/, 'must not contain a NUL character') // PostgreSQL text cannot hold one: was a 500
        .meta({ description: 'Case-insensitive substring of asset or raw_message' }),
    ),
    from: text(instant),
    to: text(instant),
    before: text(
      z
        .string()
        .max(200, 'is not a valid cursor')
        .regex(/^[A-Za-z0-9_=.:-]+$/, 'is not a valid cursor')
        .meta({ description: 'The next_before of the previous page' }),
    ),
  })
  .superRefine((query, ctx) => {
    if (query.from && query.to && query.from > query.to) {
      ctx.addIssue({ code: 'custom', path: ['to'], message: 'must not be before from' });
    }
  });

export type SignalsQuery = z.output<typeof signalsQuerySchema>;

export const streamQuerySchema = z.object({
  ...filterShape,
  lastEventId: text(
    z
      .string()
      .regex(/^\d{1,15}$/, 'must be an event seq (a non-negative integer)')
      .transform(Number)
      .meta({ description: 'For clients that cannot send the Last-Event-ID header' }),
  ),
});

export type StreamQuery = z.output<typeof streamQuerySchema>;

export const signalIdParamsSchema = z.object({
  id: z
    .string()
    .regex(/^[1-9]\d{0,14}$/, 'must be a positive integer')
    .transform(Number),
});

/** The filters both endpoints share, normalised: sorted, de-duplicated, upper-cased tickers. */
export interface NormalisedFilters {
  channel?: string;
  type?: string;
  assets?: string[];
  statuses?: SignalStatus[];
}

export function filtersOf(query: StreamQuery | SignalsQuery): NormalisedFilters {
  return {
    ...(query.channel ? { channel: query.channel } : {}),
    ...(query.type ? { type: query.type } : {}),
    ...(query.asset?.length ? { assets: query.asset } : {}),
    ...(query.status?.length ? { statuses: query.status as SignalStatus[] } : {}),
  };
}
