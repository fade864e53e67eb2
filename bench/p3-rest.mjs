/**
 * P3: autocannon against the API process: the cached `GET /signals?limit=50`, the same query made
 * uncacheable (a unique `to` bound per request, far in the future, so the result is the same 50 rows
 * but every request is a cache miss and a PostgreSQL query), and a bare Fastify hello route served by
 * the same process (bench/api-host.mjs). Run one after the other with the same connections.
 */
import autocannon from 'autocannon';

function run(options) {
  return new Promise((resolve, reject) => {
    autocannon(options, (error, result) => (error ? reject(error) : resolve(result)));
  });
}

function figures(result) {
  return {
    rps: Math.round(result.requests.average),
    p50_ms: result.latency.p50,
    p99_ms: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
  };
}

export async function measureRest({ api, connections, durationS }) {
  const cachedUrl = `${api.url}/signals?limit=50`;
  // Warm: JIT and the cache entry.
  await run({ url: cachedUrl, connections: 10, duration: 1 });
  await run({ url: api.helloUrl, connections: 10, duration: 1 });
  const hello = figures(await run({ url: api.helloUrl, connections, duration: durationS }));
  const cached = figures(await run({ url: cachedUrl, connections, duration: durationS }));
  let n = 0;
  const farFuture = Date.now() + 10 * 365 * 86_400_000;
  const db = figures(
    await run({
      url: api.url,
      connections,
      duration: durationS,
      requests: [
        {
          method: 'GET',
          setupRequest: (request) => {
            n += 1;
            return { ...request, path: `/signals?limit=50&to=${farFuture + n}` };
          },
        },
      ],
    }),
  );
  return { hello, cached, db, ratio: cached.rps / hello.rps };
}
