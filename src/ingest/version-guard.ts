/**
 * Polling returns a message's *latest* version only, while the stream, when it comes back, replays from
 * its older cursor: every version in between. Applying such a replayed older version after the newer
 * polled one would turn the signal back (and the newer one, when replayed, is already stored, so it
 * would not turn it forward again). The guard remembers, per message, the gateway `updatedAt` of what
 * polling handed over, and tells the stream's older versions apart until the replay has caught up.
 * Such versions are kept in the inbox as superseded, never applied (intake.ts). Bounded; per tenure.
 */
import type { Decoded } from '../gateway/index.js';

export interface VersionGuard {
  /** A message handed over by polling. */
  polled(decoded: Decoded): void;
  /** True for a stream delivery that is older than the version polling handed over. */
  isStale(decoded: Decoded): boolean;
  skipped(): number;
}

function keyOf(decoded: Extract<Decoded, { type: 'message' }>): string {
  const m = decoded.message;
  return `${m.channelId}\u0001${m.messageId}\u0001${m.telegramDate.getTime()}`;
}

export function createVersionGuard(maxEntries = 100_000): VersionGuard {
  const latest = new Map<string, number>();
  let skipped = 0;
  return {
    polled(decoded) {
      if (decoded.type !== 'message' || decoded.versionAt === null) return;
      const key = keyOf(decoded);
      const at = Math.max(decoded.versionAt.getTime(), latest.get(key) ?? 0);
      // Re-inserted so that the map's order is recency and the bound drops the oldest.
      latest.delete(key);
      latest.set(key, at);
      if (latest.size > maxEntries) {
        const oldest = latest.keys().next();
        if (!oldest.done) latest.delete(oldest.value);
      }
    },
    isStale(decoded) {
      if (decoded.type !== 'message' || latest.size === 0) return false;
      const key = keyOf(decoded);
      const recorded = latest.get(key);
      if (recorded === undefined) return false;
      if (decoded.versionAt !== null && decoded.versionAt.getTime() < recorded) {
        skipped += 1;
        return true;
      }
      // The replay has reached the polled version (or one after it): from here on, everything is newer.
      latest.delete(key);
      return false;
    },
    skipped: () => skipped,
  };
}
