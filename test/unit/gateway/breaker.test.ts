import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createGatewayBreaker,
  type GatewayBreaker,
  isBreakerOpenError,
} from '../../../src/gateway/breaker.js';
import { createMetrics } from '../../../src/metrics.js';

const log = pino({ level: 'silent' });
const settings = { timeoutMs: 200, errorThresholdPercentage: 50, resetTimeoutMs: 150, volumeThreshold: 3 };
const breakers: GatewayBreaker[] = [];
afterEach(() => {
  for (const b of breakers.splice(0)) b.close();
});

function make(metrics = createMetrics({ defaultMetrics: false })) {
  const breaker = createGatewayBreaker({ name: 'test', settings, log, metrics });
  breakers.push(breaker);
  return { breaker, metrics };
}

const fail = () => Promise.reject(new Error('boom'));

describe('gateway breaker', () => {
  it('opens after the volume threshold of failures, rejects at once, half-opens, closes on success', async () => {
    const { breaker, metrics } = make();
    const seen: string[] = [];
    breaker.onTransition((s) => seen.push(s));
    for (let i = 0; i < 3; i += 1) await expect(breaker.fire(fail)).rejects.toThrow('boom');
    expect(breaker.state()).toBe('open');
    const rejected = await breaker.fire(() => Promise.resolve(1)).catch((e: unknown) => e);
    expect(isBreakerOpenError(rejected)).toBe(true);
    await new Promise((r) => setTimeout(r, 250));
    expect(breaker.state()).toBe('halfOpen');
    await expect(breaker.fire(() => Promise.resolve(7))).resolves.toBe(7);
    expect(breaker.state()).toBe('closed');
    expect(seen).toEqual(['open', 'halfOpen', 'closed']);
    const transitions = await metrics.breakerTransitions.get();
    expect(Object.fromEntries(transitions.values.map((v) => [v.labels.to, v.value]))).toEqual({
      open: 1,
      halfOpen: 1,
      closed: 1,
    });
    expect((await metrics.breakerState.get()).values[0]?.value).toBe(0);
  });

  it('counts a timeout as a failure', async () => {
    const { breaker } = make();
    for (let i = 0; i < 3; i += 1) {
      await expect(breaker.fire(() => new Promise((r) => setTimeout(r, 400)))).rejects.toThrow(/Timed out/);
    }
    expect(breaker.state()).toBe('open');
  });

  it('records failures from outside (a stream that died after connecting); a failed half-open attempt reopens', async () => {
    const { breaker, metrics } = make();
    await breaker.fire(() => Promise.resolve());
    breaker.recordFailure(new Error('reset'));
    breaker.recordFailure(new Error('reset'));
    await new Promise((r) => setImmediate(r));
    expect(breaker.state()).toBe('open');
    expect((await metrics.breakerState.get()).values[0]?.value).toBe(2);
    await new Promise((r) => setTimeout(r, 250));
    expect(breaker.state()).toBe('halfOpen');
    breaker.recordFailure(new Error('still down'));
    await new Promise((r) => setImmediate(r));
    expect(breaker.state()).toBe('open');
  });
});
