/**
 * Walks a batch in order and decides, per message, what it does: the inbox row it leaves, the signal
 * it creates or changes, the events that change appends, and the outcome reported. Pure bookkeeping
 * over the SignalMemory; the only IO is the memory's occasional look-up of an open signal.
 */
import type { SignalOp } from '../../domain/events.js';
import type { InboxOutcome, IngestOutcome } from '../../domain/ingest.js';
import { PARSER_VERSION, type ParseResult, type SignalWarning } from '../../domain/parse-result.js';
import type { SignalStatus } from '../../domain/signal.js';
import type { Entry } from './entries.js';
import type { StoredVersion } from './load.js';
import type { SignalMemory } from './memory.js';
import {
  fieldsFromParse,
  nextStatus,
  opOfUpdate,
  type SignalFields,
  type SignalState,
  sameFields,
} from './signal-state.js';

export interface PlannedEvent {
  state: SignalState;
  op: SignalOp;
  /** The signal as it was right after this event. */
  fields: SignalFields;
  status: SignalStatus;
}

export interface PlannedInboxRow {
  entry: Extract<Entry, { type: 'rejected' | 'parsed' }>;
  outcome: InboxOutcome;
  reason: string | null;
  warnings: SignalWarning[];
  /** The signal the message is or applied to: by reference, its id may not be allocated yet. */
  signal: SignalState | null;
  /** The stored signal id when no state is at hand (a version kept as it was). */
  signalId: number | null;
}

export interface PlannedReport {
  outcome: IngestOutcome;
  channelId: string | null;
  messageId: string | null;
  signal: SignalState | null;
  signalId: number | null;
}

export interface Plan {
  reports: PlannedReport[];
  inbox: PlannedInboxRow[];
  events: PlannedEvent[];
}

interface Effect {
  outcome: IngestOutcome;
  inboxOutcome: InboxOutcome;
  reason: string | null;
  signal: SignalState | null;
}

const inboxOutcomeOf = (result: ParseResult): InboxOutcome =>
  result.kind === 'signal' ? 'signal' : result.kind;

export async function planBatch(
  entries: Entry[],
  stored: Map<string, StoredVersion>,
  memory: SignalMemory,
): Promise<Plan> {
  const plan: Plan = { reports: [], inbox: [], events: [] };
  /** Versions already handled in this batch: a repeat within one batch is a redelivery too. */
  const seen = new Map<string, PlannedReport>();

  function emit(state: SignalState, op: SignalOp): void {
    state.changed = true;
    plan.events.push({ state, op, fields: state.fields, status: state.status });
  }

  function cancel(state: SignalState): IngestOutcome {
    if (state.status === 'cancelled') return 'unchanged';
    state.status = 'cancelled';
    emit(state, 'cancelled');
    return 'updated';
  }

  async function evaluate(entry: Extract<Entry, { type: 'parsed' }>): Promise<Effect> {
    const { version, result } = entry;
    const own = memory.byKey(version.channelId, version.messageId, version.telegramDate);
    const inboxOutcome = inboxOutcomeOf(result);
    const parserReason = result.kind === 'ignored' ? result.reason : null;
    if (entry.kind === 'deleted') {
      // A deletion cancels the signal the message was; deleting anything else changes nothing.
      if (!own) return { outcome: 'ignored', inboxOutcome, reason: 'deleted', signal: null };
      return { outcome: cancel(own), inboxOutcome, reason: 'deleted', signal: own };
    }
    if (result.kind === 'signal') {
      const fields = fieldsFromParse(result.signal, result.raw_message, result.warnings);
      if (!own) {
        const state = memory.create(version.channelId, version.messageId, version.telegramDate, fields);
        emit(state, 'created');
        return { outcome: 'inserted', inboxOutcome, reason: null, signal: state };
      }
      if (sameFields(own.fields, fields))
        return { outcome: 'unchanged', inboxOutcome, reason: null, signal: own };
      own.fields = fields; // an edit: new fields, status kept
      emit(own, 'updated');
      return { outcome: 'updated', inboxOutcome, reason: null, signal: own };
    }
    if (own) {
      // The message was a signal and its new text is not: the signal is cancelled.
      return { outcome: cancel(own), inboxOutcome, reason: parserReason, signal: own };
    }
    if (result.kind === 'ignored')
      return { outcome: 'ignored', inboxOutcome, reason: parserReason, signal: null };
    const target = await memory.latestOpen(version.channelId, result.update.asset, version.telegramDate);
    if (!target)
      return { outcome: 'no_matching_signal', inboxOutcome, reason: 'no_matching_signal', signal: null };
    const status = nextStatus(target.status, result.update);
    if (status === target.status) return { outcome: 'unchanged', inboxOutcome, reason: null, signal: target };
    target.status = status;
    emit(target, opOfUpdate(result.update));
    return { outcome: 'update_applied', inboxOutcome, reason: null, signal: target };
  }

  for (const entry of entries) {
    const base = { channelId: entry.reportChannelId, messageId: entry.reportMessageId };
    if (entry.type === 'unstored') {
      plan.reports.push({ ...base, outcome: 'rejected', signal: null, signalId: null });
      continue;
    }
    const repeat = seen.get(entry.version.key);
    if (repeat) {
      plan.reports.push({ ...repeat, ...base, outcome: 'unchanged' });
      continue;
    }
    const previous = stored.get(entry.version.key);
    let report: PlannedReport;
    if (previous && previous.parserVersion >= PARSER_VERSION) {
      // Redelivery of a version already applied: nothing to do, nothing to announce.
      report = { ...base, outcome: 'unchanged', signal: null, signalId: previous.signalId };
    } else if (entry.type === 'rejected') {
      plan.inbox.push({
        entry,
        outcome: 'rejected',
        reason: entry.reason,
        warnings: [],
        signal: null,
        signalId: null,
      });
      report = { ...base, outcome: previous ? 'unchanged' : 'rejected', signal: null, signalId: null };
    } else {
      const warnings = entry.result.warnings;
      const keep = previous && keepsPreviousEffect(previous, entry.result);
      if (keep) {
        // Re-parsing an old version must not replay it over a newer one, nor re-apply an applied update.
        plan.inbox.push({
          entry,
          outcome: inboxOutcomeOf(entry.result),
          reason: keep === 'superseded' ? 'superseded' : null,
          warnings,
          signal: null,
          signalId: previous.signalId,
        });
        report = { ...base, outcome: 'unchanged', signal: null, signalId: previous.signalId };
      } else {
        const effect = await evaluate(entry);
        plan.inbox.push({
          entry,
          outcome: effect.inboxOutcome,
          reason: effect.reason,
          warnings,
          signal: effect.signal,
          signalId: null,
        });
        report = { ...base, outcome: effect.outcome, signal: effect.signal, signalId: null };
      }
    }
    seen.set(entry.version.key, report);
    plan.reports.push(report);
  }
  return plan;
}

/** A version re-evaluated under a newer parser keeps its old effect when replaying it would be wrong. */
function keepsPreviousEffect(previous: StoredVersion, result: ParseResult): 'superseded' | 'applied' | false {
  if (previous.latestId > previous.id) return 'superseded';
  if (previous.outcome === 'update' && previous.signalId !== null && result.kind === 'update')
    return 'applied';
  return false;
}
