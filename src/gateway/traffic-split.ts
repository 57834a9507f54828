import { effectiveShares } from '../registry/traffic-shares.js';
import type { RoutableVersion } from './version-picker.js';

/** The versions that take unpinned traffic, with the cumulative share each ends at. */
export interface TrafficSplit {
  versions: readonly RoutableVersion[];
  /** Ascending; the last entry is 1. */
  bounds: readonly number[];
}

// Routes are swapped whole on every change, so a split is computed once per route table.
const splits = new WeakMap<readonly RoutableVersion[], TrafficSplit>();

/**
 * How unpinned requests are shared among the ready versions: by effective share (DESIGN
 * "Domain rules"). A version that is not ready gets nothing; its share goes to the default
 * version, or, while the default is not ready either, to the ready versions in proportion.
 */
export function trafficSplit(versions: readonly RoutableVersion[]): TrafficSplit {
  const cached = splits.get(versions);
  if (cached !== undefined) return cached;

  const shares = effectiveShares(versions.map((v) => v.spec));
  const ready = versions.filter((v) => v.ports.length > 0);
  const orphaned = versions
    .filter((v) => v.ports.length === 0)
    .reduce((sum, v) => sum + (shares.get(v.spec.name) ?? 0), 0);
  const readyDefault = ready.find((v) => v.spec.isDefault);

  let weights = ready.map(
    (v) => (shares.get(v.spec.name) ?? 0) + (v === readyDefault ? orphaned : 0),
  );
  let total = weights.reduce((a, b) => a + b, 0);
  if (total === 0) {
    // Only versions assigned 0 % are ready: better they serve than nobody does.
    weights = ready.map(() => 1);
    total = ready.length;
  }

  let running = 0;
  const bounds = weights.map((w) => (running += w) / total);
  if (bounds.length > 0) bounds[bounds.length - 1] = 1;
  const split = { versions: ready, bounds };
  splits.set(versions, split);
  return split;
}

/** The version a draw in [0, 1) lands on; undefined when no version is ready. */
export function versionFor(split: TrafficSplit, draw: number): RoutableVersion | undefined {
  const index = split.bounds.findIndex((bound) => draw < bound);
  return split.versions[index === -1 ? split.versions.length - 1 : index];
}
