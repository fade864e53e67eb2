/**
 * Child process: N real SSE clients of GET /signals/stream (plain node:http, one socket each). For
 * every `event: signal` it records the receive time (ms since the epoch, sub-ms, comparable across
 * processes) under the signal's message_id, once per client. Driven over IPC by the parent:
 *   {type:'connect', url, count, concurrency} → {type:'connected', ok, failed}
 *   {type:'collect', reset}                    → {type:'collected', times: {messageId: number[]}, dupes, closed}
 *   {type:'close'}                             → exits
 */
import http from 'node:http';

const clients = [];
let times = new Map();
let dupes = 0;
let closed = 0;
const MESSAGE_ID = /"message_id":"([^"]+)"/;

function openClient(url) {
  return new Promise((resolve) => {
    const seen = new Set();
    let buffer = '';
    const req = http.get(url, { agent: false, headers: { accept: 'text/event-stream' } }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        resolve(false);
        return;
      }
      res.setEncoding('utf8');
      res.on('data', (chunk) => {
        const at = performance.timeOrigin + performance.now();
        buffer += chunk;
        let end = buffer.indexOf('\n\n');
        while (end !== -1) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          end = buffer.indexOf('\n\n');
          if (!frame.includes('event: signal')) continue;
          const id = MESSAGE_ID.exec(frame)?.[1];
          if (!id) continue;
          if (seen.has(id)) {
            dupes += 1;
            continue;
          }
          seen.add(id);
          const list = times.get(id);
          if (list) list.push(at);
          else times.set(id, [at]);
        }
      });
      res.on('close', () => {
        closed += 1;
      });
      clients.push(req);
      resolve(true);
    });
    req.on('error', () => resolve(false));
  });
}

process.on('message', async (msg) => {
  if (msg.type === 'connect') {
    let ok = 0;
    let failed = 0;
    let next = 0;
    const worker = async () => {
      while (next < msg.count) {
        next += 1;
        if (await openClient(msg.url)) ok += 1;
        else failed += 1;
      }
    };
    await Promise.all(Array.from({ length: msg.concurrency ?? 50 }, worker));
    process.send({ type: 'connected', ok, failed });
  } else if (msg.type === 'collect') {
    process.send({ type: 'collected', times: Object.fromEntries(times), dupes, closed });
    if (msg.reset) {
      times = new Map();
      dupes = 0;
    }
  } else if (msg.type === 'close') {
    for (const req of clients) req.destroy();
    process.exit(0);
  }
});
