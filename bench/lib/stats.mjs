/** Percentiles and small numeric helpers shared by the figures. */

/** Nearest-rank percentile of an unsorted array; NaN for an empty one. */
export function percentile(values, p) {
  if (values.length === 0) return Number.NaN;
  const sorted = Float64Array.from(values).sort();
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

export function summary(values) {
  return {
    p50: round(percentile(values, 50)),
    p95: round(percentile(values, 95)),
    p99: round(percentile(values, 99)),
  };
}

export function round(value, digits = 2) {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** A wall clock with sub-millisecond resolution that agrees across processes of this machine. */
export function nowMs() {
  return performance.timeOrigin + performance.now();
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
