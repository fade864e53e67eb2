/**
 * The zero-loss audit of TARGETS.md "Faults": what the sim emitted → the inbox (every version exactly
 * once) → the signals (every implied signal once, with the right final state) and the event log (one
 * row per change, in feed order, computed by the reference model from the feed alone) → every SSE
 * client (every event exactly once, in seq order). Prints the scenario's table row.
 */

import { createDemoFeed } from '../../src/sim/demo-feed.js';
import type { EmittedEntry } from '../../src/sim/sim-control.js';
import type { PartialMessageInput } from '../../src/sim/sim-message.js';
import { createReferenceModel } from '../integration/ingest/reference-model.js';
import type { Stack } from './harness.js';
import { sleep, waitFor } from './processes.js';
import { type AuditClient, compareDeliveries } from './sse-audit.js';

export type { PartialMessageInput };

/**
 * The deterministic demo feed (signals, updates, comments, photos, edits, deletions) as sim input.
 * Gateway timestamps come from one strictly increasing clock: the sim stamps `updatedAt` with the
 * current millisecond, so an edit injected in the same millisecond as its original would look unedited
 * to polling (updatedAt == createdAt) — which a real gateway never shows, edits come later.
 */
export function demoChunks(seed: number) {
  const demo = createDemoFeed({ seed });
  return (n: number): PartialMessageInput[] =>
    Array.from({ length: n }, () => {
      const { kind, ...post } = demo.next();
      const at = new Date(gatewayClock()).toISOString();
      return (
        kind === 'edit' || kind === 'delete'
          ? { ...post, updatedAt: at }
          : { ...post, createdAt: at, updatedAt: at }
      ) as PartialMessageInput;
    });
}

let lastStamp = 0;
function gatewayClock(): number {
  lastStamp = Math.max(Date.now(), lastStamp + 1);
  return lastStamp;
}

let probes = 0;
/** A signal dated far after the demo feed (so no demo update ever targets it), with a unique id. */
export function probePost(): PartialMessageInput & { messageId: string } {
  probes += 1;
  return {
    messageId: String(9_000_000 + probes),
    telegramDate: new Date(Date.UTC(2030, 0, 1) + probes * 1000).toISOString(),
    text: `Swing Trade\nAtivo: WEGE3\nCompra: 10,00 a 11,00\nAlvo 1: 15,00\nStop: 8,00`,
  };
}

/** Injects a probe and resolves with the seconds until every client has it (from `since`, ms epoch). */
export async function probeDelivered(
  stack: Stack,
  clients: AuditClient[],
  since = Date.now(),
  timeoutMs = 60_000,
): Promise<number> {
  const probe = probePost();
  await stack.sim.inject(probe);
  await waitFor(
    'the probe at every SSE client',
    () => clients.every((c) => c.has(probe.messageId)),
    timeoutMs,
  );
  return (Date.now() - since) / 1000;
}

export async function allEmitted(stack: Stack): Promise<EmittedEntry[]> {
  const events: EmittedEntry[] = [];
  let after: string | undefined;
  for (;;) {
    const page = await stack.sim.emitted({ ...(after ? { after } : {}), limit: 5000 });
    events.push(...page.events);
    if (page.events.length < 5000) return events;
    after = page.events.at(-1)?.cursor;
  }
}

const kindOf = (event: string) =>
  event === 'message.edited' ? 'edited' : event === 'message.deleted' ? 'deleted' : 'message';
const iso = (d: Date) => d.toISOString();

export interface AuditResult {
  emitted: number;
  stored: number;
  delivered: number;
  lost: number;
  duplicated: number;
  /** Stored, but not as the feed implies: a version under the wrong kind, a signal in the wrong final state. */
  wrong: number;
  details: Record<string, number>;
}

/**
 * Waits (up to `settleMs`) for the inbox, the event log and the clients to reach what the feed implies,
 * then counts. Lost/duplicated add up every layer: inbox versions, signals, event-log rows, SSE events.
 */
