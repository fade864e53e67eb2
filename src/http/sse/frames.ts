/**
 * SSE wire frames, built once and written as the same Buffer to every client that wants them.
 * JSON.stringify escapes CR and LF, so a payload is always one `data:` line.
 */
import type { SignalEvent } from '../../domain/events.js';

export function signalFrame(event: SignalEvent): Buffer {
  const data = JSON.stringify({ seq: event.seq, op: event.op, signal: event.signal });
  return Buffer.from(`event: signal\nid: ${event.seq}\ndata: ${data}\n\n`);
}

/** A named event (not a comment) so client-side watchdogs see it; the data is the server's clock. */
export function pingFrame(now: number): Buffer {
  return Buffer.from(`event: ping\ndata: ${now}\n\n`);
}

/**
 * The client's id is older than the retained log (or unknown here): it must re-read GET /signals.
 * The frame carries the latest seq as its id, so the client's next reconnect resumes from there.
 */
export function resyncFrame(latestSeq: number, reason: string): Buffer {
  return Buffer.from(
    `event: resync\nid: ${latestSeq}\ndata: ${JSON.stringify({ reason, latest_seq: latestSeq })}\n\n`,
  );
}

/** Reconnect delay with jitter, so clients cut together (a restart, a drain) do not come back together. */
export function retryFrame(minMs: number, maxMs: number, random: () => number = Math.random): Buffer {
  const ms = Math.round(minMs + random() * Math.max(0, maxMs - minMs));
  return Buffer.from(`retry: ${ms}\n\n`);
}
