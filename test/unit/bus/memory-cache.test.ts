import { describe, expect, it } from 'vitest';
import { createMemoryCache } from '../../../src/bus/memory-cache.js';

function clock() {
  let now = 1_000;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe('memory cache', () => {
  it('misses, then hits what was set', async () => {
    const cache = createMemoryCache({ max: 10 });
    expect(await cache.get('a')).toEqual({ status: 'miss' });
    expect(await cache.set('a', '{"data":[]}', 30)).toBe(true);
    expect(await cache.get('a')).toEqual({ status: 'hit', value: '{"data":[]}' });
    await cache.close();
  });

  it('expires each entry after its own TTL', async () => {
    const time = clock();
    const cache = createMemoryCache({ max: 10, now: time.now });
    await cache.set('short', 's', 1);
    await cache.set('long', 'l', 30);
    time.advance(999);
    expect(await cache.get('short')).toEqual({ status: 'hit', value: 's' });
    time.advance(2);
    expect(await cache.get('short')).toEqual({ status: 'miss' });
    expect(await cache.get('long')).toEqual({ status: 'hit', value: 'l' });
    time.advance(29_000);
    expect(await cache.get('long')).toEqual({ status: 'miss' });
    await cache.close();
  });

  it('keeps at most max entries, evicting the least recently used', async () => {
    const cache = createMemoryCache({ max: 2 });
    await cache.set('a', '1', 30);
    await cache.set('b', '2', 30);
    await cache.get('a'); // a is now more recent than b
    await cache.set('c', '3', 30);
    expect(await cache.get('b')).toEqual({ status: 'miss' });
    expect(await cache.get('a')).toEqual({ status: 'hit', value: '1' });
    expect(await cache.get('c')).toEqual({ status: 'hit', value: '3' });
    await cache.close();
  });

  it('overwrites a key with a new value and a new TTL', async () => {
    const time = clock();
    const cache = createMemoryCache({ max: 10, now: time.now });
    await cache.set('k', 'old', 1);
    await cache.set('k', 'new', 10);
    time.advance(5_000);
    expect(await cache.get('k')).toEqual({ status: 'hit', value: 'new' });
    await cache.close();
  });
});
