/**
 * The first `event: <name>` of a Server-Sent Events stream, over raw HTTP with X-API-Key (what a
 * curl -N user does), parsed from the wire so that the framing itself is checked too.
 */
import { request } from 'node:http';

export interface SseEvent {
  id: string | null;
  event: string;
  data: string;
}

export function firstSseEvent(
  url: string,
  headers: Record<string, string>,
  eventName: string,
  timeoutMs: number,
): Promise<SseEvent> {
  return new Promise((resolveEvent, reject) => {
    const req = request(url, { headers: { accept: 'text/event-stream', ...headers } }, (res) => {
      if (res.statusCode !== 200) {
        finish(() => reject(new Error(`${url}: HTTP ${res.statusCode}`)));
        return;
      }
      res.setEncoding('utf8');
      let buffer = '';
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let end = buffer.indexOf('\n\n');
        while (end >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event: SseEvent = { id: null, event: 'message', data: '' };
          const data: string[] = [];
          for (const line of block.split('\n')) {
            if (line.startsWith('id:')) event.id = line.slice(3).trim();
            else if (line.startsWith('event:')) event.event = line.slice(6).trim();
            else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
          }
          event.data = data.join('\n');
          if (event.event === eventName) {
            finish(() => resolveEvent(event));
            return;
          }
          end = buffer.indexOf('\n\n');
        }
      });
      res.on('error', () => undefined);
    });
    const timer = setTimeout(
      () => finish(() => reject(new Error(`no '${eventName}' event on ${url} within ${timeoutMs} ms`))),
      timeoutMs,
    );
    let settled = false;
    const finish = (settle: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      settle();
    };
    req.on('error', (error) => finish(() => reject(error)));
    req.end();
  });
}
