/** The Telegram Gateway adapter: the boundary schema and the stream, poll and ack clients with their breaker. */
export { type AckClient, type AckClientOptions, createAckClient } from './ack-client.js';
export {
  type BreakerSettings,
  createGatewayBreaker,
  type GatewayBreaker,
  isBreakerOpenError,
} from './breaker.js';
export {
  type GatewayEndpoint,
  type GatewayOutcome,
  GatewayRequestError,
  type GatewayRequestKind,
} from './gateway-http.js';
export {
  type BoundaryOptions,
  type Decoded,
  decodeMessageObject,
  decodeStreamEvent,
  MAX_CONTENT_BYTES,
  MAX_EVENT_CHARS,
} from './message-schema.js';
export { createPollClient, type PollClient, type PollClientOptions } from './poll-client.js';
export {
  createStreamClient,
  type StreamClient,
  type StreamClientOptions,
  type StreamDelivery,
  type StreamEnd,
  type StreamHandlers,
  type StreamSession,
} from './stream-client.js';
