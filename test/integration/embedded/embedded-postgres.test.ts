import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { newEmbeddedPassword, startEmbeddedPostgres } from '../../../src/store/embedded-postgres.js';

const log = pino({ level: 'silent' });

async function query(url: string, sql: string, params: unknown[] = []) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await client.query(sql, params);
  } finally {
    await client.end();
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('embedded PostgreSQL', () => {
  let dataDir = '';
  afterAll(async () => {
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('initialises once, keeps data across restarts and leaves no process behind', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'tpc-embedded-'));
    await chmod(dataDir, 0o755); // the server runs as the postgres user when we are root
    const password = newEmbeddedPassword();

    const coldStart = performance.now();
    const first = await startEmbeddedPostgres({ dataDir, password, log });
    const coldMs = performance.now() - coldStart;
    expect(first.initialised).toBe(true);
    await query(first.url, 'CREATE TABLE kept (v text)');
    await query(first.url, 'INSERT INTO kept VALUES ($1)', ['across restarts']);
    const pid = Number((await readFile(join(dataDir, 'postgres', 'postmaster.pid'), 'utf8')).split('\n')[0]);
    expect(isAlive(pid)).toBe(true);
    await first.stop();
    expect(isAlive(pid)).toBe(false);

    const warmStart = performance.now();
    const second = await startEmbeddedPostgres({ dataDir, password, log });
    const warmMs = performance.now() - warmStart;
    try {
      expect(second.initialised).toBe(false);
      const { rows } = await query(second.url, 'SELECT v FROM kept');
      expect(rows).toEqual([{ v: 'across restarts' }]);
      // Loopback only, password required.
      await expect(
        query(second.url.replace(encodeURIComponent(password), 'wrong'), 'SELECT 1'),
      ).rejects.toThrow(/password authentication failed/);
    } finally {
      await second.stop();
    }
    console.log(
      `embedded PostgreSQL: cold start ${coldMs.toFixed(0)} ms, warm start ${warmMs.toFixed(0)} ms`,
    );
  });

  it('stops a server an earlier, killed process left running', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tpc-embedded-'));
    await chmod(dir, 0o755);
    const password = newEmbeddedPassword();
    try {
      await startEmbeddedPostgres({ dataDir: dir, password, log });
      const pid = Number((await readFile(join(dir, 'postgres', 'postmaster.pid'), 'utf8')).split('\n')[0]);
      // As if its owner had been SIGKILLed: the first server keeps running, nobody calls its stop().
      const next = await startEmbeddedPostgres({ dataDir: dir, password, log });
      try {
        expect(isAlive(pid)).toBe(false);
        expect((await query(next.url, 'SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
      } finally {
        await next.stop();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
