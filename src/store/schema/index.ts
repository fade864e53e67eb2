/** The whole Drizzle schema of the dedicated database; drizzle-kit reads this file (drizzle.config.ts). */
export { forwardedMessagesSchema, messages } from './inbox.js';
export { ingestCursor, ingesterLease, metricsSchema, processingStats } from './metrics.js';
export { OPEN_STATUS_SQL, signalEvents, signalsSchema, tpCapitalSignals } from './signals.js';
