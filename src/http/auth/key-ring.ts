/**
 * The configured API keys (TP_CAPITAL_API_KEY, a comma list so keys rotate without downtime) and the
 * constant-time check of a presented key: both sides are hashed to 32 bytes (so lengths never leak)
 * and compared with timingSafeEqual against every key, without stopping at the first match.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export interface KeyRing {
  /** False when no key is configured: the API is open (refused in production by loadConfig). */
  readonly configured: boolean;
  /** The matching key's fingerprint, or null. */
  verify(presented: string): string | null;
  /** Whether a session minted for this fingerprint is still backed by a configured key. */
  knows(fingerprint: string): boolean;
}

const sha256 = (value: string) => createHash('sha256').update(value, 'utf8').digest();

export const OPEN_FINGERPRINT = 'open';

/** `secret` keys the fingerprints, so a session cookie (signed, not encrypted) reveals nothing of a key. */
export function createKeyRing(keys: readonly string[] | undefined, secret: string): KeyRing {
  const entries = (keys ?? []).map((key) => ({
    hash: sha256(key),
    fingerprint: createHmac('sha256', secret).update(key, 'utf8').digest('base64url').slice(0, 16),
  }));
  const fingerprints = new Set(entries.map((entry) => entry.fingerprint));
  const configured = entries.length > 0;

  return {
    configured,
    verify(presented) {
      if (!configured) return OPEN_FINGERPRINT;
      const hash = sha256(presented);
      let match: string | null = null;
      for (const entry of entries) {
        if (timingSafeEqual(hash, entry.hash) && match === null) match = entry.fingerprint;
      }
      return match;
    },
    knows: (fingerprint) => (configured ? fingerprints.has(fingerprint) : fingerprint === OPEN_FINGERPRINT),
  };
}
