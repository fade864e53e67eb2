import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

function problems(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected loadConfig to fail');
}

describe('loadConfig', () => {
  it('runs on defaults with an empty environment', () => {
    const config = loadConfig({});
    expect(config.PORT).toBe(4005);
    expect(config.TP_CAPITAL_SIGNALS_CHANNEL_ID).toBe('-1001649127710');
    expect(config.GATEWAY_BREAKER_RESET_TIMEOUT_MS).toBe(30_000);
    expect(config.DATABASE_URL).toBeUndefined();
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('coerces numbers and splits key lists', () => {
    const config = loadConfig({ PORT: '8080', TP_CAPITAL_API_KEY: 'old-key, new-key' });
    expect(config.PORT).toBe(8080);
    expect(config.TP_CAPITAL_API_KEY).toEqual(['old-key', 'new-key']);
  });

  it('treats empty strings as unset', () => {
    expect(loadConfig({ DATABASE_URL: '', PORT: '' }).PORT).toBe(4005);
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['DATABASE_URL', 'mysql://x@y/z'],
    ['REDIS_URL', 'not a url'],
    ['TELEGRAM_GATEWAY_URL', 'ftp://gateway'],
    ['TP_CAPITAL_SIGNALS_CHANNEL_ID', 'tp-capital'],
    ['GATEWAY_BREAKER_ERROR_THRESHOLD_PERCENT', '150'],
    ['LOG_LEVEL', 'loud'],
    ['REDIS_SENTINELS', 'host-without-port'],
    ['TP_CAPITAL_API_KEY', 'a,,b'],
    ['SESSION_SECRET', 'short'],
    ['TRUST_PROXY', 'maybe'],
  ])('names %s when it is %j', (name, value) => {
    const found = problems({ [name]: value });
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(new RegExp(`^${name}: `));
  });

  it('reports every bad variable at once', () => {
    expect(
      problems({ PORT: 'x', CACHE_TTL_S: '-1' })
        .map((p) => p.split(':')[0])
        .sort(),
    ).toEqual(['CACHE_TTL_S', 'PORT']);
  });

  it('never echoes secrets in the message', () => {
    const [problem] = problems({ DATABASE_URL: 'mysql://user:hunter2@db/x' });
    expect(problem).not.toContain('hunter2');
  });

  it('refuses production without an API key', () => {
    expect(problems({ NODE_ENV: 'production' })).toEqual([
      'TP_CAPITAL_API_KEY: is required when NODE_ENV=production',
    ]);
    expect(loadConfig({ NODE_ENV: 'production', TP_CAPITAL_API_KEY: 'k' }).NODE_ENV).toBe('production');
  });
});
