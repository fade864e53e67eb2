/**
 * A separate process holding many raw SSE connections, so that a fan-out measurement does not share
 * the server's event loop. Usage: node sse-load-client.mjs <url> <clients> <expectedEvents> <apiKey>
 * Prints {"type":"connected"} once every stream is open, then {"type":"report","received":[[ [seq, epochMs], ...], ...]}
 * once every client has the expected number of events (or after 60 s).
 */
import http from 'node:http';

const [url, clientsText, expectedText, apiKey] = process.argv.slice(2);
const clients = Number(clientsText);
const expected = Number(expectedText);
const now = () => performance.timeOrigin + performance.now();
const received = Array.from({ length: clients }, () => []);
let connected = 0;
let complete = 0;
let reported = false;

const report = () => {
  if (reported) return;
  reported = true;
  process.stdout.write(`${JSON.stringify({ type: 'report', received })}\n`, () => process.exit(0));
};

for (let i = 0; i < clients; i++) {
  const request = http.get(
    url,
    { headers: { 'x-api-key': apiKey, accept: 'text/event-stream' }, agent: false },
    (response) => {
      if (response.statusCode !== 200) {
        process.stderr.write(`stream answered ${response.statusCode}\n`);
        process.exit(1);
      }
      if (++connected === clients) process.stdout.write(`${JSON.stringify({ type: 'connected' })}\n`);
      response.setEncoding('utf8');
      let buffer = '';
      response.on('data', (chunk) => {
        buffer += chunk;
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (!block.startsWith('event: signal\n')) continue;
          received[i].push([Number(/\nid: (\d+)/.exec(block)[1]), now()]);
          if (received[i].length === expected && ++complete === clients) report();
        }
      });
    },
  );
  request.on('error', (error) => {
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  });
}
setTimeout(report, 60_000).unref();
