/** Which signals a stream client asked for (asset, channel, type, status), as one predicate. */
import type { SignalView } from '../../domain/signal.js';
import type { NormalisedFilters } from '../schemas/signals-query.js';

export type SignalFilter = (signal: SignalView) => boolean;

export const acceptAll: SignalFilter = () => true;

export function compileFilter(filters: NormalisedFilters): SignalFilter {
  const assets = filters.assets ? new Set(filters.assets) : null;
  const statuses = filters.statuses ? new Set<string>(filters.statuses) : null;
  const { channel, type } = filters;
  if (!assets && !statuses && channel === undefined && type === undefined) return acceptAll;
  return (signal) =>
    (channel === undefined || signal.channel === channel) &&
    (type === undefined || signal.signal_type === type) &&
    (assets === null || assets.has(signal.asset.toUpperCase())) &&
    (statuses === null || statuses.has(signal.status));
}
