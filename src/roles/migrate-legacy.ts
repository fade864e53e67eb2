/**
 * `tp-capital migrate-legacy` (ADR-008 phase 2): copies the legacy shared database's signals and
 * forwarded messages into the dedicated database, then verifies the result and exits non-zero on any
 * difference no count explains. The work is in store/legacy/; this wires the two databases, the parser
 * and the terminal (progress on stderr, the report on stdout and optionally in a JSON file).
 */
import { writeFile } from 'node:fs/promises';
import { z } from 'zod';
import { loadConfig } from '../config.js';
import { AppError } from '../errors.js';
import { createLogger } from '../logger.js';
import { parseMessage } from '../parser/index.js';
import { createDb } from '../store/index.js';
import {
  DedicatedSchemaError,
  formatReport,
  type LegacySource,
  LegacySourceError,
  openLegacySource,
  type Progress,
  runLegacyMigration,
} from '../store/legacy/index.js';
import { type CommandIo, defineCommand, EXIT_FAILURE, EXIT_OK, EXIT_USAGE, UsageError } from './command.js';

const HELP = `Usage: tp-capital migrate-legacy --from URL [--schema tp_capital] [--dry-run] [options]

Copies the legacy shared database (ADR-008 phase 2) into TP-Capital's dedicated database:
  <schema>.tp_capital_signals  → signals.tp_capital_signals, one 'created' event each (SSE replay, seq)
  <schema>.forwarded_messages  → forwarded_messages.messages (the inbox), parsed, never applied
then reads the whole legacy table again and verifies: every legacy row accounted for (copied,
duplicate collapsed, __checkpoint__ row, or skipped with a reason), every signal found with its
fields, counts per asset, and raw-message checksums on both sides. The legacy is only read, from one
snapshot. A legacy signal gets the message id legacy:<16 hex of sha256(channel, ts, raw_message)>
(docs/migrate-legacy.md). Batches commit with their checkpoint: after an interruption run it again
and it resumes; a finished run reruns from the start and writes nothing new.

Options:
  --from URL          the legacy database, postgres:// or postgresql:// (required; read only)
  --schema NAME       the legacy schema (default: tp_capital)
  --dry-run           read, plan and verify, write nothing (the report counts what would be written)
  --batch-size N      legacy rows per batch and transaction, 1-10000 (default: 1000)
  --database-url URL  the dedicated database (default: DATABASE_URL). Prefer a direct connection to
                      PostgreSQL over PgBouncer: a run is long and sequential
  --report FILE       also write the report as JSON to FILE (written even when the run fails)
  --format F          table or json: how the report goes to stdout (default: table)
  -h, --help          show this help

Progress goes to stderr. Statement timeouts are DB_STATEMENT_TIMEOUT_MS, at least 30 s here.

Exit codes: 0 every row accounted for; 1 an unexplained difference, or the run failed or was
stopped; 2 bad usage: a bad flag, a --from database that cannot be reached or has no legacy
tables, a dedicated database without the TP-Capital schema (run tp-capital migrate first).

Examples:
  tp-capital migrate-legacy --from postgres://timescale:secret@localhost:5433/tradingsystem --dry-run
  tp-capital migrate-legacy --from "$LEGACY" --schema tp_capital --report migrate-legacy.json`;

const postgresUrl = (what: string) =>
  z.url({ protocol: /^postgres(ql)?$/, error: `${what} must be a postgres:// or postgresql:// URL` });

const schema = z.strictObject({
  from: postgresUrl('--from'),
  schema: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]{0,62}$/, 'must be a plain schema name (letters, digits, _)')
    .default('tp_capital'),
  'dry-run': z.boolean().default(false),
  'batch-size': z.coerce
    .number({ error: 'must be a number' })
    .int('must be an integer')
    .min(1, 'must be at least 1')
    .max(10_000, 'must be at most 10000')
    .default(1000),
  'database-url': postgresUrl('--database-url').optional(),
  report: z.string().min(1, 'must name a file').optional(),
  format: z.enum(['table', 'json'], { error: 'must be table or json' }).default('table'),
});

