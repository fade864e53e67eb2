import { describe, expect, it } from 'vitest';
import type { Decoded } from '../../../src/gateway/index.js';
import { createVersionGuard } from '../../../src/ingest/version-guard.js';

const date = new Date('2025-11-03T13:21:46.000Z');
function version(messageId: string, updatedAt: string | null): Decoded {
  return {
    type: 'message',
    versionAt: updatedAt === null ? null : new Date(updatedAt),
    message: {
      gatewayId: '1',
      channelId: '-100',
      messageId,
      telegramDate: date,
      receivedAt: null,
      content: `text at ${updatedAt}`,
      kind: 'message',
    },
  };
}

describe('version guard', () => {
  it('skips replayed versions older than the polled one, until the replay reaches it', () => {
    const guard = createVersionGuard();
    guard.polled(version('1', '2025-11-03T13:22:02.000Z'));
    expect(guard.isStale(version('1', '2025-11-03T13:22:00.000Z'))).toBe(true);
    expect(guard.isStale(version('1', '2025-11-03T13:22:01.000Z'))).toBe(true);
    expect(guard.isStale(version('1', '2025-11-03T13:22:02.000Z'))).toBe(false);
    // Caught up: a later edit, and anything after, goes through.
    expect(guard.isStale(version('1', '2025-11-03T13:22:00.000Z'))).toBe(false);
    expect(guard.skipped()).toBe(2);
  });

  it('leaves other messages and undated versions alone', () => {
    const guard = createVersionGuard();
    guard.polled(version('1', '2025-11-03T13:22:02.000Z'));
    expect(guard.isStale(version('2', '2025-11-03T13:22:00.000Z'))).toBe(false);
    expect(guard.isStale(version('1', null))).toBe(false);
    guard.polled(version('3', null));
    expect(guard.isStale(version('3', '2025-11-03T13:22:00.000Z'))).toBe(false);
  });

  it('stays bounded', () => {
    const guard = createVersionGuard(2);
    guard.polled(version('1', '2025-11-03T13:22:02.000Z'));
    guard.polled(version('2', '2025-11-03T13:22:02.000Z'));
    guard.polled(version('3', '2025-11-03T13:22:02.000Z'));
    expect(guard.isStale(version('1', '2025-11-03T13:22:00.000Z'))).toBe(false);
    expect(guard.isStale(version('3', '2025-11-03T13:22:00.000Z'))).toBe(true);
  });
});
