/**
 * A raw SSE client over node:http for the sim's tests: it exposes what EventSource hides (status,
 * headers, `retry:`, every byte, the socket closing) and lets a test send any Last-Event-ID.
 */
import { request } from 'node:http';

export interface SseFrame {
  id: string | undefined;
  event: string;
  data: string;
  retry: number | undefined;
}

export interface SseConnection {
  /** Resolves with the response head; never resolves while the server sends nothing. */
  response: Promise<{ status: number; headers: Record<string, string | string[] | undefined> }>;
  frames: SseFrame[];
  /** Bytes of body received so far. */
  bytes(): number;
  /** Resolves when the connection ends, however it ends. */
  closed: Promise<void>;
  isClosed(): boolean;
  /** Resolves with the frames once `predicate(frames)` holds; rejects after `timeoutMs`. */
  waitFor(predicate: (frames: SseFrame[]) => boolean, timeoutMs?: number): Promise<SseFrame[]>;
  /** The body as text, for error messages. */
  body(): string;
  close(): void;
}

export function openSse(url: string, headers: Record<string, string> = {}): SseConnection {
  const frames: SseFrame[] = [];
  const waiters = new Set<() => void>();
  let text = '';
  let pending = '';
  let received = 0;
  let ended = false;
  let resolveClosed: () => void = () => {};
  const closed = new Promise<void>((resolve) => {
    resolveClosed = () => {
      ended = true;
      resolve();
      for (const wake of waiters) wake();
    };
  });

  const req = request(url, { headers: { accept: 'text/event-stream', ...headers } });
  const response = new Promise<{ status: number; headers: Record<string, string | string[] | undefined> }>(
    (resolve, reject) => {
      req.on('response', (res) => {
        resolve({ status: res.statusCode ?? 0, headers: res.headers });
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          received += Buffer.byteLength(chunk);
          text += chunk;
          pending += chunk;
          let end = pending.indexOf('\n\n');
          while (end !== -1) {
            frames.push(parseFrame(pending.slice(0, end)));
            pending = pending.slice(end + 2);
            end = pending.indexOf('\n\n');
          }
          for (const wake of waiters) wake();
        });
        res.on('close', resolveClosed);
        res.on('error', resolveClosed);
      });
      req.on('error', (error) => {
        reject(error);
        resolveClosed();
      });
    },
  );
  // A test that only looks at `closed` must not fail on an unobserved rejection.
  response.catch(() => {});
  req.end();

  return {
    response,
    frames,
    bytes: () => received,
    closed,
    isClosed: () => ended,
    body: () => text,
    waitFor(predicate, timeoutMs = 5000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (predicate(frames)) {
            cleanup();
            resolve(frames);
          } else if (ended) {
            cleanup();
            reject(new Error(`stream closed before the condition held; got ${frames.length} frames`));
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(
            new Error(`timed out after ${timeoutMs} ms with ${frames.length} frames: ${text.slice(-500)}`),
          );
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    close() {
      req.destroy();
    },
  };
}

function parseFrame(block: string): SseFrame {
  const frame: SseFrame = { id: undefined, event: 'message', data: '', retry: undefined };
  const data: string[] = [];
  for (const line of block.split('\n')) {
    if (line === '' || line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'id') frame.id = value;
    else if (field === 'event') frame.event = value;
    else if (field === 'data') data.push(value);
    else if (field === 'retry') frame.retry = Number(value);
  }
  frame.data = data.join('\n');
  return frame;
}

/** Only the message frames (not pings, not the leading `retry:` block). */
export function messageFrames(frames: SseFrame[]): SseFrame[] {
  return frames.filter((f) => f.id !== undefined);
}
