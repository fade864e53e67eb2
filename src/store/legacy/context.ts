/** What every phase of a legacy migration is handed by the run (run.ts). */
import type { Db } from '../db.js';
import type { LegacySource } from './legacy-source.js';

export interface Progress {
  phase: 'copy signals' | 'copy messages' | 'verify signals' | 'verify messages';
  /** Legacy rows handled so far in this phase. */
  done: number;
  /** Legacy rows this phase will handle (counted when it starts). */
  total: number;
  batches: number;
}

export interface MigrationContext {
  db: Db;
  source: LegacySource;
  dryRun: boolean;
  batchSize: number;
  statementTimeoutMs: number;
  /** Fixed once per run: the upper bound of a plausible post date. */
  runStartedAt: Date;
  /** Stops the copy between batches (each batch is committed whole, with its checkpoint, or not at all). */
  signal?: AbortSignal;
  onProgress?: (progress: Progress) => void;
}

export function addCount(counts: Record<string, number>, key: string, n = 1): void {
  counts[key] = (counts[key] ?? 0) + n;
}
