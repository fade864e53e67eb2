/** The ingestion pipeline and its supervisor: what `tp-capital ingest` and `tp-capital start` run. */
export { type AckQueue, createAckQueue } from './ack-queue.js';
export { createGatewayPorts, type GatewayConfig } from './gateway-ports.js';
export {
  createIngester,
  type Ingester,
  type IngesterConfig,
  type IngesterCounters,
  type IngesterDeps,
} from './ingester.js';
export { createPipeline, type Pipeline, type PipelineEntry } from './pipeline.js';
export type {
  CursorUpdate,
  EventPublisher,
  GatewayPorts,
  IngestStore,
  LeaseStore,
  ParseFn,
} from './ports.js';
export { type InboxScanner, type ReprocessSummary, reprocessInbox } from './reprocess.js';
