import { describe, expect, it } from 'vitest';
import {
  decodeMessageObject,
  decodeStreamEvent,
  MAX_CONTENT_BYTES,
} from '../../../src/gateway/message-schema.js';

const CHANNEL = '-1001649127710';
const options = { channelId: CHANNEL };

function message(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: '88412',
    channelId: CHANNEL,
    messageId: '5893',
    threadId: null,
    source: 'mtproto',
    messageType: 'channel_post',
    text: 'Ativo: PETRX245\nCompra: 0,82 a 0,86',
    caption: null,
    mediaType: null,
    mediaRefs: [],
    status: 'received',
    receivedAt: '2025-11-03T13:21:50.000Z',
    telegramDate: '2025-11-03T13:21:46.000Z',
    publishedAt: null,
    metadata: { views: 0, isForwarded: false, replyTo: null },
    createdAt: '2025-11-03T13:21:50.000Z',
    updatedAt: '2025-11-03T13:21:50.000Z',
    ...overrides,
  };
}

function stream(event: string, value: unknown) {
  return decodeStreamEvent(event, typeof value === 'string' ? value : JSON.stringify(value), options);
}

function reasonOf(decoded: ReturnType<typeof stream>): string | null {
  return decoded.type === 'rejected' ? decoded.delivery.reason : null;
}

describe('decodeStreamEvent', () => {
  it('accepts the contract object as a GatewayMessage', () => {
    const decoded = stream('message', message());
    expect(decoded).toEqual({
      type: 'message',
      versionAt: new Date('2025-11-03T13:21:50.000Z'),
      message: {
        gatewayId: '88412',
        channelId: CHANNEL,
        messageId: '5893',
        telegramDate: new Date('2025-11-03T13:21:46.000Z'),
        receivedAt: new Date('2025-11-03T13:21:50.000Z'),
        content: 'Ativo: PETRX245\nCompra: 0,82 a 0,86',
        kind: 'message',
      },
    });
  });

  it('maps the event names to kinds, and status deleted to a deletion', () => {
    const kind = (d: ReturnType<typeof stream>) => (d.type === 'message' ? d.message.kind : d.type);
    expect(kind(stream('message.edited', message()))).toBe('edited');
    expect(kind(stream('message.deleted', message({ status: 'deleted' })))).toBe('deleted');
    expect(kind(stream('message', message({ status: 'deleted' })))).toBe('deleted');
    expect(stream('ping', '2025-11-03T13:21:50.000Z')).toEqual({ type: 'ping' });
  });

  it('takes the caption when text is null, and null when neither is there', () => {
    const content = (d: ReturnType<typeof stream>) => (d.type === 'message' ? d.message.content : 'x');
    expect(content(stream('message', message({ text: null, caption: 'PETR4 compra 30' })))).toBe(
      'PETR4 compra 30',
    );
    expect(content(stream('message', message({ text: null })))).toBeNull();
    expect(content(stream('message', message({ text: undefined, caption: undefined })))).toBeNull();
  });

  it('rejects, attributed to the message, every kind of bad field', () => {
    expect(reasonOf(stream('message', message({ text: 42 })))).toBe('invalid_field:text');
    expect(reasonOf(stream('message', message({ id: undefined })))).toBe('missing_field:id');
    expect(reasonOf(stream('message', message({ telegramDate: 'yesterday' })))).toBe('invalid_telegram_date');
    expect(reasonOf(stream('message', message({ telegramDate: '2025-13-45T99:00:00Z' })))).toBe(
      'invalid_telegram_date',
    );
    expect(reasonOf(stream('message', message({ telegramDate: undefined })))).toBe(
      'missing_field:telegramDate',
    );
    expect(reasonOf(stream('message', message({ text: 'a'.repeat(MAX_CONTENT_BYTES + 1) })))).toBe(
      'content_too_large',
    );
    expect(reasonOf(stream('message', message({ text: 'PETR4\u0000 compra' })))).toBe('nul_byte');
    expect(reasonOf(stream('message.exploded', message()))).toBe('unknown_event');
    const rejected = stream('message', message({ text: 42 }));
    expect(rejected).toMatchObject({
      type: 'rejected',
      ackable: true,
      delivery: { channelId: CHANNEL, messageId: '5893', telegramDate: new Date('2025-11-03T13:21:46.000Z') },
    });
  });

  it('keeps a 20 KiB text for the parser to ignore (only absurd sizes are rejected here)', () => {
    expect(stream('message', message({ text: 'x'.repeat(20 * 1024) })).type).toBe('message');
  });

  it('cannot attribute bad JSON, non-objects or a missing message id: no message id, not ackable', () => {
    for (const decoded of [
      stream('message', '{"id": "1", "messageId": '),
      stream('message', '[1,2,3]'),
      stream('message', 'null'),
      stream('message', message({ messageId: undefined })),
      stream('message', message({ messageId: 5893 })),
    ]) {
      expect(decoded).toMatchObject({ type: 'rejected', ackable: false, delivery: { messageId: null } });
    }
    expect(reasonOf(stream('message', 'not json'))).toBe('invalid_json');
  });

  it('ignores another channel, even when the rest is broken', () => {
    expect(stream('message', message({ channelId: '-1009999999999', text: 7 }))).toEqual({
      type: 'foreign',
      channelId: '-1009999999999',
    });
  });

  it('attributes an unreadable channel to the configured one but never acknowledges it', () => {
    expect(stream('message', message({ channelId: 12 }))).toMatchObject({
      type: 'rejected',
      ackable: false,
      delivery: { channelId: CHANNEL, messageId: '5893', reason: 'invalid_field:channelId' },
    });
  });

  it('survives deep JSON, prototype keys and control characters in excerpts', () => {
    const deep = `${'['.repeat(200_000)}${']'.repeat(200_000)}`;
    expect(reasonOf(stream('message', deep))).toBe('not_an_object');
    expect(reasonOf(stream('constructor', message()))).toBe('unknown_event');
    expect(reasonOf(stream('__proto__', message()))).toBe('unknown_event');
    const bad = stream('message', `\u0000${'x'.repeat(5000)}`);
    expect(bad.type === 'rejected' && bad.delivery.excerpt.includes('\u0000')).toBe(false);
    expect(bad.type === 'rejected' && bad.delivery.excerpt.length).toBeLessThanOrEqual(520);
  });

  it('replaces lone surrogates in the content with U+FFFD', () => {
    const decoded = stream('message', message({ text: 'PETR4 \uD800 compra' }));
    expect(decoded.type === 'message' && decoded.message.content).toBe('PETR4 \uFFFD compra');
  });

  it('turns an invalid or missing receivedAt / updatedAt into null instead of rejecting', () => {
    const decoded = stream('message', message({ receivedAt: 'soon', updatedAt: 7 }));
    expect(decoded.type === 'message' && decoded.message.receivedAt).toBeNull();
    expect(decoded.type === 'message' && decoded.versionAt).toBeNull();
    const bare = stream('message', message({ receivedAt: undefined, updatedAt: undefined }));
    expect(bare.type).toBe('message');
  });
});

