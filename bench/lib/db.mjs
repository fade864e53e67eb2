/** Fresh, migrated databases on the local PostgreSQL for one bench run; dropped at the end. */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { runMigrations } from '../../dist/store/index.js';

export const ADMIN_URL = process.env.BENCH_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

function withDatabase(url, name) {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

async function admin(sql) {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Creates and migrates `tpc_bench_<label>_<random>`. */
export async function createBenchDatabase(label, log) {
  const name = `tpc_bench_${label}_${randomBytes(3).toString('hex')}`;
  await admin(`CREATE DATABASE "${name}"`);
  const url = withDatabase(ADMIN_URL, name);
  await runMigrations(url, log);
  return { name, url, drop: () => admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`) };
}
