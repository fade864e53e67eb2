/** What the ingester says about itself: shown on /ready, by `tp-capital status` and on the dashboard. */

export type IngestMode = 'stream' | 'polling';
export type BreakerState = 'closed' | 'open' | 'halfOpen';
export type IngesterRole = 'active' | 'standby' | 'off';

export interface IngestStatus {
  role: IngesterRole;
  mode: IngestMode | null;
  breaker: BreakerState | null;
  /** Telegram date → commit of the latest committed message, seconds; null before the first. */
  lagSeconds: number | null;
  lastCommitAt: string | null;
  /** Messages committed since the process started. */
  committed: number;
}

/** Anything that can report the ingester's status (in-process ingester, or a status row read from the DB). */
export type IngestStatusSource = () => Promise<IngestStatus | null>;
