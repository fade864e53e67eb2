/** `tp-capital migrate-legacy`: the legacy shared database copied into the dedicated one, and verified. */
export type { Progress } from './context.js';
export { LEGACY_IMPORT_REASON, type MessageCopyReport } from './copy-messages.js';
export type { SignalCopyReport } from './copy-signals.js';
export { type LegacySource, LegacySourceError, openLegacySource } from './legacy-source.js';
export { formatReport } from './report-format.js';
export { DedicatedSchemaError, type LegacyMigrationReport, runLegacyMigration } from './run.js';
export type { ParseMessage } from './signal-plan.js';
export { CHECKPOINT_ASSET, SIGNAL_SKIP_REASONS } from './signal-rows.js';
export { IDENTITY_PREFIX, legacyIdentity, normaliseRaw } from './values.js';
