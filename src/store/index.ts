/** The dedicated database: connection, migrations and the repositories every role uses. */
export { createDb, type Db, type DbOptions } from './db.js';
export { createInboxRepository, type InboxRepository, type InboxRow } from './inbox-repository.js';
export { createIngestRepository, INGEST_LOCK_KEY, type IngestRepository } from './ingest-repository.js';
export { createLeaseRepository, type LeaseRepository } from './lease-repository.js';
export { migrationsFolder, runMigrations } from './migrate.js';
export * as schema from './schema/index.js';
export {
  createSignalsReadRepository,
  MAX_LIST_LIMIT,
  type SignalFilters,
  type SignalsReadRepository,
} from './signals-read-repository.js';
export { type Tx, withTransaction } from './transaction.js';
