/** `tp-capital migrate-legacy` through the CLI's main(): help, usage errors, a run with its report. */
import { readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../../src/cli.js';
import type { LegacyMigrationReport } from '../../../src/store/legacy/index.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/test-database.js';
import { dataset } from './dataset.js';
import {
  createLegacyDatabase,
  insertMessages,
  insertSignals,
  type LegacyDatabase,
} from './legacy-fixture.js';

function io(env: NodeJS.ProcessEnv = {}) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c) => {
    out += c;
  });
  stderr.on('data', (c) => {
    err += c;
  });
  return { io: { stdin: new PassThrough(), stdout, stderr, env }, out: () => out, err: () => err };
}

const quiet = { LOG_LEVEL: 'silent', DB_CONNECT_TIMEOUT_MS: '1000' };
const reportFile = join(tmpdir(), `migrate-legacy-${process.pid}-${Date.now()}.json`);
let legacy: LegacyDatabase;
let dedicated: TestDatabase;
let unmigrated: TestDatabase;

beforeAll(async () => {
  legacy = await createLegacyDatabase({ textPrices: true });
  const d = dataset();
  await insertSignals(legacy.client, d.signals);
  await insertMessages(legacy.client, d.messages);
  dedicated = await createTestDatabase();
  unmigrated = await createTestDatabase({ empty: true });
});

afterAll(async () => {
  await rm(reportFile, { force: true });
  await legacy?.close();
  await dedicated?.drop();
  await unmigrated?.drop();
});

describe('usage', () => {
  it('--help documents every flag and exits 0; the command is listed', async () => {
    const help = io();
    expect(await main(['migrate-legacy', '--help'], help.io)).toBe(0);
    for (const flag of [
      '--from',
      '--schema',
      '--dry-run',
      '--batch-size',
      '--database-url',
      '--report',
      '--format',
    ]) {
      expect(help.out()).toContain(flag);
    }
    const list = io();
    expect(await main(['--help'], list.io)).toBe(0);
    expect(list.out()).toContain('migrate-legacy');
  });

  it('bad flags and values: exit 2 with a message naming them', async () => {
    const cases: [string[], string][] = [
      [['--from', legacy.url, '--bogus'], "Unknown option '--bogus'"],
      [[], '--from'],
      [['--from', 'mysql://x@y/z'], '--from must be a postgres:// or postgresql:// URL'],
      [['--from', 'not a url'], '--from must be a postgres://'],
      [['--from', legacy.url, '--batch-size', '0'], '--batch-size: must be at least 1'],
      [['--from', legacy.url, '--batch-size', 'many'], '--batch-size: must be a number'],
      [['--from', legacy.url, '--schema', 'tp; drop'], '--schema: must be a plain schema name'],
      [['--from', legacy.url, '--format', 'xml'], '--format: must be table or json'],
    ];
    for (const [argv, message] of cases) {
      const run = io({ ...quiet, DATABASE_URL: dedicated.url });
      expect(await main(['migrate-legacy', ...argv], run.io), argv.join(' ')).toBe(2);
      expect(run.err(), argv.join(' ')).toContain(message);
    }
  });

  it('a legacy database that cannot be used, or a dedicated one without the schema: exit 2 (unreachable: 1)', async () => {
    const unreachable = io({ ...quiet, DATABASE_URL: dedicated.url });
    expect(
      await main(
        ['migrate-legacy', '--from', 'postgres://postgres@127.0.0.1:1/tradingsystem'],
        unreachable.io,
      ),
    ).toBe(2);
    expect(unreachable.err()).toContain('--from: cannot use the legacy database');

    const noSchema = io({ ...quiet, DATABASE_URL: dedicated.url });
    expect(await main(['migrate-legacy', '--from', legacy.url, '--schema', 'nope'], noSchema.io)).toBe(2);
    expect(noSchema.err()).toContain('the legacy database has no table nope.tp_capital_signals');

    const noDedicated = io(quiet);
    expect(await main(['migrate-legacy', '--from', legacy.url], noDedicated.io)).toBe(2);
    expect(noDedicated.err()).toContain('set DATABASE_URL or pass --database-url');

    const down = io(quiet);
    expect(
      await main(
        ['migrate-legacy', '--from', legacy.url, '--database-url', 'postgres://postgres@127.0.0.1:1/x'],
        down.io,
      ),
    ).toBe(1);
    expect(down.err()).toContain('cannot reach the dedicated database');

    const notMigrated = io(quiet);
    expect(
      await main(['migrate-legacy', '--from', legacy.url, '--database-url', unmigrated.url], notMigrated.io),
    ).toBe(2);
    expect(notMigrated.err()).toContain('run `tp-capital migrate` first');
  });
});