/** TTY: one line rewritten in place; otherwise a line per 10 % so that logs stay short. */
function progressLine(stream: NodeJS.WritableStream): (p: Progress) => void {
  const tty = (stream as { isTTY?: boolean }).isTTY === true;
  let phase = '';
  let lastTenth = -1;
  return (p) => {
    const pct = p.total > 0 ? Math.min(100, Math.floor((p.done / p.total) * 100)) : 100;
    const text = `${p.phase}: ${p.done}/${p.total} rows (${pct}%), ${p.batches} batch(es)`;
    if (p.phase !== phase) {
      if (tty && phase !== '') stream.write('\n');
      phase = p.phase;
      lastTenth = -1;
    }
    if (tty) {
      stream.write(`\r${text}\u001b[K${p.done >= p.total ? '\n' : ''}`);
      if (p.done >= p.total) phase = '';
      return;
    }
    const tenth = Math.floor(pct / 10);
    if (tenth > lastTenth) {
      lastTenth = tenth;
      stream.write(`${text}\n`);
    }
  };
}

async function openSource(url: string, schemaName: string, timeouts: { connect: number; statement: number }) {
  try {
    return await openLegacySource({
      url,
      schema: schemaName,
      connectTimeoutMs: timeouts.connect,
      statementTimeoutMs: timeouts.statement,
    });
  } catch (error) {
    if (error instanceof LegacySourceError) {
      throw new UsageError(
        error.kind === 'unreachable'
          ? `--from: cannot use the legacy database: ${error.message}`
          : `--from: ${error.message}`,
      );
    }
    throw error;
  }
}

export const migrateLegacyCommand = defineCommand({
  name: 'migrate-legacy',
  summary: 'copy and verify the legacy shared database into the dedicated one (ADR phase 2)',
  help: HELP,
  options: {
    from: { type: 'string' },
    schema: { type: 'string' },
    'dry-run': { type: 'boolean' },
    'batch-size': { type: 'string' },
    'database-url': { type: 'string' },
    report: { type: 'string' },
    format: { type: 'string' },
  },
  schema,
  async run(args, io: CommandIo) {
    const config = loadConfig(io.env);
    const url = args['database-url'] ?? config.DATABASE_URL;
    if (!url) throw new UsageError('no dedicated database: set DATABASE_URL or pass --database-url');
    const log = createLogger({ level: config.LOG_LEVEL, name: 'migrate-legacy', destination: io.stderr });
    const statementTimeoutMs = Math.max(config.DB_STATEMENT_TIMEOUT_MS, 30_000);
    const timeouts = { connect: config.DB_CONNECT_TIMEOUT_MS, statement: statementTimeoutMs };
    const source: LegacySource = await openSource(args.from, args.schema, timeouts);
    const db = createDb(
      {
        url,
        poolMax: 2,
        statementTimeoutMs,
        connectTimeoutMs: config.DB_CONNECT_TIMEOUT_MS,
        applicationName: 'tp-capital-migrate-legacy',
      },
      log,
    );
    try {
      log.info(
        { schema: args.schema, dryRun: args['dry-run'], batchSize: args['batch-size'] },
        'migration started',
      );
      const report = await runLegacyMigration({
        db,
        source,
        parse: parseMessage,
        dryRun: args['dry-run'],
        batchSize: args['batch-size'],
        statementTimeoutMs,
        onProgress: progressLine(io.stderr),
      });
      if (args.report) await writeFile(args.report, `${JSON.stringify(report, null, 2)}\n`);
      io.stdout.write(args.format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
      log.info(
        { ok: report.ok, problems: report.problems.length, seconds: report.seconds },
        'migration finished',
      );
      return report.ok ? EXIT_OK : EXIT_FAILURE;
    } catch (error) {
      if (error instanceof DedicatedSchemaError) {
        io.stderr.write(`tp-capital migrate-legacy: ${error.message}\n`);
        return EXIT_USAGE;
      }
      if (error instanceof AppError && error.code === 'DATABASE_UNAVAILABLE') {
        const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
        io.stderr.write(`tp-capital migrate-legacy: cannot reach the dedicated database${cause}\n`);
        return EXIT_FAILURE;
      }
      throw error;
    } finally {
      await source.close();
      await db.close();
    }
  },
});
