/**
 * Child process: N real SSE clients of GET /signals/stream (plain node:http, one socket each). For
 * every `event: signal` it records the receive time (ms since the epoch, sub-ms, comparable across
 * processes) under the signal's message_id, once per client. Frames are scanned as bytes (no string
 * decoding of whole chunks): at 1,000 clients × 100 events/s these processes must keep up with the API.
 * Driven over IPC by the parent:
 *   {type:'connect', url, count, concurrency} → {type:'connected', ok, failed}
 *   {type:'count', ids}                        → {type:'counted', received} (deliveries of those ids)
 *   {type:'collect', reset}                    → {type:'collected', times: {messageId: number[]}, dupes, closed}
 *   {type:'close'}                             → exits
 */
import http from 'node:http';

const clients = [];
let times = new Map();
let dupes = 0;
let closed = 0;
const FRAME_END = Buffer.from('\n\n');
const ID = Buffer.from('\nid: ');
const MESSAGE_ID = Buffer.from('"message_id":"');
const SIGNAL = Buffer.from('event: signal');
const QUOTE = 0x22;
const NEWLINE = 0x0a;

function record(id, at) {
  const list = times.get(id);
  if (list) list.push(at);
  else times.set(id, [at]);
}

/** Scans the complete frames of `buf`; returns the offset where an incomplete frame starts. */
function scan(buf, state, at) {
  let start = 0;
  for (;;) {
    const end = buf.indexOf(FRAME_END, start);
    if (end === -1) return start;
    const isSignal = buf.indexOf(SIGNAL, start) !== -1 && buf.indexOf(SIGNAL, start) < end;
    if (isSignal) {
      const idAt = buf.indexOf(ID, start);
      const midAt = buf.indexOf(MESSAGE_ID, start);
      if (idAt !== -1 && idAt < end && midAt !== -1 && midAt < end) {
        const seq = Number(buf.toString('latin1', idAt + ID.length, buf.indexOf(NEWLINE, idAt + 1)));
        const from = midAt + MESSAGE_ID.length;
        const id = buf.toString('latin1', from, buf.indexOf(QUOTE, from));
        if (seq <= state.lastSeq) dupes += 1;
        else {
          state.lastSeq = seq;
          record(id, at);
        }
      }
    }
    start = end + FRAME_END.length;
  }
}

function openClient(url) {
  return new Promise((resolve) => {
    const state = { lastSeq: 0 };
    let rest = null;
    const req = http.get(url, { agent: false, headers: { accept: 'text/event-stream' } }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        resolve(false);
        return;
      }
      res.on('data', (chunk) => {
        const at = performance.timeOrigin + performance.now();
        const buf = rest ? Buffer.concat([rest, chunk]) : chunk;
        const used = scan(buf, state, at);
        rest = used < buf.length ? buf.subarray(used) : null;
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
  } else if (msg.type === 'count') {
    let received = 0;
    for (const id of msg.ids) received += times.get(id)?.length ?? 0;
    process.send({ type: 'counted', received });
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