describe('a run', () => {
  it('prints the table, writes the JSON report, exits 0; --format json prints the same report', async () => {
    const run = io({ ...quiet, DATABASE_URL: dedicated.url });
    const code = await main(
      ['migrate-legacy', '--from', legacy.url, '--batch-size', '5', '--report', reportFile],
      run.io,
    );
    expect(code, run.out() + run.err()).toBe(0);
    expect(run.out()).toContain('Result: OK — every legacy row is accounted for');
    expect(run.out()).toMatch(/inserted\s+10\n/);
    expect(run.out()).toMatch(/raw-message checksum\s+legacy\s+[0-9a-f]{64} \(10\)/);
    expect(run.out()).toMatch(/PETRX245\s+3\s+3\n/);
    expect(run.err()).toContain('copy signals: 24/24 rows (100%)');
    const report = JSON.parse(await readFile(reportFile, 'utf8')) as LegacyMigrationReport;
    expect(report).toMatchObject({ ok: true, dryRun: false, problems: [] });
    expect(report.signals.verification?.identities).toBe(10);

    const json = io({ ...quiet, DATABASE_URL: dedicated.url });
    expect(
      await main(['migrate-legacy', '--from', legacy.url, '--dry-run', '--format', 'json'], json.io),
    ).toBe(0);
    const again = JSON.parse(json.out()) as LegacyMigrationReport;
    expect(again).toMatchObject({ ok: true, dryRun: true });
    expect(again.signals.copy).toMatchObject({ inserted: 0, unchanged: 10 });
  });

  it('on a terminal the progress is one line per phase, rewritten in place', async () => {
    const run = io({ ...quiet, DATABASE_URL: dedicated.url });
    Object.assign(run.io.stderr, { isTTY: true });
    expect(
      await main(['migrate-legacy', '--from', legacy.url, '--dry-run', '--batch-size', '5'], run.io),
    ).toBe(0);
    const lines = run
      .err()
      .split('\n')
      .filter((l) => l !== '');
    expect(lines.map((l) => l.split(':')[0]?.replace('\r', ''))).toEqual([
      'copy signals',
      'copy messages',
      'verify signals',
      'verify messages',
    ]);
    expect(lines[0]).toContain('\rcopy signals: 5/24 rows (20%), 1 batch(es)\u001b[K');
    expect(lines[0]?.endsWith('\rcopy signals: 24/24 rows (100%), 5 batch(es)\u001b[K')).toBe(true);
  });

  it('an unexplained difference exits 1 and names it', async () => {
    const sql = new (await import('pg')).default.Client({ connectionString: dedicated.url });
    await sql.connect();
    try {
      await sql.query("DELETE FROM forwarded_messages.messages WHERE message_id = '1003'");
      // The copy would put it back; a dry run only reports it missing.
      const run = io({ ...quiet, DATABASE_URL: dedicated.url });
      expect(await main(['migrate-legacy', '--from', legacy.url, '--dry-run'], run.io)).toBe(0);
      expect(run.out()).toMatch(/pending \(the copy would insert\)\s+1/);
      await sql.query(
        "UPDATE signals.tp_capital_signals SET raw_message = raw_message || ' ' WHERE asset = 'ITUBL300'",
      );
      const broken = io({ ...quiet, DATABASE_URL: dedicated.url });
      expect(await main(['migrate-legacy', '--from', legacy.url], broken.io)).toBe(1);
      expect(broken.out()).toContain('Result: FAILED');
      expect(broken.out()).toContain('signals: the raw-message checksums differ');
      expect(broken.out()).toContain('2 stored signal(s) differ from their legacy row');
    } finally {
      await sql.end();
    }
  });
});