export async function audit(
  stack: Stack,
  clients: AuditClient[],
  options: { settleMs?: number; strictLog?: boolean } = {},
): Promise<AuditResult> {
  const settleMs = options.settleMs ?? 60_000;
  // Polling hands over a message's latest version only: the versions it skipped are kept as
  // superseded and never become events, so the log is checked row for row only without polling.
  const strictLog = options.strictLog ?? true;
  const emitted = (await allEmitted(stack)).filter((e) => e.message !== null);
  const model = createReferenceModel();
  const expectedVersions = new Set<string>();
  for (const entry of emitted) {
    const m = entry.message;
    if (!m) continue;
    model.apply({ event: entry.event, ...m });
    expectedVersions.add(
      JSON.stringify([m.messageId, m.telegramDate, kindOf(entry.event), m.text ?? m.caption]),
    );
  }
  const { facts } = stack;
  await waitFor(
    'the database to hold what the feed implies',
    async () =>
      (await facts.count('forwarded_messages.messages')) >= expectedVersions.size &&
      (!strictLog || (await facts.count('signals.signal_events')) >= model.events()),
    settleMs,
    200,
  ).catch(() => undefined);
  const [inbox, signals, events] = await Promise.all([
    facts.inbox(),
    facts.signals(),
    facts.eventsByMessage(),
  ]);
  const logSeqs = events.map((e) => e.seq);
  const last = logSeqs.at(-1) ?? 0;
  await waitFor(
    'every SSE client to reach the last seq',
    () => clients.every((c) => c.maxSeq() >= last),
    settleMs,
    100,
  ).catch(() => undefined);
  await sleep(300); // anything doubled after the last event shows up now

  const stored = new Set(
    inbox.map((r) => JSON.stringify([r.messageId, iso(r.telegramDate), r.kind, r.content])),
  );
  const inboxLost = [...expectedVersions].filter((v) => !stored.has(v)).length;
  const inboxDup = inbox.length - stored.size + [...stored].filter((v) => !expectedVersions.has(v)).length;
  // A version stored with its content but under another kind (e.g. an edit kept as `message`).
  const lostKeys = new Set(
    [...expectedVersions]
      .filter((v) => !stored.has(v))
      .map((v) => JSON.stringify((JSON.parse(v) as unknown[]).filter((_, i) => i !== 2))),
  );
  const misrecorded = [...stored].filter(
    (v) =>
      !expectedVersions.has(v) &&
      lostKeys.has(JSON.stringify((JSON.parse(v) as unknown[]).filter((_, i) => i !== 2))),
  ).length;
  if (inboxLost + inboxDup > 0) {
    // What went wrong, for the log: a few lost versions and a few unexpected or doubled rows.
    const seen = new Map<string, number>();
    for (const r of inbox) {
      const v = JSON.stringify([r.messageId, iso(r.telegramDate), r.kind, r.content]);
      seen.set(v, (seen.get(v) ?? 0) + 1);
    }
    console.log(
      '  lost versions:',
      [...expectedVersions]
        .filter((v) => !stored.has(v))
        .slice(0, 3)
        .map((v) => v.slice(0, 160)),
    );
    const firstLost = [...expectedVersions].find((v) => !stored.has(v));
    if (firstLost) {
      const id = (JSON.parse(firstLost) as string[])[0];
      console.log(
        `  emitted for ${id}:`,
        JSON.stringify(
          emitted
            .filter((e) => e.message?.messageId === id)
            .map((e) => ({ event: e.event, ...e.message, text: e.message?.text?.slice(0, 40) })),
        ),
      );
      console.log(
        `  inbox for ${id}:`,
        JSON.stringify(
          inbox.filter((r) => r.messageId === id).map((r) => ({ ...r, content: r.content?.slice(0, 40) })),
        ),
      );
    }
    console.log(
      '  doubled/unexpected:',
      [...seen]
        .filter(([v, n]) => n > 1 || !expectedVersions.has(v))
        .slice(0, 3)
        .map(([v, n]) => `${n}× ${v.slice(0, 160)}`),
    );
  }

  const bySignal = new Map(model.signals().map((s) => [`${s.messageId}|${s.telegramDate}`, s]));
  const storedSignals = new Map<string, number>();
  let wrongState = 0;
  for (const s of signals) {
    const key = `${s.messageId}|${iso(s.ts)}`;
    storedSignals.set(key, (storedSignals.get(key) ?? 0) + 1);
    const want = bySignal.get(key);
    if (want && (want.status !== s.status || want.asset !== s.asset || want.rawMessage !== s.rawMessage)) {
      if (wrongState === 0)
        console.log(
          '  wrong final state:',
          JSON.stringify({
            stored: { ...s, rawMessage: s.rawMessage.slice(0, 60) },
            expected: { ...want, rawMessage: want.rawMessage.slice(0, 60), fingerprint: undefined },
          }),
        );
      wrongState++;
    }
  }
  const signalsLost = [...bySignal.keys()].filter((k) => !storedSignals.has(k)).length;
  const signalsDup = [...storedSignals.entries()].reduce((n, [k, c]) => n + (bySignal.has(k) ? c - 1 : c), 0);

  // The event log against the model, row for row (multiset difference, then order).
  const wantLog = model.log();
  const gotLog = events.map((e) => `${e.messageId}|${iso(e.ts)}|${e.op}`);
  const counts = new Map<string, number>();
  for (const k of wantLog) counts.set(k, (counts.get(k) ?? 0) + 1);
  let logDup = 0;
  for (const k of gotLog) {
    const c = counts.get(k) ?? 0;
    if (c > 0) counts.set(k, c - 1);
    else logDup++;
  }
  const logLost = [...counts.values()].reduce((a, b) => a + b, 0);
  const logOrder = logLost === 0 && logDup === 0 && gotLog.some((k, i) => k !== wantLog[i]) ? 1 : 0;

  let sseLost = 0;
  let sseDup = 0;
  let sseOrder = 0;
  let delivered = 0;
  for (const client of clients) {
    const c = compareDeliveries(client, logSeqs);
    sseLost += c.lost;
    sseDup += c.duplicated;
    sseOrder += c.outOfOrder;
    delivered += client.deliveries.length;
  }
  const details = {
    inboxLost: inboxLost - misrecorded,
    inboxDup: inboxDup - misrecorded,
    inboxWrongKind: misrecorded,
    signalsLost,
    signalsDup,
    wrongState,
    logLost,
    logDup,
    logOrder,
    sseLost,
    sseDup,
    sseOrder,
    resyncs: clients.reduce((n, c) => n + c.resyncs, 0),
    expectedVersions: expectedVersions.size,
    expectedSignals: bySignal.size,
    expectedEvents: wantLog.length,
    events: events.length,
    clients: clients.length,
  };
  return {
    emitted: emitted.length,
    stored: inbox.length,
    delivered,
    lost: inboxLost - misrecorded + signalsLost + (strictLog ? logLost : 0) + sseLost,
    duplicated: inboxDup - misrecorded + signalsDup + (strictLog ? logDup + logOrder : 0) + sseDup + sseOrder,
    wrong: misrecorded + wrongState,
    details,
  };
}

export const HEADER =
  '| # | fault | emitted | stored | delivered | lost | duplicated | recover_s |\n|---|---|---|---|---|---|---|---|';

/** Prints the scenario's row (and the details on the next line, for the log). */
export function printRow(
  id: string,
  fault: string,
  row: {
    emitted: number | string;
    stored: number | string;
    delivered: number | string;
    lost: number;
    duplicated: number;
    /** Stored but not as the feed implies: shown next to `lost`. */
    wrong?: number;
  },
  recoverS: number | string,
  details: Record<string, unknown> = {},
): void {
  const r = typeof recoverS === 'number' ? recoverS.toFixed(2) : recoverS;
  console.log(
    `| ${id} | ${fault} | ${row.emitted} | ${row.stored} | ${row.delivered} | ${row.lost}${row.wrong ? ` (+${row.wrong} stored wrong)` : ''} | ${row.duplicated} | ${r} |`,
  );
  console.log(`  ${id} details: ${JSON.stringify(details)}`);
}
