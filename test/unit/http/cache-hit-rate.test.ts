import { describe, expect, it } from 'vitest';
import { createHitRateWindow } from '../../../src/http/cache-hit-rate.js';

describe('cache hit-rate window', () => {
  it('is hits over lookups in the recent window only', () => {
    let now = 0;
    const window = createHitRateWindow({ windowMs: 60_000, buckets: 12, now: () => now });
    expect(window.rate()).toBeNull();
    window.record(false);
    window.record(false);
    now += 30_000;
    window.record(true);
    window.record(true);
    expect(window.rate()).toBe(0.5);
    now += 35_000; // the two misses are now older than the window
    expect(window.rate()).toBe(1);
    now += 60_000;
    expect(window.rate()).toBeNull();
  });
});
