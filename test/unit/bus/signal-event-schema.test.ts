import { describe, expect, it } from 'vitest';
import { parseEventBatch } from '../../../src/bus/signal-event-schema.js';
import { sampleEvent } from './sample-event.js';

describe('bus message parsing', () => {
  it('accepts a batch of well-formed events, unchanged', () => {
    const batch = [sampleEvent(1), sampleEvent(2, { op: 'target_hit' })];
    batch[1]!.signal.status = 'target_1_hit';
    expect(parseEventBatch(JSON.stringify(batch))).toEqual({ ok: true, events: batch });
  });

  it.each([
    ['not JSON', '{"seq":', /invalid JSON/],
    ['an empty batch', '[]', /root/],
    ['an object, not an array', JSON.stringify(sampleEvent(1)), /root/],
    ['an unknown op', JSON.stringify([sampleEvent(1, { op: 'exploded' as never })]), /0\.op/],
    [
      'a bad status',
      JSON.stringify([{ ...sampleEvent(1), signal: { ...sampleEvent(1).signal, status: 'x' } }]),
      /status/,
    ],
    ['a string seq', JSON.stringify([{ ...sampleEvent(1), seq: '1' }]), /0\.seq/],
    ['a missing signal', JSON.stringify([{ seq: 1, op: 'created', occurred_at: 'x' }]), /signal/],
  ])('refuses %s and says where', (_name, text, reason) => {
    const parsed = parseEventBatch(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.reason).toMatch(reason);
  });
});
