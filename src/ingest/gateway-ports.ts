/** Builds the gateway clients and their breakers from the configuration (for the roles that ingest). */
import type { Config } from '../config.js';
import {
  type BreakerSettings,
  createAckClient,
  createGatewayBreaker,
  createPollClient,
  createStreamClient,
  type GatewayEndpoint,
} from '../gateway/index.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import type { GatewayPorts } from './ports.js';

export type GatewayConfig = Pick<
  Config,
  | 'TELEGRAM_GATEWAY_API_KEY'
  | 'TP_CAPITAL_SIGNALS_CHANNEL_ID'
  | 'GATEWAY_PROCESSED_BY'
  | 'GATEWAY_POLL_LIMIT'
  | 'GATEWAY_REQUEST_TIMEOUT_MS'
  | 'GATEWAY_STREAM_WATCHDOG_MS'
  | 'GATEWAY_BREAKER_TIMEOUT_MS'
  | 'GATEWAY_BREAKER_ERROR_THRESHOLD_PERCENT'
  | 'GATEWAY_BREAKER_RESET_TIMEOUT_MS'
  | 'GATEWAY_BREAKER_VOLUME_THRESHOLD'
>;

/**
 * Three breakers with the same settings: the stream's decides the mode and is the one on /metrics and
 * /ready; polls and acks have their own so that polling can run while the stream's is open (opossum
 * rejects every call of an open breaker) and a failing ack endpoint is not hammered.
 */
export function createGatewayPorts(
  config: GatewayConfig & { gatewayUrl: string },
  log: Logger,
  metrics: Metrics,
): GatewayPorts & { close(): void } {
  const endpoint: GatewayEndpoint = {
    baseUrl: config.gatewayUrl,
    apiKey: config.TELEGRAM_GATEWAY_API_KEY,
    channelId: config.TP_CAPITAL_SIGNALS_CHANNEL_ID,
  };
  const settings: BreakerSettings = {
    timeoutMs: config.GATEWAY_BREAKER_TIMEOUT_MS,
    errorThresholdPercentage: config.GATEWAY_BREAKER_ERROR_THRESHOLD_PERCENT,
    resetTimeoutMs: config.GATEWAY_BREAKER_RESET_TIMEOUT_MS,
    volumeThreshold: config.GATEWAY_BREAKER_VOLUME_THRESHOLD,
  };
  const gatewayLog = log.child({ module: 'gateway' });
  const ports: GatewayPorts = {
    stream: createStreamClient({
      ...endpoint,
      watchdogMs: config.GATEWAY_STREAM_WATCHDOG_MS,
      connectTimeoutMs: config.GATEWAY_REQUEST_TIMEOUT_MS,
      log: gatewayLog,
      metrics,
    }),
    poll: createPollClient({
      ...endpoint,
      processedBy: config.GATEWAY_PROCESSED_BY,
      limit: config.GATEWAY_POLL_LIMIT,
      timeoutMs: config.GATEWAY_REQUEST_TIMEOUT_MS,
      metrics,
    }),
    ack: createAckClient({
      ...endpoint,
      processedBy: config.GATEWAY_PROCESSED_BY,
      timeoutMs: config.GATEWAY_REQUEST_TIMEOUT_MS,
      metrics,
    }),
    streamBreaker: createGatewayBreaker({ name: 'gateway-stream', settings, log: gatewayLog, metrics }),
    pollBreaker: createGatewayBreaker({ name: 'gateway-poll', settings, log: gatewayLog }),
    ackBreaker: createGatewayBreaker({ name: 'gateway-ack', settings, log: gatewayLog }),
  };
  return {
    ...ports,
    close() {
      ports.streamBreaker.close();
      ports.pollBreaker.close();
      ports.ackBreaker.close();
    },
  };
}
