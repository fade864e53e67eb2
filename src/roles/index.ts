/** Every command of the CLI, in the order `tp-capital --help` lists them. */
import { apiCommand } from './api.js';
import type { Command } from './command.js';
import { gatewaySimCommand } from './gateway-sim.js';
import { ingestCommand } from './ingest.js';
import { migrateCommand } from './migrate.js';
import { migrateLegacyCommand } from './migrate-legacy.js';
import { parseCommand } from './parse.js';
import { reprocessCommand } from './reprocess.js';
import { startCommand } from './start.js';
import { statusCommand } from './status.js';

// biome-ignore lint/suspicious/noExplicitAny: commands differ in their option schemas
export const commands: Command<any>[] = [
  startCommand,
  statusCommand,
  ingestCommand,
  apiCommand,
  gatewaySimCommand,
  migrateCommand,
  migrateLegacyCommand,
  reprocessCommand,
  parseCommand,
];
