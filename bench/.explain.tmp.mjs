import pg from 'pg';

let capture = false;
const captured = [];
const orig = pg.Client.prototype.query;
pg.Client.prototype.query = function (config, values, cb) {
  const text = typeof config === 'string' ? config : (config?.text ?? '');
  if (capture && (text.includes('WITH versions') || text.includes('WITH new_signals')))
    captured.push({ text, values });
  if (capture && text.startsWith('COMMIT')) return Promise.reject(new Error('no commit'));
  return orig.call(this, config, values, cb);
};
const { createLogger } = await import('/work/main/dist/logger.js');
const log = createLogger({ level: 'warn' });
const { createDemoFeed } = await import('/work/main/dist/sim/demo-feed.js');
const { parseMessage } = await import('/work/main/dist/parser/index.js');
const { createDb, createIngestRepository } = await import('/work/main/dist/store/index.js');
const { createBenchDatabase } = await import('/work/main/bench/lib/db.mjs');
const database = await createBenchDatabase('explain', log);
const db = createDb(
  { url: database.url, poolMax: 2, statementTimeoutMs: 60000, connectTimeoutMs: 5000, applicationName: 'x' },
  log,
);
const repo = createIngestRepository(db, { statementTimeoutMs: 60000 });
const feed = createDemoFeed({ seed: 7 });
for (let b = 0; b < 200; b++) {
  if (b === 199) capture = true;
  const items = Array.from({ length: 100 }, (_, j) => {
    const post = feed.next();
    const content = post.text ?? post.caption;
    const d = new Date(post.telegramDate);
    return {
      kind: 'parsed',
      message: {
        gatewayId: String(b * 100 + j),
        channelId: '-1001649127710',
        messageId: post.messageId,
        telegramDate: d,
        receivedAt: d,
        content,
        kind: post.status === 'deleted' ? 'deleted' : post.kind === 'edit' ? 'edited' : 'message',
      },
      result: parseMessage(content ?? '', { date: d }),
    };
  });
  if (b === 199) {
    // run the captured statements' EXPLAIN inside a rolled-back transaction instead
    const c = await db.pool.connect();
    capture = true;
    await c.query('BEGIN');
    await repo.applyBatch(items, null).catch(() => {});
    await c.query('ROLLBACK');
    c.release();
  } else await repo.applyBatch(items, null);
}
const c = await db.pool.connect();
for (const q of captured) {
  await c.query('BEGIN; SET LOCAL enable_hashjoin = off; SET LOCAL enable_mergejoin = off');
  const { rows } = await c.query(`EXPLAIN (ANALYZE, BUFFERS, TIMING) ${q.text}`, q.values);
  console.log(rows.map((r) => r['QUERY PLAN']).join('\n'));
  console.log('-----');
  await c.query('ROLLBACK');
}
c.release();
await db.close();
await database.drop();
