/**
 * The only reader of process.env: one zod schema → a frozen, typed Config. A bad value stops the
 * process with a message that names the variable. Every variable is documented in `.env.example`.
 */
import { z } from 'zod';

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const url = (protocols: string[]) =>
  z.url({
    protocol: new RegExp(`^(${protocols.join('|')})$`),
    error: `must be a ${protocols.join(' or ')} URL`,
  });
const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'must be true or false' })
  .transform((v) => v === 'true' || v === '1' || v === 'yes');
const list = z
  .string()
  .transform((s) => s.split(',').map((part) => part.trim()))
  .pipe(z.array(z.string().min(1, 'has an empty item')));

const schema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATA_DIR: z.string().min(1).default('./data'),

  DATABASE_URL: url(['postgres', 'postgresql']).optional(),
  DATABASE_POOL_MAX: int(1, 500).default(10),
  DB_STATEMENT_TIMEOUT_MS: int(100, 600_000).default(5000),
  DB_CONNECT_TIMEOUT_MS: int(100, 120_000).default(5000),

  REDIS_URL: url(['redis', 'rediss']).optional(),
  REDIS_REPLICA_URL: url(['redis', 'rediss']).optional(),
  REDIS_SENTINELS: list
    .pipe(z.array(z.string().regex(/^[^:\s]+:\d{1,5}$/, 'items must be host:port')))
    .optional(),
  REDIS_SENTINEL_MASTER: z.string().min(1).default('tp-capital-master'),
  REDIS_KEY_PREFIX: z.string().default('tpc:'),

  TELEGRAM_GATEWAY_URL: url(['http', 'https']).optional(),
  TELEGRAM_GATEWAY_API_KEY: z.string().min(1).optional(),
  TP_CAPITAL_SIGNALS_CHANNEL_ID: z
    .string()
    .regex(/^-?\d{1,20}$/, 'must be a numeric Telegram channel id')
    .default('-1001649127710'),
  GATEWAY_PROCESSED_BY: z.string().min(1).default('tp-capital'),
  GATEWAY_POLL_INTERVAL_MS: int(100, 3_600_000).default(5000),
  GATEWAY_POLL_LIMIT: int(1, 1000).default(100),
  GATEWAY_REQUEST_TIMEOUT_MS: int(100, 120_000).default(5000),
  GATEWAY_STREAM_WATCHDOG_MS: int(1000, 600_000).default(45_000),
  GATEWAY_BREAKER_TIMEOUT_MS: int(100, 120_000).default(5000),
  GATEWAY_BREAKER_ERROR_THRESHOLD_PERCENT: int(1, 100).default(50),
  GATEWAY_BREAKER_RESET_TIMEOUT_MS: int(100, 3_600_000).default(30_000),
  GATEWAY_BREAKER_VOLUME_THRESHOLD: int(1, 1000).default(3),
  GATEWAY_BACKOFF_MAX_MS: int(100, 600_000).default(30_000),

  INGEST_BATCH_MAX: int(1, 10_000).default(100),
  INGEST_BATCH_WAIT_MS: int(0, 10_000).default(20),
  INGEST_LEASE_TTL_MS: int(1000, 600_000).default(10_000),

  HOST: z.string().min(1).default('0.0.0.0'),
  PORT: int(0, 65_535).default(4005),
  GATEWAY_SIM_PORT: int(0, 65_535).default(4010),
  TP_CAPITAL_API_KEY: list.optional(),
  SESSION_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  SESSION_TTL_S: int(60, 30 * 24 * 3600).default(12 * 3600),
  METRICS_TOKEN: z.string().min(1).optional(),
  CORS_ORIGIN: list.optional(),
  TRUST_PROXY: bool.default(false),
  RATE_LIMIT_MAX: int(1, 1_000_000).default(100),
  RATE_LIMIT_WINDOW_MS: int(1000, 3_600_000).default(60_000),
  CACHE_TTL_S: int(1, 86_400).default(30),
  CACHE_LRU_MAX: int(1, 1_000_000).default(1000),
  SSE_PING_MS: int(1000, 600_000).default(15_000),
  SSE_MAX_BUFFER_BYTES: int(1024, 1 << 30).default(1 << 20),
  SSE_MAX_STREAMS_PER_CLIENT: int(1, 100_000).default(10),
  SSE_CONNECTS_PER_MINUTE: int(1, 100_000).default(60),
  SHUTDOWN_GRACE_MS: int(0, 120_000).default(5000),
});

export type Config = Readonly<z.infer<typeof schema>>;

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Reads and validates the environment. Empty strings count as unset. Throws ConfigError naming each bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const present = Object.fromEntries(
    Object.keys(schema.shape)
      .map((key) => [key, env[key]] as const)
      .filter(([, value]) => value !== undefined && value !== ''),
  );
  const parsed = schema.safeParse(present);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const name = String(issue.path[0] ?? '(environment)');
        const value = present[name];
        const shown = value === undefined || /KEY|SECRET|TOKEN|URL/.test(name) ? '' : ` (got "${value}")`;
        return `${name}: ${issue.message}${shown}`;
      }),
    );
  }
  const config = parsed.data;
  if (config.NODE_ENV === 'production' && !config.TP_CAPITAL_API_KEY) {
    // API.md: without a key the API is open; tolerated in development only.
    throw new ConfigError(['TP_CAPITAL_API_KEY: is required when NODE_ENV=production']);
  }
  return Object.freeze(config);
}
