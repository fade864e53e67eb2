/**
 * What a feed implies, computed from the feed alone with the parser and SIGNAL-FORMAT.md's rules — not
 * from the database — so that an audit can compare the two:
 *  - the inbox holds every version once: (message id, Telegram date, kind, content);
 *  - a signal per message that was ever a signal; an edit that changes what the parser says is an
 *    `updated` event, an edit that is no longer a signal or a deletion cancels it;
 *  - an update applies to the latest open signal of its asset (or of the channel, with no asset) posted
 *    at or before it; statuses only move forward; every status change is one event.
 */
import type { ParseResult, UpdateEvent } from '../../../src/domain/parse-result.js';
import { parseMessage } from '../../../src/parser/index.js';

export interface FeedMessage {
  event: string;
  messageId: string;
  telegramDate: string;
  text: string | null;
  caption: string | null;
}

export interface ModelSignal {
  messageId: string;
  telegramDate: string;
  asset: string;
  status: string;
  rawMessage: string;
  /** The ops of its events, in order. */
  ops: string[];
  fingerprint: string;
  order: number;
}

const TERMINAL = new Set(['target_final_hit', 'stopped', 'cancelled', 'closed']);
const OP_OF: Record<UpdateEvent, string> = {
  target_hit: 'target_hit',
  stop_hit: 'stopped',
  cancelled: 'cancelled',
  closed: 'closed',
};

function rank(status: string): number {
  if (status === 'open') return 0;
  const hit = /^target_(\d+)_hit$/.exec(status);
  return hit ? Number(hit[1]) : Number.POSITIVE_INFINITY;
}

function statusAfter(current: string, update: Extract<ParseResult, { kind: 'update' }>['update']): string {
  if (TERMINAL.has(current)) return current;
  switch (update.event) {
    case 'target_hit': {
      if (update.target === 'final') return 'target_final_hit';
      const n = update.target ?? 1;
      return n > rank(current) ? `target_${n}_hit` : current;
    }
    case 'stop_hit':
      return 'stopped';
    case 'cancelled':
      return 'cancelled';
    case 'closed':
      return 'closed';
  }
}

export function createReferenceModel() {
  const versions = new Set<string>();
  const signals = new Map<string, ModelSignal>();
  /** Every change in feed order: what the event log must hold, row for row. */
  const log: string[] = [];
  let created = 0;

  function change(signal: ModelSignal, op: string): void {
    signal.ops.push(op);
    log.push(`${signal.messageId}|${signal.telegramDate}|${op}`);
  }

  function cancel(signal: ModelSignal): void {
    if (signal.status === 'cancelled') return;
    signal.status = 'cancelled';
    change(signal, 'cancelled');
  }

  function latestOpen(asset: string | null, at: number): ModelSignal | undefined {
    let best: ModelSignal | undefined;
    for (const s of signals.values()) {
      if (TERMINAL.has(s.status) || (asset !== null && s.asset !== asset)) continue;
      const ts = Date.parse(s.telegramDate);
      if (ts > at) continue;
      const bestTs = best ? Date.parse(best.telegramDate) : Number.NEGATIVE_INFINITY;
      if (!best || ts > bestTs || (ts === bestTs && s.order > best.order)) best = s;
    }
    return best;
  }

  return {
    apply(message: FeedMessage): void {
      const kind =
        message.event === 'message.edited'
          ? 'edited'
          : message.event === 'message.deleted'
            ? 'deleted'
            : 'message';
      const content = message.text ?? message.caption;
      const version = JSON.stringify([message.messageId, message.telegramDate, kind, content]);
      if (versions.has(version)) return; // a redelivered version changes nothing
      versions.add(version);
      const identity = `${message.messageId}|${message.telegramDate}`;
      const own = signals.get(identity);
      if (kind === 'deleted') {
        if (own) cancel(own);
        return;
      }
      const date = new Date(message.telegramDate);
      const result = parseMessage(content ?? '', { date });
      if (result.kind === 'signal') {
        const fingerprint = JSON.stringify([result.signal, result.raw_message, result.warnings]);
        if (!own) {
          created += 1;
          const signal: ModelSignal = {
            messageId: message.messageId,
            telegramDate: message.telegramDate,
            asset: result.signal.asset,
            status: 'open',
            rawMessage: result.raw_message,
            ops: [],
            fingerprint,
            order: created,
          };
          signals.set(identity, signal);
          change(signal, 'created');
        } else if (own.fingerprint !== fingerprint) {
          // An edit: new fields, status kept.
          own.fingerprint = fingerprint;
          own.asset = result.signal.asset;
          own.rawMessage = result.raw_message;
          change(own, 'updated');
        }
        return;
      }
      if (own) {
        cancel(own); // was a signal, is not any more
        return;
      }
      if (result.kind !== 'update') return;
      const target = latestOpen(result.update.asset, date.getTime());
      if (!target) return;
      const next = statusAfter(target.status, result.update);
      if (next === target.status) return;
      target.status = next;
      change(target, OP_OF[result.update.event]);
    },
    versions: () => versions.size,
    signals: () => [...signals.values()],
    events: () => log.length,
    /** `messageId|telegramDate|op` per change, in order. */
    log: () => [...log],
  };
}
