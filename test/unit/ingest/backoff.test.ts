import { describe, expect, it } from 'vitest';
import { backoffDelay, sleep } from '../../../src/ingest/backoff.js';

describe('backoffDelay', () => {
  it('doubles from the base, stays within [ceiling/2, ceiling], and is capped', () => {
    expect(backoffDelay(1, 100, 10_000, () => 0)).toBe(50);
    expect(backoffDelay(1, 100, 10_000, () => 1)).toBe(100);
    expect(backoffDelay(4, 100, 10_000, () => 1)).toBe(800);
    expect(backoffDelay(50, 100, 10_000, () => 1)).toBe(10_000);
    expect(backoffDelay(50, 100, 10_000, () => 0)).toBe(5000);
    for (let i = 0; i < 100; i += 1) {
      const d = backoffDelay(3, 100, 10_000);
      expect(d).toBeGreaterThanOrEqual(200);
      expect(d).toBeLessThanOrEqual(400);
    }
  });
});

describe('sleep', () => {
  it('ends early when its signal aborts, and at once when already aborted', async () => {
    const controller = new AbortController();
    const started = Date.now();
    const pending = sleep(60_000, controller.signal);
    controller.abort();
    await pending;
    await sleep(60_000, controller.signal);
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
