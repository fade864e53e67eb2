/**
 * Real SSE clients for the stream tests: the `eventsource` package (a spec-following client that
 * reconnects by itself with Last-Event-ID), and a raw node:http reader that parses frames by hand and
 * can stop reading (a slow client).
 */
import http from 'node:http';
import { EventSource } from 'eventsource';

export interface ReceivedEvent {
  seq: number;
  op: string;
  asset: string;
}

export interface TestEventSource {
  events: ReceivedEvent[];
  resyncs: string[];
  pings: number;
  opens: number;
  errors: number;
  source: EventSource;
  opened: Promise<void>;
  close(): void;
}

export function openEventSource(url: string, headers: Record<string, string>): TestEventSource {
  const source = new EventSource(url, {
    fetch: (input, init) => fetch(input, { ...init, headers: { ...(init?.headers ?? {}), ...headers } }),
  });
  let markOpen: () => void = () => undefined;
  const client: TestEventSource = {
    events: [],
    resyncs: [],
    pings: 0,
    opens: 0,
    errors: 0,
    source,
    opened: new Promise<void>((resolve) => {
      markOpen = resolve;
    }),
    close: () => source.close(),
  };
  source.addEventListener('open', () => {
    client.opens++;
    markOpen();
  });
  source.addEventListener('error', () => {
    client.errors++;
  });
  source.addEventListener('signal', (message) => {
    const data = JSON.parse(message.data) as { seq: number; op: string; signal: { asset: string } };
    if (String(data.seq) !== message.lastEventId)
      throw new Error(`id ${message.lastEventId} != seq ${data.seq}`);
    client.events.push({ seq: data.seq, op: data.op, asset: data.signal.asset });
  });
  source.addEventListener('resync', (message) => {
    client.resyncs.push(message.data);
  });
  source.addEventListener('ping', () => {
    client.pings++;
  });
  return client;
}

export interface Frame {
  event: string | null;
  id: string | null;
  data: string;
  retry: number | null;
}

/** Splits an SSE byte stream into frames (LF line endings, which is all this server sends). */
export function createFrameParser(onFrame: (frame: Frame) => void) {
  let buffer = '';
  return (chunk: string) => {
    buffer += chunk;
    for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const frame: Frame = { event: null, id: null, data: '', retry: null };
      for (const line of block.split('\n')) {
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'event') frame.event = value;
        else if (field === 'id') frame.id = value;
        else if (field === 'data') frame.data += frame.data ? `\n${value}` : value;
        else if (field === 'retry') frame.retry = Number(value);
      }
      onFrame(frame);
    }
  };
}

export interface RawStream {
  status: number;
  headers: http.IncomingHttpHeaders;
  frames: Frame[];
  /** Seqs of the complete `signal` frames received. */
  seqs(): number[];
  body: string;
  response: http.IncomingMessage;
  ended: Promise<'end' | 'close'>;
  close(): void;
}

/** Opens a stream with node:http; resolves once the response headers are in. */
export function openRawStream(
  url: string,
  headers: Record<string, string>,
  options: { paused?: boolean } = {},
): Promise<RawStream> {
  return new Promise((resolve, reject) => {
    const request = http.get(url, { headers: { accept: 'text/event-stream', ...headers }, agent: false });
    request.once('error', reject);
    request.once('response', (response) => {
      const frames: Frame[] = [];
      const parse = createFrameParser((frame) => frames.push(frame));
      let body = '';
      response.setEncoding('utf8');
      const stream: RawStream = {
        status: response.statusCode ?? 0,
        headers: response.headers,
        frames,
        seqs: () => frames.filter((f) => f.event === 'signal').map((f) => Number(f.id)),
        get body() {
          return body;
        },
        response,
        ended: new Promise((done) => {
          response.once('end', () => done('end'));
          response.once('close', () => done('close'));
        }),
        close: () => request.destroy(),
      };
      response.on('data', (chunk: string) => {
        if ((response.statusCode ?? 0) !== 200) body += chunk;
        else parse(chunk);
      });
      response.on('error', () => undefined);
      request.on('error', () => undefined);
      if (options.paused) {
        // Read the first frame (the retry), then stop reading: the socket's buffers fill up.
        response.once('data', () => response.pause());
      }
      resolve(stream);
    });
  });
}
