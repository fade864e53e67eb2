/**
 * vitest globalSetup of the integration, faults and e2e projects: finds or starts PostgreSQL
 * (postgres.ts) and makes sure a migrated template database exists, named after a hash of drizzle/ so
 * that a schema change builds a new one. Test files clone it (test-database.ts), which takes
 * milliseconds instead of a migration run per file.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import pg from 'pg';
import { pino } from 'pino';
import type { TestProject } from 'vitest/node';
import { migrationsFolder, runMigrations } from '../../src/store/index.js';
import { type PgBouncer, startPgBouncer, upstreamOf } from './pgbouncer.js';
import { type ProvisionedPostgres, provisionPostgres, withDatabase } from './postgres.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A URL with CREATE DATABASE rights on the test server. */
    pgAdminUrl: string;
    /** The migrated template database to clone. */
    pgTemplate: string;
    /**
     * The server the app's connections go to (test-database.ts puts the database name in): PgBouncer
     * in front of PostgreSQL when the project sets TEST_VIA_PGBOUNCER=1, else the same as pgAdminUrl.
     */
    pgAppUrl: string;
    /** PgBouncer's admin console (SHOW POOLS …) when the app's connections go through it, else ''. */
    pgBouncerAdminUrl: string;
  }
}

/** Databases the tests create carry this comment prefix and their creation time, for later clean-up. */
export const CREATED_COMMENT = 'tp-capital test, created ';
const TEMPLATE_LOCK = 7_470_636_300;
const STALE_TEMPLATE_MS = 60 * 60 * 1000;
const STALE_TEST_DB_MS = 3 * 60 * 60 * 1000;

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

export function schemaHash(): string {
  const folder = migrationsFolder();
  const hash = createHash('sha256');
  for (const file of files(folder).sort()) {
    hash.update(relative(folder, file)).update('\0').update(readFileSync(file)).update('\0');
  }
  return hash.digest('hex').slice(0, 12);
}

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

async function dropStale(admin: pg.Client, keep: string): Promise<void> {
  const { rows } = await admin.query<{ datname: string; comment: string | null }>(
    `SELECT datname, shobj_description(oid, 'pg_database') AS comment FROM pg_database
     WHERE datname LIKE 'tpc\\_tpl\\_%' OR datname LIKE 'tpc\\_test\\_%'`,
  );
  for (const { datname, comment } of rows) {
    if (datname === keep || !comment?.startsWith(CREATED_COMMENT)) continue;
    const age = Date.now() - Date.parse(comment.slice(CREATED_COMMENT.length));
    const limit = datname.startsWith('tpc_tpl_') ? STALE_TEMPLATE_MS : STALE_TEST_DB_MS;
    if (age > limit) await admin.query(`DROP DATABASE IF EXISTS ${quote(datname)} WITH (FORCE)`);
  }
}

export async function ensureTemplate(adminUrl: string): Promise<string> {
  const name = `tpc_tpl_${schemaHash()}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    // Several projects (or runs) may set up at once: one builds, the others wait and reuse.
    await admin.query('SELECT pg_advisory_lock($1)', [TEMPLATE_LOCK]);
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rowCount === 0) {
      const building = `${name}_building`;
      await admin.query(`DROP DATABASE IF EXISTS ${quote(building)} WITH (FORCE)`);
      await admin.query(`CREATE DATABASE ${quote(building)}`);
      await runMigrations(withDatabase(adminUrl, building), pino({ level: 'silent' }));
      // Renamed only once complete: a template under its final name is always fully migrated.
      await admin.query(`ALTER DATABASE ${quote(building)} RENAME TO ${quote(name)}`);
      await admin.query(
        `COMMENT ON DATABASE ${quote(name)} IS '${CREATED_COMMENT}${new Date().toISOString()}'`,
      );
    }
    await dropStale(admin, name);
    return name;
  } finally {
    await admin.query('SELECT pg_advisory_unlock($1)', [TEMPLATE_LOCK]).catch(() => undefined);
    await admin.end();
  }
}

let provisioned: ProvisionedPostgres | undefined;
const bouncers: PgBouncer[] = [];

/** The project's `env` (vitest sets it in the workers only) or the run's environment asks for PgBouncer. */
function viaPgBouncer(project: TestProject): boolean {
  const flag = project.config.env?.TEST_VIA_PGBOUNCER ?? process.env.TEST_VIA_PGBOUNCER;
  return flag === '1' || flag === 'true';
}

export async function setup(project: TestProject): Promise<void> {
  provisioned = await provisionPostgres();
  const template = await ensureTemplate(provisioned.adminUrl);
  project.provide('pgAdminUrl', provisioned.adminUrl);
  project.provide('pgTemplate', template);
  if (viaPgBouncer(project)) {
    // Only the app's connections go through it; CREATE/DROP DATABASE stay direct (pgAdminUrl).
    const bouncer = await startPgBouncer({ ...upstreamOf(provisioned.adminUrl), poolSize: 3 });
    bouncers.push(bouncer);
    project.provide('pgAppUrl', bouncer.urlFor('postgres'));
    project.provide('pgBouncerAdminUrl', bouncer.adminUrl);
  } else {
    project.provide('pgAppUrl', provisioned.adminUrl);
    project.provide('pgBouncerAdminUrl', '');
  }
}

export async function teardown(): Promise<void> {
  // Every project's teardown runs after all tests, so stopping every PgBouncer here is safe even if
  // projects share this module.
  for (const bouncer of bouncers.splice(0)) await bouncer.stop();
  await provisioned?.stop();
  provisioned = undefined;
}
