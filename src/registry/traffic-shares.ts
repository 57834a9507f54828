import type { VersionSpec } from './service-record.js';

type Shared = Pick<VersionSpec, 'name' | 'traffic' | 'isDefault'>;

/** Percentiles are summed in hundredths, so 33.3 + 33.3 + 33.4 is exactly 100. */
const scale = 100;

/** Sum of the assigned traffic percentiles, exact to two decimals. */
export function assignedTotal(versions: readonly Shared[]): number {
  const hundredths = versions.reduce((sum, v) => sum + Math.round((v.traffic ?? 0) * scale), 0);
  return hundredths / scale;
}

/**
 * The share of traffic each version serves (DESIGN "Domain rules"): its own percentile, and
 * for the default version also whatever no version claims. Assumes the sum is at most 100.
 */
export function effectiveShares(versions: readonly Shared[]): Map<string, number> {
  const unassigned = Math.max(0, 100 - assignedTotal(versions));
  return new Map(
    versions.map((v) => [v.name, round((v.traffic ?? 0) + (v.isDefault ? unassigned : 0))]),
  );
}

/** `12.5 %`, `90 %`: at most two decimals, no trailing zeros. */
export function formatPercent(value: number): string {
  return `${round(value)} %`;
}

function round(value: number): number {
  return Math.round(value * scale) / scale;
}