describe('decodeMessageObject (polling)', () => {
  it('treats a polled message as new unless its status says deleted or it was updated after creation', () => {
    const polled = decodeMessageObject(message(), null, options);
    expect(polled.type === 'message' && polled.message.kind).toBe('message');
    const edited = decodeMessageObject(message({ updatedAt: '2025-11-03T13:25:00.000Z' }), null, options);
    expect(edited.type === 'message' && edited.message.kind).toBe('edited');
    const streamed = decodeStreamEvent(
      'message',
      JSON.stringify(message({ updatedAt: '2025-11-03T13:25:00.000Z' })),
      options,
    );
    expect(streamed.type === 'message' && streamed.message.kind).toBe('message');
    const deleted = decodeMessageObject(message({ status: 'deleted' }), null, options);
    expect(deleted.type === 'message' && deleted.message.kind).toBe('deleted');
  });

  it('does not blow the stack on a deeply nested object', () => {
    let nested: unknown = {};
    for (let i = 0; i < 100_000; i += 1) nested = { nested };
    const decoded = decodeMessageObject(nested, null, options);
    expect(decoded).toMatchObject({ type: 'rejected', delivery: { reason: 'missing_field:messageId' } });
    expect(decodeMessageObject(message({ metadata: nested }), null, options).type).toBe('message');
  });
});
