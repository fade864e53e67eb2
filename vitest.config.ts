import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Leaked handles and unclosed servers fail the run instead of hanging it.
    teardownTimeout: 10_000,
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['test/helpers/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          // The store and ingestion integration tests again, unchanged, through a real PgBouncer in
          // transaction mode with a small pool (global-setup.ts reads TEST_VIA_PGBOUNCER), plus
          // test/pgbouncer/ proving the traffic really goes through it.
          name: 'pgbouncer',
          include: [
            'test/integration/store/**/*.test.ts',
            'test/integration/ingest/**/*.test.ts',
            'test/pgbouncer/**/*.test.ts',
          ],
          // These stop or kill a throwaway PostgreSQL of their own and connect to it directly: nothing
          // of theirs would pass PgBouncer, so running them again here would only cost time.
          exclude: [
            'test/integration/store/outage.test.ts',
            'test/integration/ingest/postgres-outage.test.ts',
          ],
          environment: 'node',
          globalSetup: ['test/helpers/global-setup.ts'],
          env: { TEST_VIA_PGBOUNCER: '1' },
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'faults',
          include: ['test/faults/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['test/helpers/global-setup.ts'],
          testTimeout: 600_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['test/helpers/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
