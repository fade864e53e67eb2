/**
 * A decoded gateway delivery → what the pipeline commits: parsed with the post's date, or kept as
 * rejected; unattributable and foreign deliveries are only counted (their stream cursor still moves).
 */
import type { GatewayMessage } from '../domain/gateway-message.js';
import type { Decoded } from '../gateway/index.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import type { PipelineEntry } from './pipeline.js';
import type { ParseFn } from './ports.js';

export interface IntakeCounters {
  received: number;
  rejected: number;
  unattributable: number;
  foreign: number;
}

export interface Intake {
  /** Null for what never reaches the pipeline (a ping with nothing to move). */
  toEntry(decoded: Decoded, cursor: string | null): PipelineEntry | null;
  /**
   * A replayed version older than one polling already applied (version-guard.ts): kept in the inbox as
   * rejected / `superseded` with its whole text, so that every version is there, without touching the signal.
   */
  superseded(message: GatewayMessage, cursor: string | null): PipelineEntry;
  counters(): IntakeCounters;
}

/** The 1st, 10th, 100th, 1000th and then every 1000th occurrence is worth a line above debug. */
function sparse(count: number): 'warn' | 'debug' {
  return count === 1 || count === 10 || count === 100 || count % 1000 === 0 ? 'warn' : 'debug';
}

export function createIntake(options: { parse: ParseFn; log: Logger; metrics: Metrics }): Intake {
  const { parse, log, metrics } = options;
  const counters: IntakeCounters = { received: 0, rejected: 0, unattributable: 0, foreign: 0 };

  return {
    toEntry(decoded, cursor) {
      switch (decoded.type) {
        case 'ping':
          return null;
        case 'foreign':
          counters.foreign += 1;
          // Never stored or acknowledged; a debug line only (a misrouted stream would flood the log).
          log.debug({ channelId: decoded.channelId }, 'message of another channel ignored');
          return cursor ? { item: null, cursor, ackMessageId: null } : null;
        case 'rejected': {
          const { delivery } = decoded;
          if (delivery.messageId === null) {
            counters.unattributable += 1;
            metrics.unattributableMessages.inc();
            // Counted always, logged sparingly: a gateway sending garbage must not flood the log.
            log[sparse(counters.unattributable)](
              {
                reason: delivery.reason,
                excerpt: delivery.excerpt.slice(0, 120),
                total: counters.unattributable,
              },
              'unattributable delivery: counted, not stored',
            );
            return cursor ? { item: null, cursor, ackMessageId: null } : null;
          }
          counters.rejected += 1;
          log[sparse(counters.rejected) === 'warn' ? 'info' : 'debug'](
            { reason: delivery.reason, messageId: delivery.messageId, total: counters.rejected },
            'message rejected at the boundary',
          );
          return {
            item: { kind: 'rejected', delivery },
            cursor,
            ackMessageId: decoded.ackable ? delivery.messageId : null,
          };
        }
        case 'message': {
          counters.received += 1;
          const { message } = decoded;
          const result = parse(message.content ?? '', { date: message.telegramDate });
          return { item: { kind: 'parsed', message, result }, cursor, ackMessageId: message.messageId };
        }
      }
    },
    superseded(message, cursor) {
      return {
        item: {
          kind: 'rejected',
          delivery: {
            channelId: message.channelId,
            messageId: message.messageId,
            telegramDate: message.telegramDate,
            reason: 'superseded',
            excerpt: message.content ?? '',
            kind: message.kind,
          },
        },
        cursor,
        ackMessageId: null,
      };
    },
    counters: () => ({ ...counters }),
  };
}
