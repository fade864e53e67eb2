/**
 * Replays the event log to one (re)connecting client, from the id it last saw, in pages. The client is
 * already registered with the broadcaster (in `replaying` state), so live events that arrive meanwhile
 * are queued for it; the broadcaster deduplicates by seq when it goes live. Replay writes respect the
 * client's backpressure (it is one client, not a broadcast), waiting for `drain` past a high-water mark.
 */
import type { ServerResponse } from 'node:http';
import type { Logger } from '../../logger.js';
import type { SignalsReader } from '../deps.js';
import type { Broadcaster, SseClient } from './broadcaster.js';
import { resyncFrame } from './frames.js';

export type ReplayOutcome = 'replayed' | 'resync' | 'failed' | 'gone';

export interface ReplayOptions {
  signals: Pick<SignalsReader, 'eventsAfter' | 'latestSeq' | 'oldestSeq'>;
  broadcaster: Broadcaster;
  pageSize: number;
  /** Pause the replay while this many bytes are unsent. */
  highWaterBytes: number;
  log: Pick<Logger, 'warn'>;
}

function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

export async function replay(
  client: SseClient,
  afterSeq: number,
  options: ReplayOptions,
): Promise<ReplayOutcome> {
  const { signals, broadcaster, pageSize, log } = options;
  try {
    const latest = await signals.latestSeq();
    const oldest = await signals.oldestSeq();
    // Older than the log keeps (events after it are gone), or newer than anything committed (another
    // database, a reset): either way the client must re-read GET /signals; it resumes from `latest`.
    const tooOld = oldest !== null && afterSeq < oldest - 1;
    if (tooOld || afterSeq > latest) {
      if (client.state === 'closed') return 'gone';
      client.lastSeq = latest;
      client.res.write(
        resyncFrame(latest, tooOld ? 'older than the retained event log' : 'unknown event id'),
      );
      return 'resync';
    }
    let cursor = afterSeq;
    for (;;) {
      const page = await signals.eventsAfter(cursor, pageSize);
      for (const event of page) {
        if (client.state === 'closed') return 'gone';
        cursor = event.seq;
        if (client.filter(event.signal)) broadcaster.send(client, event.seq, broadcaster.frameOf(event));
        else if (event.seq > client.lastSeq) client.lastSeq = event.seq;
        if (client.res.writableLength > options.highWaterBytes) await drained(client.res);
      }
      if (page.length < pageSize) return 'replayed';
    }
  } catch (error) {
    log.warn({ err: error, afterSeq }, 'sse replay failed: closing the stream so the client retries');
    return 'failed';
  }
}
