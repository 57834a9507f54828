import { formatModelRef } from './names.js';
import type { VersionSpec } from './service-record.js';
import { effectiveShares, formatPercent } from './traffic-shares.js';

/** The marks of a version as chat shows them: `default`, `control`, `treatment`. */
export function versionMarks(version: VersionSpec): string[] {
  return [...(version.isDefault ? ['default'] : []), ...(version.role ? [version.role] : [])];
}

/**
 * An endpoint's versions as a small plain-text table: model, assigned and effective share,
 * marks. Shown with every refusal and every traffic change, so a user sees where things stand.
 */
export function trafficTable(versions: readonly VersionSpec[]): string {
  const shares = effectiveShares(versions);
  return versions
    .map((v) => {
      const marks = versionMarks(v);
      const assigned = v.traffic === undefined ? 'none' : formatPercent(v.traffic);
      return (
        `• \`${v.name}\` ${v.models.map(formatModelRef).join(', ')} — ` +
        `serves ${formatPercent(shares.get(v.name) ?? 0)} (assigned ${assigned})` +
        (marks.length > 0 ? ` · ${marks.join(', ')}` : '')
      );
    })
    .join('\n');
}
