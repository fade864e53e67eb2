/**
 * Where a migration stopped, kept in metrics.ingest_cursor under `legacy-migration:<schema>.<table>`
 * (no schema change). It is written in the same transaction as the batch it follows, so a crash at any
 * point resumes after the last committed batch. A finished copy is marked `complete`: the next run
 * reads the whole table again (cheap, idempotent, and the only way to see rows the legacy inserted
 * before the old position — its keys need not grow with time).
 */
import { z } from 'zod';
import type { Db } from '../db.js';
import { withTransaction } from '../transaction.js';
import type { Cursor } from './legacy-source.js';

export type Checkpoint = { state: 'in_progress'; after: string[] } | { state: 'complete' };

const schema = z.discriminatedUnion('state', [
  z.object({ state: z.literal('in_progress'), after: z.array(z.string()).min(1) }),
  z.object({ state: z.literal('complete') }),
]);

export function checkpointKey(schemaName: string, table: string): string {
  return `legacy-migration:${schemaName}.${table}`;
}

export function inProgress(after: string[]): string {
  return JSON.stringify({ state: 'in_progress', after } satisfies Checkpoint);
}

export async function readCheckpoint(
  db: Db,
  key: string,
  statementTimeoutMs: number,
): Promise<Checkpoint | null> {
  const value = await withTransaction(db.pool, { statementTimeoutMs, readOnly: true }, async (tx) => {
    const { rows } = await tx.query<{ cursor: string }>(
      'SELECT cursor FROM metrics.ingest_cursor WHERE channel_id = $1',
      [key],
    );
    return rows[0]?.cursor ?? null;
  });
  if (value === null) return null;
  let json: unknown;
  try {
    json = JSON.parse(value);
  } catch {
    return null;
  }
  const parsed = schema.safeParse(json);
  // Unreadable: start from the beginning, which is always safe (every write is idempotent).
  return parsed.success ? parsed.data : null;
}

/** Where a run starts: after an interrupted run's last batch, else at the beginning. */
export function resumeCursor(checkpoint: Checkpoint | null): Cursor {
  return checkpoint?.state === 'in_progress' ? checkpoint.after : null;
}

export async function markComplete(db: Db, key: string, statementTimeoutMs: number): Promise<void> {
  await withTransaction(db.pool, { statementTimeoutMs }, async (tx) => {
    await tx.query(
      `INSERT INTO metrics.ingest_cursor (channel_id, cursor, updated_at) VALUES ($1, $2, now())
       ON CONFLICT (channel_id) DO UPDATE SET cursor = EXCLUDED.cursor, updated_at = EXCLUDED.updated_at`,
      [key, JSON.stringify({ state: 'complete' } satisfies Checkpoint)],
    );
  });
}

/** The CTE that moves the checkpoint inside a batch's write statement; `$param` is the cursor text. */
export function checkpointCte(keyParam: string, cursorParam: string): string {
  return `moved_checkpoint AS (
  INSERT INTO metrics.ingest_cursor (channel_id, cursor, updated_at) VALUES (${keyParam}, ${cursorParam}, now())
  ON CONFLICT (channel_id) DO UPDATE SET cursor = EXCLUDED.cursor, updated_at = EXCLUDED.updated_at
  RETURNING 1
)`;
}
