/**
 * `tp-capital migrate`: applies the drizzle/ migrations to the dedicated database. Safe to run twice
 * (the second run applies nothing) and from several processes at once (they serialise on a lock).
 */
import { z } from 'zod';
import { loadConfig } from '../config.js';
import { AppError } from '../errors.js';
import { createLogger } from '../logger.js';
import { runMigrations } from '../store/index.js';
import { defineCommand, EXIT_FAILURE, EXIT_OK, UsageError } from './command.js';

const schema = z.object({
  'database-url': z
    .url({ protocol: /^postgres(ql)?$/, error: 'must be a postgres:// or postgresql:// URL' })
    .optional(),
});

const help = `Usage: tp-capital migrate [--database-url URL]

Applies the pending Drizzle migrations (drizzle/) to TP-Capital's dedicated database and prints how
many it applied. Running it again applies nothing; several processes may run it at once (they wait
for each other on a transaction-scoped lock). Where the timescaledb extension is available the
migrations also make the time-keyed tables hypertables with compression and retention.

Options:
  --database-url URL  The database to migrate (default: DATABASE_URL). Prefer a direct connection to
                      PostgreSQL over PgBouncer: a migration holds one connection for its whole run.
  -h, --help          Shows this help.

Examples:
  DATABASE_URL=postgres://tp_capital@localhost:5435/tp_capital_db tp-capital migrate
  tp-capital migrate --database-url postgres://postgres@127.0.0.1:5432/tp_capital_db`;

export const migrateCommand = defineCommand({
  name: 'migrate',
  summary: 'Apply the database migrations (safe to run twice, or twice at once)',
  help,
  options: { 'database-url': { type: 'string' } },
  schema,
  async run(args, io) {
    const config = loadConfig(io.env);
    const url = args['database-url'] ?? config.DATABASE_URL;
    if (!url) {
      throw new UsageError('no database to migrate: set DATABASE_URL or pass --database-url');
    }
    const log = createLogger({ level: config.LOG_LEVEL, name: 'migrate', destination: io.stderr });
    try {
      const { applied } = await runMigrations(url, log, { connectTimeoutMs: config.DB_CONNECT_TIMEOUT_MS });
      io.stdout.write(
        applied === 0
          ? 'database is up to date: 0 migrations applied\n'
          : `applied ${applied} migration${applied === 1 ? '' : 's'}\n`,
      );
      return EXIT_OK;
    } catch (error) {
      if (error instanceof AppError && error.code === 'DATABASE_UNAVAILABLE') {
        const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
        io.stderr.write(`tp-capital migrate: cannot reach the database${cause}\n`);
        return EXIT_FAILURE;
      }
      throw error;
    }
  },
});
