/**
 * `tp-capital reprocess`: re-parses inbox rows with the current parser and applies the results through
 * the ingestion repository (one transaction per page; events only for what changed). Safe next to a
 * running ingester: the repository serialises writers. Events land in the event log; API instances
 * pick them up from the log (their periodic check), nothing is published from here.
 */
import { z } from 'zod';
import { loadConfig } from '../config.js';
import { INBOX_OUTCOMES, type InboxOutcome } from '../domain/ingest.js';
import { PARSER_VERSION } from '../domain/parse-result.js';
import { pgErrorCode } from '../errors.js';
import { reprocessInbox } from '../ingest/index.js';
import { createLogger } from '../logger.js';
import { parseMessage } from '../parser/index.js';
import { createDb, createInboxRepository, createIngestRepository } from '../store/index.js';
import { defineCommand, EXIT_OK, UsageError } from './command.js';

const HELP = `Usage: tp-capital reprocess [--outcome ignored|rejected|all] [--since ISO] [options]

Re-parses the messages kept in the inbox with the current parser (version ${PARSER_VERSION}) and applies the
results exactly as the ingester would: signals created or corrected, lifecycle updates applied, one
event per change. Only messages parsed by an older parser version are re-evaluated, so running it
twice, or without a parser change, changes nothing. Rows rejected at the gateway boundary (bad JSON,
wrong types, …) keep only an excerpt of what arrived and are skipped. Prints a summary.

Options:
  --outcome O         which inbox rows: ignored, rejected, signal, update, or all (default: all)
  --since ISO         only messages whose Telegram date is at or after this date (e.g. 2025-11-01)
  --database-url URL  the dedicated database (default: DATABASE_URL; required)
  --batch N           rows per transaction, 1-1000 (default: 200)
  -h, --help          show this help

Examples:
  tp-capital reprocess --outcome ignored --since 2025-11-01
  DATABASE_URL=postgres://postgres@127.0.0.1/tp_capital_db tp-capital reprocess`;

const schema = z.strictObject({
  outcome: z
    .enum([...INBOX_OUTCOMES, 'all'], { error: 'must be ignored, rejected, signal, update or all' })
    .optional(),
  since: z
    .string()
    .refine((s) => !Number.isNaN(Date.parse(s)), 'must be an ISO 8601 date')
    .transform((s) => new Date(s))
    .optional(),
  'database-url': z
    .url({ protocol: /^postgres(ql)?$/, error: 'must be a postgres:// or postgresql:// URL' })
    .optional(),
  batch: z.coerce
    .number({ error: 'must be a number' })
    .int('must be an integer')
    .min(1, 'must be at least 1')
    .max(1000, 'must be at most 1000')
    .optional(),
});

export const reprocessCommand = defineCommand({
  name: 'reprocess',
  summary: 're-parse inbox messages with the current parser and apply what changed',
  help: HELP,
  options: {
    outcome: { type: 'string' },
    since: { type: 'string' },
    'database-url': { type: 'string' },
    batch: { type: 'string' },
  },
  schema,
  async run(args, io) {
    const config = loadConfig(io.env);
    const url = args['database-url'] ?? config.DATABASE_URL;
    if (!url) throw new UsageError('no database: set DATABASE_URL or pass --database-url');
    const log = createLogger({ level: config.LOG_LEVEL, name: 'reprocess', destination: io.stderr });
    const db = createDb(
      {
        url,
        poolMax: 2,
        statementTimeoutMs: config.DB_STATEMENT_TIMEOUT_MS,
        connectTimeoutMs: config.DB_CONNECT_TIMEOUT_MS,
        applicationName: 'tp-capital-reprocess',
      },
      log,
    );
    const timeouts = { statementTimeoutMs: config.DB_STATEMENT_TIMEOUT_MS };
    const outcome = args.outcome ?? 'all';
    const outcomes: InboxOutcome[] | undefined = outcome === 'all' ? undefined : [outcome];
    try {
      const summary = await reprocessInbox({
        inbox: createInboxRepository(db, timeouts),
        store: createIngestRepository(db, timeouts),
        parse: parseMessage,
        outcomes,
        since: args.since,
        batchSize: args.batch ?? 200,
        log,
      });
      const lines = [
        `scanned ${summary.scanned} inbox row(s) (outcome: ${outcome}${args.since ? `, since ${args.since.toISOString()}` : ''})`,
        `skipped ${summary.skipped} boundary rejection(s) (no message text to re-parse)`,
        `applied: ${JSON.stringify(summary.outcomes)}`,
        `changed outcome: ${JSON.stringify(summary.changed)}`,
        `events appended: ${summary.events}`,
      ];
      io.stdout.write(`${lines.join('\n')}\n`);
      return EXIT_OK;
    } catch (error) {
      const code = pgErrorCode(error);
      if (code === '42P01' || code === '3F000') {
        throw new UsageError('the database has no TP-Capital schema: run `tp-capital migrate` first');
      }
      throw error;
    } finally {
      await db.close();
    }
  },
});
