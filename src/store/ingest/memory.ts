/**
 * The signals one ingest transaction holds: every row it loaded and every signal it created, keyed by
 * message and by id, and the search for "the latest open signal of this asset at this date".
 *
 * That search must see the batch's own earlier changes (a stop closes a signal, the next stop of the
 * same asset falls to the one before), so it runs in memory. The database is asked only when memory
 * cannot be sure: per (channel, asset) the transaction preloads the top k open signals (k = updates in
 * the batch for it + 1); anything not preloaded ranks below the last preloaded row, so only when every
 * preloaded candidate is used up does a single-row query fetch the next one.
 */
import { isOpenStatus } from '../../domain/signal.js';
import type { SignalRow } from '../signal-row.js';
import type { Tx } from '../transaction.js';
import { type CandidateGroup, type CandidateRow, loadOpenSignal } from './load.js';
import { isLater, type SignalFields, type SignalState, signalKey, stateFromRow } from './signal-state.js';

interface GroupWindow {
  /** The preload hit its limit: there may be more open signals below `last`. */
  truncated: boolean;
  last: SignalState | undefined;
}

const groupKey = (channel: string, asset: string | null) =>
  `${channel}\u0001${asset ?? ''}\u0001${asset === null}`;

export interface SignalMemory {
  byKey(channel: string, messageId: string, ts: Date): SignalState | undefined;
  create(channel: string, messageId: string, ts: Date, fields: SignalFields): SignalState;
  latestOpen(channel: string, asset: string | null, at: Date): Promise<SignalState | undefined>;
  /** Signals created or changed by the batch. */
  touched(): SignalState[];
}

export function createSignalMemory(tx: Tx): SignalMemory & {
  add(row: SignalRow): SignalState;
  /** The preloaded open signals of each update group. */
  preload(groups: CandidateGroup[], rows: CandidateRow[]): void;
} {
  const byKey = new Map<string, SignalState>();
  const byId = new Map<number, SignalState>();
  const all: SignalState[] = [];
  const windows = new Map<string, GroupWindow>();
  let created = 0;

  function add(row: SignalRow): SignalState {
    const known = byId.get(Number(row.id));
    if (known) return known;
    const state = stateFromRow(row);
    byId.set(state.id!, state);
    byKey.set(signalKey(state.channel, state.message_id, state.ts), state);
    all.push(state);
    return state;
  }

  function bestInMemory(channel: string, asset: string | null, at: Date): SignalState | undefined {
    let best: SignalState | undefined;
    for (const s of all) {
      if (s.channel !== channel || (asset !== null && s.fields.asset !== asset)) continue;
      if (s.ts.getTime() > at.getTime() || !isOpenStatus(s.status)) continue;
      if (!best || isLater(s, best)) best = s;
    }
    return best;
  }

  return {
    add,
    preload(groups, rows) {
      for (const g of groups)
        windows.set(groupKey(g.channel, g.asset), { truncated: false, last: undefined });
      const counts = new Map<string, number>();
      for (const row of rows) {
        const key = groupKey(row.group_channel, row.group_asset);
        const window = windows.get(key);
        const state = add(row);
        if (window && (!window.last || isLater(window.last, state))) window.last = state;
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
      for (const g of groups) {
        const window = windows.get(groupKey(g.channel, g.asset));
        if (window) window.truncated = (counts.get(groupKey(g.channel, g.asset)) ?? 0) >= g.limit;
      }
    },
    byKey(channel, messageId, ts) {
      return byKey.get(signalKey(channel, messageId, ts));
    },
    create(channel, messageId, ts, fields) {
      const state: SignalState = {
        id: null,
        tsText: null,
        isNew: true,
        order: created++,
        changed: true,
        channel,
        message_id: messageId,
        ts,
        fields,
        status: 'open',
        source: 'telegram-gateway',
        seq: 0,
        ingested_at: null,
        created_at: null,
        updated_at: null,
      };
      byKey.set(signalKey(channel, messageId, ts), state);
      all.push(state);
      return state;
    },
    async latestOpen(channel, asset, at) {
      const best = bestInMemory(channel, asset, at);
      const window = windows.get(groupKey(channel, asset));
      if (window && !window.truncated) return best;
      if (window?.last && best && (best === window.last || isLater(best, window.last))) return best;
      const excludeIds = [...byId.keys()];
      const row = await loadOpenSignal(tx, { channel, asset, at, excludeIds });
      if (!row) return best;
      const fetched = add(row);
      return best && isLater(best, fetched) ? best : fetched;
    },
    touched() {
      return all.filter((s) => s.changed);
    },
  };
}
