import { describe, expect, it } from 'vitest';
import { createStreamLimits } from '../../../src/http/sse/stream-limits.js';

describe('stream limits', () => {
  it('caps concurrent streams per client until one is released', () => {
    const limits = createStreamLimits({ maxConcurrent: 2, connectsPerMinute: 100, now: () => 0 });
    const a = limits.acquire('1.1.1.1');
    const b = limits.acquire('1.1.1.1');
    expect(a.ok && b.ok).toBe(true);
    const c = limits.acquire('1.1.1.1');
    expect(c).toMatchObject({ ok: false, reason: 'concurrent' });
    expect(limits.acquire('2.2.2.2').ok).toBe(true);
    if (a.ok) {
      a.release();
      a.release(); // idempotent
    }
    expect(limits.openStreams('1.1.1.1')).toBe(1);
    expect(limits.acquire('1.1.1.1').ok).toBe(true);
  });

  it('caps connects per minute with a Retry-After until the window ends', () => {
    let now = 1_000_000;
    const limits = createStreamLimits({ maxConcurrent: 100, connectsPerMinute: 3, now: () => now });
    for (let i = 0; i < 3; i++) {
      const v = limits.acquire('c');
      if (v.ok) v.release();
    }
    now += 20_000;
    expect(limits.acquire('c')).toMatchObject({ ok: false, reason: 'rate', retryAfterS: 40 });
    now += 40_000;
    expect(limits.acquire('c').ok).toBe(true);
  });
});
