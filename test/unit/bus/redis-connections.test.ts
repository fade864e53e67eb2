import { describe, expect, it } from 'vitest';
import { parseHostPort, reconnectDelay } from '../../../src/bus/redis-connections.js';

describe('reconnect delay', () => {
  it('grows, is jittered, and never exceeds the cap', () => {
    expect(reconnectDelay(1, 2000, () => 0)).toBe(50);
    expect(reconnectDelay(1, 2000, () => 1)).toBe(100);
    expect(reconnectDelay(3, 2000, () => 0)).toBe(200);
    for (const attempt of [6, 10, 100, 10_000]) {
      expect(reconnectDelay(attempt, 2000, () => 0)).toBe(1000);
      expect(reconnectDelay(attempt, 2000, () => 0.999_999)).toBeLessThanOrEqual(2000);
    }
  });
});

describe('sentinel addresses', () => {
  it('parses host:port and [ipv6]:port', () => {
    expect(parseHostPort('sentinel-1:26379')).toEqual({ host: 'sentinel-1', port: 26379 });
    expect(parseHostPort('[::1]:26379')).toEqual({ host: '::1', port: 26379 });
  });

  it('refuses anything else', () => {
    expect(() => parseHostPort('sentinel-1')).toThrow(/host:port/);
    expect(() => parseHostPort('a:b')).toThrow(/host:port/);
  });
});
