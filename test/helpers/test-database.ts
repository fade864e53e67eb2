/**
 * One database per test file, cloned from the migrated template that global-setup.ts built:
 * `const database = await createTestDatabase()` in beforeAll, `await database.drop()` in afterAll.
 * Cloning takes milliseconds; a migration run per file would take far longer.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { CREATED_COMMENT } from './global-setup.js';
import { withDatabase } from './postgres.js';

export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: inject('pgAdminUrl') });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** `empty: true` gives an unmigrated database (for migration tests). */
export async function createTestDatabase(options: { empty?: boolean } = {}): Promise<TestDatabase> {
  const name = `tpc_test_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  await admin(async (client) => {
    const template = options.empty ? 'template0' : inject('pgTemplate');
    await client.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`);
    await client.query(`COMMENT ON DATABASE "${name}" IS '${CREATED_COMMENT}${new Date().toISOString()}'`);
  });
  return {
    name,
    // Through PgBouncer when the project asks for it (global-setup.ts); admin work above stays direct.
    url: withDatabase(inject('pgAppUrl'), name),
    drop: () =>
      admin(async (client) => void (await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`))),
  };
}
