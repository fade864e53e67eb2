/**
 * Cache hit rate over a recent window (default the last 60 s in 12 buckets), for the
 * tp_capital_cache_hit_rate gauge: a lifetime ratio would hide a cache that stopped working an hour ago.
 */
export interface HitRateWindow {
  record(hit: boolean): void;
  /** hits / lookups in the window; null when there were none. */
  rate(): number | null;
}

export function createHitRateWindow(
  options: { windowMs?: number; buckets?: number; now?: () => number } = {},
): HitRateWindow {
  const windowMs = options.windowMs ?? 60_000;
  const count = options.buckets ?? 12;
  const span = windowMs / count;
  const now = options.now ?? Date.now;
  const hits = new Array<number>(count).fill(0);
  const totals = new Array<number>(count).fill(0);
  const stamps = new Array<number>(count).fill(-1);

  const slot = (at: number) => {
    const tick = Math.floor(at / span);
    const index = tick % count;
    if (stamps[index] !== tick) {
      stamps[index] = tick;
      hits[index] = 0;
      totals[index] = 0;
    }
    return index;
  };

  return {
    record(hit) {
      const index = slot(now());
      totals[index]! += 1;
      if (hit) hits[index]! += 1;
    },
    rate() {
      const tick = Math.floor(now() / span);
      let h = 0;
      let t = 0;
      for (let i = 0; i < count; i++) {
        if (stamps[i]! > tick - count) {
          h += hits[i]!;
          t += totals[i]!;
        }
      }
      return t === 0 ? null : h / t;
    },
  };
}
