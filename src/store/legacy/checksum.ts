/** An order-independent digest of a set of lines: sha256 over the lines sorted, one per line. */
import { createHash } from 'node:crypto';

export interface Checksum {
  /** How many lines went in. */
  rows: number;
  sha256: string;
}

export function checksumOf(lines: string[]): Checksum {
  const hash = createHash('sha256');
  for (const line of [...lines].sort()) hash.update(line).update('\n');
  return { rows: lines.length, sha256: hash.digest('hex') };
}

/** Splits `items` into chunks of `size` for look-ups that pass keys as one JSON parameter. */
export function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Keeps the first `limit` examples of a kind of problem, for the report. */
export function pushExample(list: string[], value: string, limit = 10): void {
  if (list.length < limit) list.push(value);
}
