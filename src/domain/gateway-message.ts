/**
 * A Telegram Gateway message after the boundary schema has accepted it (GATEWAY-CONTRACT.md).
 * Everything the ingester needs and nothing else; raw gateway JSON never travels past `gateway/`.
 */

/** How the message reached us: a new post, an edit of an earlier one, or its deletion. */
export type MessageEventKind = 'message' | 'edited' | 'deleted';

export interface GatewayMessage {
  /** The gateway's own id of this message (its polling cursor); opaque. */
  gatewayId: string;
  channelId: string;
  messageId: string;
  /** The post's date: part of the message's identity. */
  telegramDate: Date;
  /** When the gateway saw it; null when it did not say. */
  receivedAt: Date | null;
  /** `text`, or `caption` when `text` is null; null when the message has neither. */
  content: string | null;
  kind: MessageEventKind;
}

/**
 * A delivery the boundary could not accept (bad JSON, wrong types, invalid date, …). When its message id
 * could be read it goes to the inbox as `rejected`; otherwise it is only logged and counted.
 */
export interface RejectedDelivery {
  channelId: string | null;
  messageId: string | null;
  telegramDate: Date | null;
  reason: string;
  /** A bounded excerpt of what was received, for the inbox and the logs. */
  excerpt: string;
  /** How it arrived, when that is known (a superseded edit is still an edit); `message` otherwise. */
  kind?: MessageEventKind;
}
