/**
 * The Cache of GET /signals answers: strings under keys, each with a TTL. It is dumb on purpose: the
 * caller builds keys (the latest event seq is part of them) and counts hits, misses and errors.
 * Nothing here throws when the backing store is down: a lookup reports `error` and the caller reads
 * PostgreSQL instead.
 */
export type CacheLookup =
  | { status: 'hit'; value: string }
  | { status: 'miss' }
  | { status: 'error'; error: Error };

export interface Cache {
  get(key: string): Promise<CacheLookup>;
  /** Best effort: resolves false when the value could not be stored, never rejects. */
  set(key: string, value: string, ttlSeconds: number): Promise<boolean>;
  close(): Promise<void>;
}
