/**
 * The open SSE connections of `GET /api/messages/stream`. Each stream remembers the last cursor it
 * wrote and is "pumped" from the log: after every append, after a drain, after an unstall. One code
 * path therefore serves replay, live delivery, backpressure and the catch-up after a stall.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../logger.js';
import type { Faults } from './faults.js';
import type { MessageStore, StoredEvent } from './message-store.js';

export interface StreamHub {
  /** Takes over a response: headers, `retry:`, replay after `afterSeq`, then live events. */
  open(req: IncomingMessage, res: ServerResponse, channelId: string, afterSeq: number): void;
  /** New events were appended for this channel; they are written when the current synchronous run ends. */
  notify(channelId: string): void;
  /** Writes whatever the streams missed while stalled (and the headers of streams that connected meanwhile). */
  resumeAll(): void;
  /** Destroys every connection (a TCP reset as the client sees it). Returns how many there were. */
  dropAll(): number;
  /** Ends every stream cleanly (shutdown). */
  endAll(): void;
  openCount(): number;
  close(): void;
}

interface Stream {
  res: ServerResponse;
  channelId: string;
  lastSeq: number;
  started: boolean;
  waitingDrain: boolean;
}

const HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache, no-transform',
  connection: 'keep-alive',
  'x-accel-buffering': 'no',
};

/** Writes are gathered up to this size so that a replay of 10,000 events is a few hundred writes. */
const CHUNK_BYTES = 64 * 1024;

export function frameOf(event: StoredEvent): string {
  // Message JSON never holds a raw newline; raw events may, and each line needs its own `data:`.
  const data = /[\r\n]/.test(event.data) ? event.data.split(/\r\n|\r|\n/).join('\ndata: ') : event.data;
  return `id: ${event.seq}\nevent: ${event.event}\ndata: ${data}\n\n`;
}

export function createStreamHub(deps: {
  store: MessageStore;
  faults: Faults;
  pingMs: number;
  retryMs: number;
  log?: Logger | undefined;
}): StreamHub {
  const { store, faults } = deps;
  const streams = new Set<Stream>();
  // Appends made in one synchronous run (an injected batch, a feed burst) reach each stream as one
  // write at the end of the run instead of one write per event.
  const dirty = new Set<string>();
  let flushQueued = false;
  const flush = () => {
    flushQueued = false;
    for (const stream of streams) if (dirty.has(stream.channelId)) pump(stream);
    dirty.clear();
  };

  function pump(stream: Stream): void {
    if (faults.stalled || faults.down || stream.waitingDrain || stream.res.destroyed) return;
    const { res } = stream;
    let chunk = '';
    if (!stream.started) {
      stream.started = true;
      res.writeHead(200, HEADERS);
      chunk = `retry: ${deps.retryMs}\n\n`;
    }
    const list = store.channelEvents(stream.channelId);
    for (let i = store.indexAfter(stream.channelId, stream.lastSeq); i < list.length; i += 1) {
      const event = list[i] as StoredEvent;
      chunk += frameOf(event);
      stream.lastSeq = event.seq;
      if (chunk.length >= CHUNK_BYTES) {
        const flushed = res.write(chunk);
        chunk = '';
        if (!flushed) break;
      }
    }
    if (chunk !== '') res.write(chunk);
    if (res.writableNeedDrain) {
      stream.waitingDrain = true;
      res.once('drain', () => {
        stream.waitingDrain = false;
        pump(stream);
      });
    }
  }

  const pingTimer = setInterval(() => {
    if (faults.stalled || faults.down) return;
    const frame = `event: ping\ndata: ${new Date().toISOString()}\n\n`;
    for (const stream of streams) {
      if (stream.started && !stream.waitingDrain && !stream.res.destroyed) stream.res.write(frame);
    }
  }, deps.pingMs);
  pingTimer.unref();

  return {
    open(req, res, channelId, afterSeq) {
      const stream: Stream = { res, channelId, lastSeq: afterSeq, started: false, waitingDrain: false };
      streams.add(stream);
      res.on('close', () => streams.delete(stream));
      req.socket.setKeepAlive(true);
      pump(stream);
      deps.log?.debug({ channelId, afterSeq, open: streams.size }, 'stream opened');
    },
    notify(channelId) {
      dirty.add(channelId);
      if (!flushQueued) {
        flushQueued = true;
        queueMicrotask(flush);
      }
    },
    resumeAll() {
      for (const stream of streams) pump(stream);
    },
    dropAll() {
      const count = streams.size;
      for (const stream of streams) stream.res.socket?.destroy();
      streams.clear();
      return count;
    },
    endAll() {
      for (const stream of streams) {
        if (stream.started) stream.res.end();
        else stream.res.socket?.destroy();
      }
      streams.clear();
    },
    openCount: () => streams.size,
    close() {
      clearInterval(pingTimer);
    },
  };
}
