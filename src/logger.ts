/** The root pino logger: JSON lines, secrets redacted, one child per module. */
import { type Logger, pino } from 'pino';

export type { Logger };

export const REDACT_PATHS = [
  'req.headers["x-api-key"]',
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  '*.apiKey',
  '*.password',
  '*.token',
  'apiKey',
  'password',
  'token',
];

export function createLogger(options: {
  level: string;
  name?: string;
  destination?: NodeJS.WritableStream;
  /** Append JSON lines to this file instead (tp-capital start keeps the terminal for people). */
  file?: string;
}): Logger {
  return pino(
    {
      level: options.level,
      name: options.name ?? 'tp-capital',
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    options.destination ??
      pino.destination(
        options.file ? { dest: options.file, mkdir: true, sync: false } : { dest: 1, sync: false },
      ),
  );
}
